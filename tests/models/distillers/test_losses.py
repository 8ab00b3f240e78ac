import pytest
import torch
import torch.nn.functional as F

from nasbench_cvpr.models.distillers import (AlphaDivergence, KLDivergence,
                                             build_kd_loss)
from nasbench_cvpr.registry import MODELS


def test_registered_in_models_and_built_from_config():
    assert MODELS.get('KLDivergence') is KLDivergence
    assert MODELS.get('AlphaDivergence') is AlphaDivergence
    loss = build_kd_loss(dict(type='KLDivergence', tau=2.0))
    assert isinstance(loss, KLDivergence) and loss.tau == 2.0


@pytest.mark.parametrize('tau', [1.0, 4.0])
def test_kl_zero_when_equal_positive_otherwise(tau):
    torch.manual_seed(0)
    s, t = torch.randn(6, 5), torch.randn(6, 5)
    kl = KLDivergence(tau)
    assert kl(t, t).item() == pytest.approx(0.0, abs=1e-7)
    value = kl(s, t)
    assert value.item() > 0
    p_t = F.softmax(t / tau, 1)
    ref = (p_t * (p_t.log() - F.log_softmax(s / tau, 1))).sum(1).mean()
    assert value.item() == pytest.approx(ref.item() * tau**2, rel=1e-5)


def test_alpha_divergence_zero_positive_finite():
    torch.manual_seed(0)
    s, t = torch.randn(6, 5), torch.randn(6, 5)
    loss = AlphaDivergence()
    assert loss(t, t).item() == pytest.approx(0.0, abs=1e-6)
    assert loss(s, t).item() > 0
    for scale in (100.0, 1e4):
        s_x = (s * scale).requires_grad_()
        value = loss(s_x, t * scale)
        value.backward()
        assert torch.isfinite(value) and value.item() > 0
        assert torch.isfinite(s_x.grad).all()


def test_alpha_divergence_is_max_of_two_exact_divergences():
    torch.manual_seed(1)
    s, t = torch.randn(4, 3), torch.randn(4, 3)
    q, p = F.softmax(s, 1), F.softmax(t, 1)
    neg = ((q * ((p / q)**-1.0 - 1)).sum(1) / 2)  # alpha = -1, unclipped
    kl = (p * (p / q).log()).sum(1)  # alpha = 1
    loss = AlphaDivergence(iw_clip=1e6)(s, t)
    assert loss.item() == pytest.approx(torch.max(neg, kl).mean().item(),
                                        rel=1e-5)
    # gradient of the surrogate equals the exact gradient when not clipped
    s1 = s.clone().requires_grad_()
    AlphaDivergence(alpha_min=-0.5, alpha_max=-0.5, iw_clip=1e6)(s1, t) \
        .backward()
    s2 = s.clone().requires_grad_()
    q2 = F.softmax(s2, 1)
    ((q2 * ((p / q2)**-0.5 - 1)).sum(1) / 0.75).mean().backward()
    assert torch.allclose(s1.grad, s2.grad, atol=1e-6)
