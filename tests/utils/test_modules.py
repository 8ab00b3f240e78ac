"""flat_modules walks a module tree like nn.Module.modules()."""
from torch import nn

from nasbench_cvpr.models import ResNetSupernet
from nasbench_cvpr.utils import flat_modules


def test_same_modules_in_the_same_order_as_modules(tiny_space):
    net = ResNetSupernet(tiny_space)
    assert flat_modules(net) == list(net.modules())


def test_shared_and_absent_children_are_handled_like_modules():
    shared = nn.Linear(2, 2)
    root = nn.Sequential(nn.Sequential(shared, nn.ReLU()), shared)
    root.register_module('empty', None)
    walked = flat_modules(root)
    assert walked == list(root.modules())
    assert sum(m is shared for m in walked) == 1
