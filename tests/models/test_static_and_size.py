import random

import torch
from torch import nn

from nasbench_cvpr.models import StaticResNet
from nasbench_cvpr.models.proxies import count_flops, count_params
from nasbench_cvpr.spaces import ResNet20Space, ResNet48Space


def independent_param_count(space, code):
    """Closed form written from the space definition, not from the package:
    conv weights + BN (gamma, beta) + FC weights and bias. Projections:
    ResNet48 where the stride is 2 or the widths differ; the CVPR 2021
    ResNet20 in the first block of every stage or where the widths differ."""
    arch = space.decode(code)
    official20 = isinstance(space, ResNet20Space)
    k = 7 if space.stem_type == 'imagenet' else 3
    total = 3 * k * k * arch.stem_channels + 2 * arch.stem_channels
    prev = arch.stem_channels
    for stage in arch.stages:
        for i, b in enumerate(stage):
            total += 9 * prev * b.mid_channels + 2 * b.mid_channels
            total += 9 * b.mid_channels * b.out_channels + 2 * b.out_channels
            start = i == 0 if official20 else b.stride == 2
            if start or prev != b.out_channels:
                total += prev * b.out_channels + 2 * b.out_channels
            prev = b.out_channels
    return total + prev * space.num_classes + space.num_classes


def hooked_macs(net, size):
    macs = []

    def hook(module, inputs, output):
        if isinstance(module, nn.Conv2d):
            macs.append(output.numel() * module.in_channels *
                        module.kernel_size[0] * module.kernel_size[1])
        else:
            macs.append(module.in_features * module.out_features)

    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            m.register_forward_hook(hook)
    with torch.no_grad():
        net.eval()(torch.zeros(1, 3, size, size))
    return sum(macs)


def test_largest_resnet48():
    space = ResNet48Space()
    arch = space.decode(space.max_code())
    assert count_params(arch) == 34_043_688
    assert sum(p.numel() for p in StaticResNet(arch).parameters()) \
        == 34_043_688
    assert round(count_flops(arch) / 1e9, 2) == 5.28


def test_resnet48_counts_match_network_and_independent_formula():
    space = ResNet48Space(tie_out_channels=False)
    rng = random.Random(0)
    for _ in range(3):
        code = space.sample(rng)
        arch = space.decode(code)
        net = StaticResNet(arch)
        n_params = sum(p.numel() for p in net.parameters())
        assert n_params == count_params(arch) == independent_param_count(
            space, code)
        assert hooked_macs(net, 224) == count_flops(arch)


def test_resnet20_counts_and_always_conv():
    space = ResNet20Space()
    rng = random.Random(1)
    for _ in range(10):
        code = space.sample(rng)
        arch = space.decode(code)
        assert count_params(arch) == independent_param_count(space, code)
        for shortcut in ('auto', 'always_conv'):
            net = StaticResNet(arch, shortcut=shortcut)
            assert sum(p.numel() for p in net.parameters()) == count_params(
                arch, shortcut)
            assert hooked_macs(net, 32) == count_flops(arch, shortcut)
