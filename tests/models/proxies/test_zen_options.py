"""ZenScoreProxy options reproducing RD-NAS's Zen-score."""
import math

import pytest
import torch
from torch import nn

from nasbench_cvpr.models.export import StandaloneResNet
from nasbench_cvpr.models.proxies import (RDNAS_ZEN_SETTINGS,
                                          PlainResNetFeatures,
                                          RDNASZenScoreProxy, ZenScoreProxy,
                                          build_proxy)
from nasbench_cvpr.models.proxies.zero_cost import update_running_var


class OnlyBN(nn.Module):
    """features = BN(x): small enough to compute the score by hand."""

    def __init__(self, channels):
        super().__init__()
        self.bn = nn.BatchNorm2d(channels)

    def forward_features(self, x):
        return self.bn(x)


class OnlyBNZen(ZenScoreProxy):
    def build_network(self, space, code):
        return OnlyBN(space.in_channels)


def by_hand(space, batch_size, seed, repeat, gamma, norm, divide, bn_stat):
    """The Zen-score of :class:`OnlyBN`, written out.

    No conv: the weight init draws nothing, so the generator yields x, eps
    of repeat 1, then x, eps of repeat 2...
    """
    gen = torch.Generator().manual_seed(seed)
    shape = (batch_size, space.in_channels, space.input_size,
             space.input_size)

    def bn(t):
        var = t.var(dim=(0, 2, 3), unbiased=False, keepdim=True)
        return (t - t.mean(dim=(0, 2, 3), keepdim=True)) / \
            torch.sqrt(var + 1e-5)

    def var(t):
        return t.double().var(dim=(0, 2, 3), unbiased=False)

    running = torch.ones(space.in_channels, dtype=torch.float64)
    scores = []
    for _ in range(repeat):
        x = torch.randn(shape, generator=gen)
        eps = torch.randn(shape, generator=gen)
        mix = x + gamma * eps
        diff = (bn(x) - bn(mix)).double()
        if norm == 'l1':
            delta = diff.abs().sum(dim=(1, 2, 3)).mean().item()
        else:
            delta = diff.pow(2).sum(dim=(1, 2, 3)).sqrt().mean().item()
        if divide:
            delta /= gamma
        # Paddle: moving = 0.9 * moving + 0.1 * batch, after each forward
        running = 0.9 * running + 0.1 * var(x)
        running = 0.9 * running + 0.1 * var(mix)
        chosen = var(x) if bn_stat == 'batch' else running
        scores.append(math.log(delta) +
                      math.log(math.sqrt(chosen.mean().item())))
    return sum(scores) / repeat


@pytest.mark.parametrize('norm,divide,bn_stat', [
    ('l2', True, 'batch'),  # the defaults
    ('l1', False, 'running'),  # RD-NAS
    ('l1', True, 'batch'),
    ('l2', False, 'running'),
])
def test_score_equals_the_formula_on_a_bn_only_network(tiny_space, norm,
                                                       divide, bn_stat):
    kwargs = dict(batch_size=4, seed=3, repeat=3, mixup_gamma=0.05)
    zen = OnlyBNZen(norm=norm, divide_by_gamma=divide, bn_stat=bn_stat,
                    **kwargs)
    expected = by_hand(tiny_space, 4, 3, 3, 0.05, norm, divide, bn_stat)
    assert zen(tiny_space, tiny_space.max_code()) == pytest.approx(
        expected, rel=1e-6)


def test_l1_and_l2_and_gamma_change_the_score(tiny_space):
    code = tiny_space.max_code()
    l2 = ZenScoreProxy(batch_size=4)(tiny_space, code)
    l1 = ZenScoreProxy(batch_size=4, norm='l1')(tiny_space, code)
    # L1 >= L2 per sample; the difference is about log sqrt(#elements)
    assert l1 > l2
    undivided = ZenScoreProxy(batch_size=4, divide_by_gamma=False)(
        tiny_space, code)
    assert l2 - undivided == pytest.approx(-math.log(1e-2))


def test_update_running_var_is_paddles_moving_average():
    running = torch.ones(2, dtype=torch.float64)
    out = update_running_var(running, torch.tensor([3.0, 5.0]))
    torch.testing.assert_close(out, torch.tensor([1.2, 1.4],
                                                 dtype=torch.float64))


def test_plain_network_has_no_residual_links(tiny_space):
    code = tiny_space.max_code()
    arch = tiny_space.decode(code)
    plain = PlainResNetFeatures(arch)
    bns = [m for m in plain.modules() if isinstance(m, nn.BatchNorm2d)]
    assert len(bns) == 1 + 2 * len(arch.blocks)  # stem + 2 per block
    assert not any('shortcut' in name for name, _ in plain.named_modules())
    resnet = StandaloneResNet(tiny_space, arch=code)
    plain.eval(), resnet.eval()  # BN(0) = 0 with the initial statistics
    x = torch.randn(2, 3, 16, 16)
    assert plain(x).shape == resnet.forward_features(x).shape
    # zero the last conv: without a shortcut nothing reaches the output
    with torch.no_grad():
        plain.blocks[-1].conv2.weight.zero_()
        resnet.layers[-1][-1].conv2.weight.zero_()
    assert plain(x).abs().sum() == 0
    assert resnet.forward_features(x).abs().sum() > 0


def test_removing_residuals_changes_the_score(tiny_space):
    code = tiny_space.max_code()
    with_res = ZenScoreProxy(batch_size=4)(tiny_space, code)
    without = ZenScoreProxy(batch_size=4, residual=False)(tiny_space, code)
    assert math.isfinite(without) and without != pytest.approx(with_res)


def test_fresh_weights_per_repeat(tiny_space):
    code = tiny_space.min_code()
    fresh = ZenScoreProxy(batch_size=4, repeat=3)(tiny_space, code)
    once = ZenScoreProxy(batch_size=4, repeat=3,
                         fresh_weights_per_repeat=False)(tiny_space, code)
    assert fresh != once
    # one repeat draws the same weights and inputs either way
    assert ZenScoreProxy(batch_size=4)(tiny_space, code) == ZenScoreProxy(
        batch_size=4, fresh_weights_per_repeat=False)(tiny_space, code)


def test_zen_rdnas_preset(tiny_space):
    zen = build_proxy('zen_rdnas')
    assert isinstance(zen, RDNASZenScoreProxy)
    for key, value in RDNAS_ZEN_SETTINGS.items():
        assert getattr(zen, key) == value, key
    assert (zen.residual, zen.norm, zen.bn_stat, zen.repeat,
            zen.divide_by_gamma) == (False, 'l1', 'running', 32, False)
    fast = build_proxy(dict(type='zen_rdnas', repeat=2, batch_size=4))
    assert (fast.repeat, fast.batch_size, fast.norm) == (2, 4, 'l1')
    state = torch.random.get_rng_state()
    big = fast(tiny_space, tiny_space.max_code())
    assert torch.equal(state, torch.random.get_rng_state())
    assert big == build_proxy(dict(type='zen_rdnas', repeat=2,
                                   batch_size=4))(tiny_space,
                                                  tiny_space.max_code())
    assert big > fast(tiny_space, tiny_space.min_code())


@pytest.mark.parametrize('kwargs,match', [(dict(norm='l3'), 'norm'),
                                          (dict(bn_stat='ema'), 'bn_stat')])
def test_bad_zen_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ZenScoreProxy(**kwargs)
