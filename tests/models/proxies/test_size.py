"""Parameter counts of the real CVPR 2021 ResNet20 codes follow the official
projection rule (first block of every stage, elsewhere where widths differ)."""
import json
import os

import pytest

from nasbench_cvpr.models import StandaloneResNet
from nasbench_cvpr.models.proxies import count_params
from nasbench_cvpr.spaces import ResNet20Space
from tests.conftest import DATA


def official_resnet20_params(code: str, num_classes: int = 100) -> int:
    """Closed form read off the 20 numbers, independent of the package:
    conv weights + BN (gamma, beta) + FC weight and bias. A 1x1 conv + BN
    projection sits in the first block of every stage (stage 1 included)
    and wherever a block's input and output widths differ; position 19 has
    no effect."""
    w = [int(t) for t in code.split('-')]
    total = 3 * 9 * w[0] + 2 * w[0]
    prev = w[0]
    for stage in range(3):
        for block in range(3):
            mid = w[1 + 6 * stage + 2 * block]
            out = w[2 + 6 * stage + 2 * block]
            total += 9 * prev * mid + 2 * mid + 9 * mid * out + 2 * out
            if block == 0 or prev != out:
                total += prev * out + 2 * out
            prev = out
    return total + prev * num_classes + num_classes


@pytest.fixture(scope='module')
def real_codes():
    with open(os.path.join(DATA, 'cvpr21_gt_first200.json')) as f:
        return [v['arch'] for v in json.load(f).values()]


def test_real_codes_match_official_count(real_codes):
    space = ResNet20Space()
    assert len(real_codes) == 200
    for code in real_codes:
        assert count_params(space.decode(code)) == \
            official_resnet20_params(code), code


def test_standalone_networks_match_official_count(real_codes):
    space = ResNet20Space()
    for code in real_codes[:40]:
        net = StandaloneResNet(space, arch=code)
        assert sum(p.numel() for p in net.parameters()) == \
            official_resnet20_params(code), code


def test_stage1_projection_when_stem_equals_first_output(real_codes):
    """The codes whose position 0 equals position 2 are exactly those where
    the official rule and the stride-or-width rule disagree (48 of 200)."""
    space = ResNet20Space()
    stride_rule = ResNet20Space(projection_rule='stride_or_width')
    same = [c for c in real_codes if c.split('-')[0] == c.split('-')[2]]
    differ = [c for c in real_codes
              if count_params(space.decode(c)) !=
              count_params(stride_rule.decode(c))]
    assert len(same) == 48 and differ == same
    for code in same:
        first = space.decode(code).blocks[0]
        assert first.in_channels == first.out_channels and first.stride == 1
        assert first.needs_projection


def test_always_conv_counts_every_projection(real_codes):
    space = ResNet20Space()
    code = real_codes[0]
    arch = space.decode(code)
    extra = sum(b.in_channels * b.out_channels + 2 * b.out_channels
                for b in arch.blocks if not b.needs_projection)
    assert count_params(arch, 'always_conv') == \
        official_resnet20_params(code) + extra
