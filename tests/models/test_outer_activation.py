"""The outer activation is a knob of the space: the supernet, the exported
and the standalone networks of a 'mish' space all use it, and agree."""
import random

import pytest
import torch
from torch import nn

from nasbench_cvpr.models import ResNetSupernet, StandaloneResNet, export_subnet
from nasbench_cvpr.spaces import build_space

TINY = dict(type='ResNet48Space', base_channels=(8, 16, 24, 32),
            max_depths=(2, 2, 3, 2), divisor=4, stem_type='cifar',
            num_classes=5, input_size=16)


def test_mish_space_networks_use_mish_after_the_addition():
    space = build_space(dict(TINY, outer_activation='mish'))
    code = space.sample(random.Random(0))
    assert space.decode(code).outer_activation == 'mish'
    supernet = ResNetSupernet(space).eval()
    static = export_subnet(supernet, code).eval()
    standalone = StandaloneResNet(dict(TINY, outer_activation='mish'),
                                  arch=code)
    for net in (supernet, static, standalone):
        mish = [m for m in net.modules() if isinstance(m, nn.Mish)]
        assert mish, type(net).__name__
    x = torch.randn(2, 3, 16, 16)
    supernet.set_arch(code)
    with torch.no_grad():
        assert torch.allclose(supernet(x), static(x), atol=1e-5)


def test_activation_changes_the_function_and_relu_is_the_default():
    relu_space, mish_space = build_space(TINY), build_space(
        dict(TINY, outer_activation='mish'))
    assert relu_space.decode(relu_space.max_code()).outer_activation == 'relu'
    torch.manual_seed(0)
    relu_net = ResNetSupernet(relu_space).eval()
    mish_net = ResNetSupernet(mish_space).eval()
    mish_net.load_state_dict(relu_net.state_dict())
    x = torch.randn(2, 3, 16, 16)
    with torch.no_grad():
        assert not torch.allclose(relu_net(x), mish_net(x))


def test_unknown_activation_refused():
    with pytest.raises(ValueError, match='outer_activation'):
        build_space(dict(TINY, outer_activation='gelu'))
    with pytest.raises(ValueError, match='outer_activation'):
        build_space(dict(type='ResNet20Space', outer_activation='swish'))
