import json
import os
import random

import pytest

from nasbench_cvpr.spaces import ArchCodeError, ResNet20Space, ResNet48Space
from tests.conftest import DATA, shared_file


@pytest.fixture(scope='module')
def space():
    return ResNet20Space()


def test_positions(space):
    code = '16-4-12-16-8-16-16-24-12-8-16-4-32-52-52-52-20-40-8-44'
    arch = space.decode(code)
    assert arch.stem_channels == 16 and arch.depths == (3, 3, 3)
    first, fourth = arch.blocks[0], arch.blocks[3]
    assert (first.in_channels, first.mid_channels, first.out_channels,
            first.stride) == (16, 4, 12, 1)
    assert (fourth.in_channels, fourth.mid_channels, fourth.out_channels,
            fourth.stride) == (16, 24, 12, 2)
    assert arch.out_channels == 8  # position 18; position 19 has no effect
    assert space.decode(code[:-2] + '64') == arch


def test_round_trip_and_extremes(space):
    rng = random.Random(0)
    for _ in range(1000):
        code = space.sample(rng)
        assert space.encode(space.parse(code)) == code
    assert space.max_code() == '-'.join(['16'] * 7 + ['32'] * 6 + ['64'] * 7)
    assert space.min_code() == '-'.join(['4'] * 20)


@pytest.mark.parametrize('code,position,reason', [
    ('16-16', None, 'expected 20 numbers'),
    ('16-x4' + '-4' * 18, 3, 'not an integer'),
    ('20' + '-4' * 19, 0, 'number 0 must be one of'),
    ('4-4-4-4-4-4-4-36' + '-4' * 12, 14, 'number 7 must be one of'),
    ('4--4' + '-4' * 17, 2, 'empty number'),
])
def test_rejections(space, code, position, reason):
    with pytest.raises(ArchCodeError) as info:
        space.decode(code)
    assert info.value.position == position
    assert reason in info.value.reason


def test_fixture_codes_valid(space):
    with open(os.path.join(DATA, 'cvpr21_gt_first200.json')) as f:
        data = json.load(f)
    assert all(space.is_valid(v['arch']) for v in data.values())


def test_real_1000_file(space):
    with open(shared_file('cvpr21_gt_first_1000.json')) as f:
        data = json.load(f)
    assert len(data) == 1000
    assert all(space.is_valid(v['arch']) for v in data.values())


def test_official_projection_rule(space):
    """First block of every stage (stage 1 at stride 1 too), elsewhere where
    the widths differ; ResNet48 keeps stride != 1 or widths differ."""
    code = '16-4-16-8-12-4-12-24-32-8-32-4-16-52-64-8-64-20-64-44'
    arch = space.decode(code)
    assert [b.needs_projection for b in arch.blocks] == [
        True, True, False, True, False, True, True, False, False]
    assert space.projection_rule == 'stage_start_or_width'
    other = ResNet20Space(projection_rule='stride_or_width').decode(code)
    assert [b.needs_projection for b in other.blocks][:3] == [
        False, True, False]
    big = ResNet48Space().decode(ResNet48Space().max_code())
    assert [b.needs_projection for b in big.blocks[:6]] == [
        False, False, False, False, False, True]
    with pytest.raises(ValueError, match='projection_rule'):
        ResNet20Space(projection_rule='sometimes')
