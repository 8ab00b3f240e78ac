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


def scorer_and_codes(space, seed):
    """A recalibrating scorer of a fresh supernet and four codes."""
    torch.manual_seed(0)
    net = ResNetSupernet(space)
    g = torch.Generator().manual_seed(seed)
    batches = [(torch.randn(16, 3, 16, 16, generator=g),
                torch.randint(0, 5, (16, ), generator=g)) for _ in range(3)]
    scorer = SubnetScorer(net, batches[1:], batches[:1], 'recalibrate')
    rng = random.Random(seed + 1)
    return scorer, [space.sample(rng) for _ in range(4)]


def test_scores_are_identical_with_and_without_the_copy(tiny_space,
                                                        monkeypatch):
    scorer, codes = scorer_and_codes(tiny_space, 1)
    cached = [scorer.score(c) for c in codes]
    for cls in (SlicedConv2d, SlicedLinear):
        monkeypatch.setattr(
            cls, '_dense',
            lambda self, source, rows, cols: source[:rows, :cols])
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


def _narrow_bn(net):
    from nasbench_cvpr.models.ops import SlicedBatchNorm2d
    return next(m for m in net.modules() if isinstance(m, SlicedBatchNorm2d)
                and m.active_tensors()['weight'].shape[0] < m.num_features)


def test_bn_views_are_kept_without_grad_and_follow_their_tensors(
        tiny_space):
    net = narrow(tiny_space)
    bn = _narrow_bn(net)
    width = bn.active_tensors()['weight'].shape[0]
    with torch.no_grad():
        first = bn._active_views(bn, width)
        assert all(a is b for a, b in zip(first, bn._active_views(bn,
                                                                  width)))
        bn.running_mean.add_(1.0)  # in place: the kept view sees it
        assert torch.equal(first[0], bn.running_mean[:width])
        bn.weight.data = bn.weight.data.clone() + 1  # new storage
        moved = bn._active_views(bn, width)
        assert moved[2] is not first[2]
        assert torch.equal(moved[2], bn.weight[:width])
        assert bn._active_views(bn, width - 1)[0].shape[0] == width - 1
    views = bn._active_views(bn, width)  # gradients on: made per call
    assert views[2] is not bn._active_views(bn, width)[2]
    assert views[2].requires_grad


def test_scores_are_identical_without_the_bn_view_cache(tiny_space,
                                                        monkeypatch):
    from nasbench_cvpr.models.ops import SlicedBatchNorm2d
    from nasbench_cvpr.models.ops.sliced_ops import _prefix
    scorer, codes = scorer_and_codes(tiny_space, 3)
    cached = [scorer.score(c) for c in codes]

    def fresh(self, owner, width):
        return tuple(_prefix(t, width) for t in (
            owner.running_mean, owner.running_var, owner.weight,
            owner.bias))

    monkeypatch.setattr(SlicedBatchNorm2d, '_active_views', fresh)
    assert [scorer.score(c) for c in codes] == cached
