import random

import pytest
import torch
from torch import nn

from nasbench_cvpr.models import (ResNetSupernet, StandaloneResNet,
                                  StaticResNet, export_subnet)
from nasbench_cvpr.models.ops import SHARING_MODES
from nasbench_cvpr.models.supernets.resnet_supernet import SupernetBlock
from nasbench_cvpr.spaces import ArchCodeError, ResNet20Space


def _warm_up(net, space, rng, steps=3):
    """A few training forwards so BN running statistics move."""
    net.train()
    x = torch.randn(8, 3, space.input_size, space.input_size)
    for _ in range(steps):
        net.set_arch(space.sample(rng))
        net(x)


@pytest.mark.parametrize('sharing', SHARING_MODES)
def test_export_equals_supernet_untied(tiny_space, sharing):
    fc = 'independent' if sharing == 'independent' else 'full'
    net = ResNetSupernet(tiny_space, conv_sharing=sharing,
                         bn_sharing=sharing, fc_sharing=fc)
    rng = random.Random(0)
    _warm_up(net, tiny_space, rng)
    net.eval()
    x = torch.randn(4, 3, 16, 16)
    for _ in range(6):
        code = tiny_space.sample(rng)
        with torch.no_grad():
            expected = net(x) if net.set_arch(code) else None
            static = export_subnet(net, code)
            got = static(x)
        assert not any('mmrazor' in type(m).__module__
                       for m in static.modules())
        assert (got - expected).abs().max().item() <= 1e-5


def test_export_equals_supernet_tied_and_always_conv(tiny_space):
    from nasbench_cvpr.spaces import ResNet48Space
    tied = ResNet48Space(base_channels=(8, 16, 24, 32), max_depths=(2, 2, 3, 2),
                         divisor=4, stem_type='cifar', num_classes=5,
                         input_size=16)
    for shortcut in ('auto', 'always_conv'):
        net = ResNetSupernet(tied, shortcut=shortcut)
        rng = random.Random(1)
        _warm_up(net, tied, rng)
        net.eval()
        x = torch.randn(2, 3, 16, 16)
        for _ in range(4):
            code = tied.sample(rng)
            with torch.no_grad():
                net.set_arch(code)
                expected = net(x)
                got = export_subnet(net, code)(x)
            assert (got - expected).abs().max().item() <= 1e-5


def test_bn_running_stats_update_through_slices(tiny_space):
    net = ResNetSupernet(tiny_space)
    net.set_min_arch()
    block = net.layers[-1][0]
    bn = block.bn2
    width = block.out_mutable.current_choice
    assert width < bn.num_features
    net.train()
    net(torch.randn(8, 3, 16, 16) * 3 + 1)
    assert not torch.allclose(bn.running_mean[:width], torch.zeros(width))
    assert torch.equal(bn.running_mean[width:],
                       torch.zeros(bn.num_features - width))
    assert int(bn.num_batches_tracked) == 1


def test_track_running_stats_false_uses_batch_stats(tiny_space):
    net = ResNetSupernet(tiny_space, bn_track_running_stats=False).eval()
    net.set_max_arch()
    x = torch.randn(4, 3, 16, 16)
    out_eval = net(x)
    net.train()
    assert torch.allclose(net(x), out_eval, atol=1e-6)


def test_structure_matches_standalone(tiny_space):
    """Same modules and shapes as the network built from scratch."""
    net = ResNetSupernet(tiny_space)
    rng = random.Random(5)
    for _ in range(10):
        code = tiny_space.sample(rng)
        exported = export_subnet(net, code)
        fresh = StandaloneResNet(tiny_space, arch=code)
        shapes = {k: v.shape for k, v in exported.state_dict().items()}
        assert shapes == {k: v.shape for k, v in fresh.state_dict().items()}


def test_set_arch_is_in_place_and_validates(tiny_space):
    net = ResNetSupernet(tiny_space)
    ids = [id(p) for p in net.parameters()]
    code = tiny_space.min_code()
    arch = net.set_arch(code)
    assert [id(p) for p in net.parameters()] == ids
    assert net.current_code == code and arch.depths == (2, 2, 2, 2)
    assert net(torch.randn(1, 3, 16, 16)).shape == (1, 5)
    with pytest.raises(ArchCodeError):
        net.set_arch(code[:-1] + 'x')


def test_resnet20_supernet_export():
    space = ResNet20Space(base_channels=(8, 16, 32), num_classes=10,
                          input_size=8)
    net = ResNetSupernet(space)
    rng = random.Random(2)
    _warm_up(net, space, rng)
    net.eval()
    x = torch.randn(2, 3, 8, 8)
    for _ in range(4):
        code = space.sample(rng)
        with torch.no_grad():
            net.set_arch(code)
            assert (export_subnet(net, code)(x) - net(x)).abs().max() <= 1e-5


def test_resnet20_stage1_projection_in_supernet_and_export():
    """Stem width equal to stage 1's first output: the official ResNet20
    still puts a projection in that block (stride 1, equal widths); the
    supernet uses it and the exported and standalone networks have it."""
    space = ResNet20Space(base_channels=(8, 16, 32), num_classes=10,
                          input_size=8)
    code = '-'.join(['8'] * 7 + ['16'] * 6 + ['32'] * 7)
    net = ResNetSupernet(space)
    _warm_up(net, space, random.Random(3))
    net.eval()
    net.set_arch(code)
    expected = [True, False, False] * 3
    assert [b.use_projection for b in net.modules()
            if isinstance(b, SupernetBlock)] == expected
    static = export_subnet(net, code)
    assert [b.shortcut is not None for stage in static.layers
            for b in stage] == expected
    standalone = StandaloneResNet(space, arch=code)
    assert [b.shortcut is not None for stage in standalone.layers
            for b in stage] == expected
    x = torch.randn(2, 3, 8, 8)
    with torch.no_grad():
        assert (static(x) - net(x)).abs().max() <= 1e-5


def test_bad_options_rejected(tiny_space):
    with pytest.raises(ValueError, match='shortcut'):
        ResNetSupernet(tiny_space, shortcut='sometimes')
    with pytest.raises(ValueError, match='sharing'):
        ResNetSupernet(tiny_space, conv_sharing='half')
    with pytest.raises(ValueError, match='sharing'):
        ResNetSupernet(tiny_space, fc_sharing='front')
