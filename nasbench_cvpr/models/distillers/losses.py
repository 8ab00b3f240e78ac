"""Knowledge-distillation losses between student and teacher logits.

Both losses are registered in :data:`nasbench_cvpr.registry.MODELS` and are
called as ``loss(student_logits, teacher_logits)`` (the order of mmrazor's
distillation losses). They do not detach the teacher: the distillers do.

Note that mmrazor also registers a ``KLDivergence``; :func:`build_kd_loss`
resolves an unscoped name in this package's registry first, so the class
below is the one used by the distillers.
"""
import math
from typing import Union

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ...registry import MODELS


@MODELS.register_module()
class KLDivergence(nn.Module):
    """Soft-label KD (Hinton et al. 2015): ``tau^2 * KL(p_T || p_S)``.

    ``p = softmax(logits / tau)``; the KL divergence is summed over classes
    and averaged over the batch (``batchmean``). Zero iff the two softmax
    distributions are equal.

    Args:
        tau: Softmax temperature.
    """

    def __init__(self, tau: float = 1.0) -> None:
        super().__init__()
        if tau <= 0:
            raise ValueError(f'tau must be > 0, got {tau}')
        self.tau = tau

    def forward(self, student: Tensor, teacher: Tensor) -> Tensor:
        """Loss of ``student`` logits against ``teacher`` logits (N, C)."""
        log_s = F.log_softmax(student / self.tau, dim=1)
        log_t = F.log_softmax(teacher / self.tau, dim=1)
        kl = F.kl_div(log_s, log_t, reduction='batchmean', log_target=True)
        return kl * self.tau**2

    def extra_repr(self) -> str:
        return f'tau={self.tau}'


@MODELS.register_module()
class AlphaDivergence(nn.Module):
    """Adaptive alpha-divergence of AlphaNet (Wang et al., ICML 2021).

    With ``p`` the teacher and ``q`` the student softmax distributions, the
    alpha-divergence is::

        D_a(p || q) = 1 / (a (a - 1)) * sum_i q_i ((p_i / q_i)^a - 1)

    (limits ``a -> 1``: ``KL(p || q)``; ``a -> 0``: ``KL(q || p)``). The loss
    is, per sample, ``max(D_{alpha_min}, D_{alpha_max})``, averaged over the
    batch: a negative alpha penalises a student that over-estimates the
    teacher's uncertainty, a positive one a student that under-estimates it.

    Importance weights ``w_i = (p_i / q_i)^a`` are clipped to ``iw_clip``
    (computed in log space), which keeps value and gradient finite for
    extreme logits. The gradient w.r.t. the student is the clipped one,
    ``-(1 / a) * sum_i q_i w_i grad(log q_i)`` (the exact gradient when no
    weight is clipped); for ``a`` within 1e-3 of 0 or 1 the exact KL limits
    are used (no clipping).

    Args:
        alpha_min: Lower alpha (usually negative).
        alpha_max: Upper alpha (usually positive).
        iw_clip: Upper bound of the importance weights.
    """

    def __init__(self,
                 alpha_min: float = -1.0,
                 alpha_max: float = 1.0,
                 iw_clip: float = 5.0) -> None:
        super().__init__()
        if alpha_min > alpha_max:
            raise ValueError(f'alpha_min ({alpha_min}) must be <= alpha_max '
                             f'({alpha_max})')
        if iw_clip <= 1.0:
            raise ValueError(f'iw_clip must be > 1, got {iw_clip}')
        self.alpha_min = float(alpha_min)
        self.alpha_max = float(alpha_max)
        self.iw_clip = float(iw_clip)

    def divergence(self, log_q: Tensor, log_p: Tensor, alpha: float) -> Tensor:
        """Per-sample ``D_alpha(p || q)`` with gradient through ``log_q``.

        Args:
            log_q: Student log-probabilities (N, C), with gradient.
            log_p: Teacher log-probabilities (N, C).
            alpha: The alpha.
        """
        q = log_q.exp()
        if abs(alpha - 1.0) < 1e-3:  # KL(p || q)
            return (log_p.exp() * (log_p - log_q)).sum(dim=1)
        if abs(alpha) < 1e-3:  # KL(q || p)
            return (q * (log_q - log_p)).sum(dim=1)
        q_d = q.detach()
        log_w = (alpha * (log_p - log_q)).detach()
        w = log_w.clamp(max=math.log(self.iw_clip)).exp()
        value = (q_d * (w - 1.0)).sum(dim=1) / (alpha * (alpha - 1.0))
        surrogate = -(q_d * w * log_q).sum(dim=1) / alpha
        return value + (surrogate - surrogate.detach())

    def forward(self, student: Tensor, teacher: Tensor) -> Tensor:
        """Loss of ``student`` logits against ``teacher`` logits (N, C)."""
        log_q = F.log_softmax(student, dim=1)
        log_p = F.log_softmax(teacher, dim=1)
        low = self.divergence(log_q, log_p, self.alpha_min)
        high = self.divergence(log_q, log_p, self.alpha_max)
        return torch.where(low > high, low, high).mean()

    def extra_repr(self) -> str:
        return (f'alpha_min={self.alpha_min}, alpha_max={self.alpha_max}, '
                f'iw_clip={self.iw_clip}')


def build_kd_loss(cfg: Union[dict, nn.Module]) -> nn.Module:
    """Build a KD loss from a config (``MODELS`` type) or return a module.

    An unscoped ``type`` is looked up in this package's ``MODELS`` first
    (then its mmrazor/mmengine parents); ``'mmrazor.KLDivergence'`` reaches
    mmrazor's class explicitly. The default scope is not consulted.
    """
    if isinstance(cfg, nn.Module):
        return cfg
    if not isinstance(cfg, dict) or 'type' not in cfg:
        raise TypeError(f'kd_loss must be an nn.Module or a config dict with '
                        f'a "type", got {cfg!r}')
    args = dict(cfg)
    type_name = args.pop('type')
    cls = MODELS.get(type_name) if isinstance(type_name, str) else type_name
    if cls is None:
        raise KeyError(f'unknown KD loss type {type_name!r} (looked up in '
                       f'nasbench_cvpr.registry.MODELS and its parents)')
    return cls(**args)
