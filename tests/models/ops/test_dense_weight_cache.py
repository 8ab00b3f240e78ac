"""Scoring reuses one contiguous copy of a subnet's weights per code."""
import random

import pytest
import torch

from nasbench_cvpr.engine.scoring import SubnetScorer
from nasbench_cvpr.models import ResNetSupernet
from nasbench_cvpr.models.ops import SlicedConv2d, SlicedLinear


def narrow(tiny_space):
    """A supernet with a code whose widths are below the maximum."""
    net = ResNetSupernet(tiny_space)
    net.set_arch(tiny_space.min_code())
    return net


def test_no_grad_reuses_a_contiguous_copy_until_weights_change(tiny_space):
    net = narrow(tiny_space)
    conv = next(m for m in net.modules() if isinstance(m, SlicedConv2d)
                and m.get_dynamic_params()[0].shape[1] < m.weight.shape[1])
    with torch.no_grad():
        first = conv.get_dynamic_params()[0]
        again = conv.get_dynamic_params()[0]
    assert first.is_contiguous() and again is first
    view = conv.weight[:first.shape[0], :first.shape[1]]
    assert not view.is_contiguous() and torch.equal(first, view)
    with torch.no_grad():
        conv.weight.add_(1.0)  # an optimizer step: in place
        updated = conv.get_dynamic_params()[0]
    assert updated is not first
    assert torch.equal(updated, conv.weight[:first.shape[0],
                                            :first.shape[1]])


def test_training_uses_the_view_so_gradients_reach_the_weights(tiny_space):
    net = narrow(tiny_space)
    sliced = [m for m in net.modules()
              if isinstance(m, (SlicedConv2d, SlicedLinear))
              and not m.get_dynamic_params()[0].is_contiguous()]
    assert sliced  # narrow input widths: non-contiguous views
    net.train()
    with torch.no_grad():  # fill the copies first: training must not use them
        net(torch.randn(2, 3, 16, 16))
    net(torch.randn(2, 3, 16, 16)).sum().backward()
    assert net.fc.weight.grad is not None
    used = [m for m in sliced if m.weight.grad is not None]
    assert len(used) >= len(sliced) // 2  # unused shortcuts get none


def test_scores_are_identical_with_and_without_the_copy(tiny_space,
                                                        monkeypatch):
    torch.manual_seed(0)
    net = ResNetSupernet(tiny_space)
    g = torch.Generator().manual_seed(1)
    batches = [(torch.randn(16, 3, 16, 16, generator=g),
                torch.randint(0, 5, (16, ), generator=g)) for _ in range(3)]
    scorer = SubnetScorer(net, batches[1:], batches[:1], 'recalibrate')
    rng = random.Random(2)
    codes = [tiny_space.sample(rng) for _ in range(4)]
    cached = [scorer.score(c) for c in codes]
    for cls in (SlicedConv2d, SlicedLinear):
        monkeypatch.setattr(cls, '_dense', lambda self, source, view: view)
    plain = [scorer.score(c) for c in codes]
    assert cached == plain


def test_flat_train_switch_sets_every_module_like_nn_module(tiny_space):
    net = ResNetSupernet(tiny_space)
    calls = []

    class Custom(torch.nn.Module):
        def train(self, mode=True):
            calls.append(mode)
            return super().train(mode)

    net.extra = Custom()
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    assert calls == [False, True]  # an overriding submodule is still called
    with pytest.raises(ValueError):
        net.train('yes')
