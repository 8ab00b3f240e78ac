"""flat_modules walks a module tree like nn.Module.modules(); the flat mode
switches set modes like nn.Module.train."""
import pytest
from torch import nn

from nasbench_cvpr.models import ResNetSupernet
from nasbench_cvpr.utils import ModeSwitch, flat_modules, set_training


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


class CountingTrain(nn.Linear):
    """A module whose ``train`` override must still be called."""

    calls: list

    def train(self, mode: bool = True):
        self.calls.append(mode)
        return super().train(mode)


def tree_with_override():
    custom = CountingTrain(2, 2)
    custom.calls = []
    root = nn.Sequential(nn.Sequential(nn.ReLU(), custom), nn.BatchNorm1d(2))
    return root, custom


@pytest.mark.parametrize('use_switch', [True, False])
def test_flat_switches_set_modes_like_train(use_switch):
    root, custom = tree_with_override()
    switch = ModeSwitch(root) if use_switch else (
        lambda mode: set_training(flat_modules(root), mode))
    for mode in (False, True, False):
        switch(mode)
        assert [m.training for m in root.modules()] == [mode] * 5
    assert custom.calls == [False, True, False]
    with pytest.raises(ValueError, match='boolean'):
        switch(1)


def test_supernet_train_sets_every_flag_once_per_call(tiny_space):
    net = ResNetSupernet(tiny_space)
    net.train()
    net.eval()
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_supernet_subclass_overriding_train_does_not_recurse(tiny_space):
    class Traced(ResNetSupernet):
        def train(self, mode: bool = True):
            self.seen = mode
            return super().train(mode)

    net = Traced(tiny_space)
    net.eval()
    assert net.seen is False
    assert not any(m.training for m in net.modules())
    switch = ModeSwitch(net)  # the override is called, not skipped
    switch(True)
    assert net.seen is True and all(m.training for m in net.modules())
