"""Ranking distillation of RD-NAS (Dong et al., CVPR 2022 NAS track 3rd).

The subnets of a step are ranked by a zero-cost proxy of their codes and a
pairwise hinge loss asks their batch cross-entropies to follow that ranking.

Rule of the CVPR NAS competitions: ground-truth accuracies of architectures
must never reach a training loss. Only zero-cost proxies computed from the
code or from a randomly initialised network of the code are allowed here.
To make this hard to get wrong, ``proxy`` accepts only the name (or config
dict) of a proxy registered in :data:`nasbench_cvpr.registry.PROXIES`
(aliases ``'params'``, ``'flops'``, ``'zen'``); callables, lookup tables and
instances are rejected with ``ValueError``. Do not register a proxy that
reads accuracies.
"""
from typing import Dict, List, Optional, Union

import torch
from torch import Tensor

from ...registry import DISTILLERS
from ...spaces import BaseSearchSpace, build_space
from ..proxies.zero_cost import BaseProxy, build_proxy, resolve_proxy_type
from .base import BaseDistiller, build_distiller, cross_entropy


@DISTILLERS.register_module()
class RankLossDistiller(BaseDistiller):
    """Base distiller + pairwise ranking loss driven by a zero-cost proxy.

    :meth:`subnet_loss` and :meth:`teacher_logits` are those of ``base``
    (``teacher_mode`` too). :meth:`step_loss` (``joint_backward=True``)
    computes, over the subnets of the step with cross-entropies ``CE_i``
    (from ``subnet_logits`` and ``labels``) and proxy scores ``s_i`` of their
    codes (cached per code)::

        L = mean over pairs with s_i > s_j of max(0, margin - (CE_j - CE_i))

    (pairs with equal scores are skipped; ``L = 0`` without pairs), returned
    as ``{'loss_rank': w(epoch) * L}`` with ``w(epoch) = min(max_weight,
    epoch / warmup_epochs)``, plus ``base.step_loss`` if any.

    Args:
        proxy: Name or config dict of a proxy registered in ``PROXIES``
            (aliases ``'params'``, ``'flops'``, ``'zen'``). Nothing else.
        margin: Required CE gap between correctly ranked subnets.
        base: Config or instance of the distiller of each subnet.
        max_weight: Final weight of the ranking loss.
        warmup_epochs: Epochs of the linear warm-up of the weight (``<= 0``:
            ``max_weight`` from the start).
        space: Search space of the codes (instance, config or alias); may be
            set later with :meth:`set_space`.
    """

    joint_backward = True

    def __init__(self,
                 proxy: Union[str, dict] = 'flops',
                 margin: float = 0.0,
                 base: Union[dict, BaseDistiller] = dict(
                     type='InplaceDistiller'),
                 max_weight: float = 2.0,
                 warmup_epochs: int = 10,
                 space: Optional[Union[BaseSearchSpace, dict, str]] = None
                 ) -> None:
        super().__init__()
        if isinstance(proxy, str):
            resolve_proxy_type(proxy)  # ValueError for unregistered names
        elif isinstance(proxy, dict):
            resolve_proxy_type(proxy.get('type'))
        else:
            raise ValueError(
                f'RankLossDistiller: proxy must be the name or config of a '
                f'zero-cost proxy registered in PROXIES, got '
                f'{type(proxy).__name__}; ground-truth accuracies must never '
                f'reach a training loss')
        self.proxy: BaseProxy = build_proxy(proxy)
        self.base = build_distiller(base)
        self.margin = float(margin)
        self.max_weight = float(max_weight)
        self.warmup_epochs = warmup_epochs
        self.space: Optional[BaseSearchSpace] = None
        if space is not None:
            self.set_space(space)
        self._scores: Dict[str, float] = {}

    @property
    def teacher_mode(self) -> str:  # type: ignore[override]
        """The base distiller's teacher mode."""
        return self.base.teacher_mode

    def set_space(self, space: Union[BaseSearchSpace, dict, str]) -> None:
        """Set the search space of the codes (clears the score cache)."""
        self.space = build_space(space)
        self._scores = {}

    def proxy_score(self, code: str) -> float:
        """Zero-cost proxy score of ``code`` (cached)."""
        if self.space is None:
            raise RuntimeError('RankLossDistiller needs the search space: '
                               'pass space=... or call set_space()')
        if code not in self._scores:
            self._scores[code] = float(self.proxy(self.space, code))
        return self._scores[code]

    def rank_weight(self, epoch: int) -> float:
        """``min(max_weight, epoch / warmup_epochs)`` (clamped at 0)."""
        if self.warmup_epochs <= 0:
            return self.max_weight
        return min(self.max_weight, max(0.0, epoch / self.warmup_epochs))

    def teacher_logits(self, inputs: Tensor) -> Optional[Tensor]:
        return self.base.teacher_logits(inputs)

    def subnet_loss(self, logits: Tensor, labels: Tensor,
                    teacher_logits: Optional[Tensor],
                    is_teacher_pass: bool) -> Dict[str, Tensor]:
        return self.base.subnet_loss(logits, labels, teacher_logits,
                                     is_teacher_pass)

    def rank_loss(self, subnet_logits: List[Tensor], labels: Tensor,
                  codes: List[str]) -> Tensor:
        """Unweighted pairwise hinge loss (see the class docstring)."""
        if len(subnet_logits) != len(codes):
            raise ValueError(f'{len(subnet_logits)} logits for '
                             f'{len(codes)} codes')
        scores = [self.proxy_score(c) for c in codes]
        ces = [cross_entropy(lg, labels) for lg in subnet_logits]
        terms = [
            torch.clamp(self.margin - (ces[j] - ces[i]), min=0)
            for i in range(len(codes)) for j in range(len(codes))
            if scores[i] > scores[j]
        ]
        if not terms:
            return subnet_logits[0].new_zeros(()) if subnet_logits \
                else torch.zeros(())
        return torch.stack(terms).mean()

    def step_loss(self, subnet_logits: List[Tensor], labels: Tensor,
                  codes: List[str], epoch: int) -> Dict[str, Tensor]:
        losses = dict(self.base.step_loss(subnet_logits, labels, codes,
                                          epoch))
        losses['loss_rank'] = self.rank_weight(epoch) * self.rank_loss(
            subnet_logits, labels, codes)
        return losses

    def extra_repr(self) -> str:
        return (f'proxy={self.proxy!r}, margin={self.margin}, '
                f'max_weight={self.max_weight}, '
                f'warmup_epochs={self.warmup_epochs}')
