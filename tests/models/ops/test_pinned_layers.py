"""Pinned sliced layers reuse their active tensors for one scored code."""
import random

import pytest
import torch

from nasbench_cvpr.engine.scoring import SubnetScorer
from nasbench_cvpr.models import ResNetSupernet
from nasbench_cvpr.models.ops import (PinnableLayer, SlicedBatchNorm2d,
                                      SlicedConv2d, SlicedLinear, pin_layers)


def layers(net):
    return [m for m in net.modules() if isinstance(m, PinnableLayer)]


def inputs(seed=0, n=6):
    return torch.randn(n, 3, 16, 16, generator=torch.Generator()
                       .manual_seed(seed))


def test_every_sliced_layer_is_pinnable(tiny_space):
    net = ResNetSupernet(tiny_space)
    kinds = {type(m) for m in layers(net)}
    assert kinds == {SlicedConv2d, SlicedBatchNorm2d, SlicedLinear}


def test_pinned_forward_equals_unpinned_and_computes_once(tiny_space,
                                                          monkeypatch):
    net = ResNetSupernet(tiny_space)
    code = tiny_space.sample(random.Random(1))
    net.set_arch(code)
    x = inputs()
    with torch.no_grad():
        net.train()  # BN updates its statistics through the views
        net(x)
        net.eval()
        expected = net(x)
    conv = next(m for m in net.modules() if isinstance(m, SlicedConv2d))
    calls = []
    real = conv.active_weight
    monkeypatch.setattr(conv, 'active_weight',
                        lambda: calls.append(1) or real())
    pin_layers(layers(net), True)
    try:
        with torch.no_grad():
            first = net(x)
            second = net(x)
    finally:
        pin_layers(layers(net), False)
    assert torch.equal(first, expected) and torch.equal(second, expected)
    assert len(calls) == 1  # computed on the first call only
    with torch.no_grad():
        net(x)
    assert len(calls) == 2  # unpinned: the normal path again


def test_pinned_layer_with_gradients_trains_the_shared_tensor(tiny_space):
    net = ResNetSupernet(tiny_space)
    net.set_arch(tiny_space.min_code())
    pin_layers(layers(net), True)
    try:
        with torch.no_grad():
            net(inputs())  # pins dense copies
        net.train()
        net(inputs(1)).sum().backward()
    finally:
        pin_layers(layers(net), False)
    conv = next(m for m in net.modules() if isinstance(m, SlicedConv2d)
                and m.weight.grad is not None)
    assert conv.weight.grad.shape == conv.weight.shape
    assert conv.weight.grad.abs().sum() > 0


@pytest.mark.parametrize('fail', [False, True])
def test_scorer_unpins_after_each_code(tiny_space, fail, monkeypatch):
    net = ResNetSupernet(tiny_space).eval()
    data = [(inputs(2, 4), torch.zeros(4, dtype=torch.long))]
    scorer = SubnetScorer(net, data, data, 'recalibrate')
    code = tiny_space.sample(random.Random(2))
    seen = []
    if fail:
        def evaluate(model, batches):
            seen.append(all(m.pinned for m in layers(net)))
            raise RuntimeError('stop')
        monkeypatch.setattr('nasbench_cvpr.engine.scoring.evaluate',
                            evaluate)
        with pytest.raises(RuntimeError):
            scorer.score(code)
        assert seen == [True]
    else:
        scorer.score(code)
    assert not any(m.pinned for m in layers(net))
