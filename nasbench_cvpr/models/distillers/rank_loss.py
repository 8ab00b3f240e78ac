"""Ranking distillation of RD-NAS (Dong et al., CVPR 2022 NAS track 3rd).

Subnets are ranked by a zero-cost proxy of their codes and a pairwise hinge
loss asks their batch cross-entropies to follow that ranking. The pairs are
either those of the step's own subnets (``pairs='step'``) or, as in the
team's code, pairs of extra uniformly drawn subnets that are forwarded only
for this loss (``pairs='extra_random'``, see
:meth:`BaseDistiller.extra_codes`).

Rule of the CVPR NAS competitions: ground-truth accuracies of architectures
must never reach a training loss. Only zero-cost proxies computed from the
code or from a randomly initialised network of the code are allowed here.
To make this hard to get wrong, ``proxy`` accepts only the name (or config
dict) of a proxy registered in :data:`nasbench_cvpr.registry.PROXIES`
(aliases ``'params'``, ``'flops'``, ``'zen'``, ``'zen_rdnas'``); callables,
lookup tables and instances are rejected with ``ValueError``. Do not
register a proxy that reads accuracies.
"""
import random
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
from torch import Tensor

from ...registry import DISTILLERS
from ...spaces import BaseSearchSpace, build_space
from ..proxies.zero_cost import BaseProxy, build_proxy, resolve_proxy_type
from .base import BaseDistiller, WrappingDistiller, cross_entropy

PAIR_MODES = ('step', 'extra_random')
REDUCTIONS = ('mean', 'sum')
TIE_RULES = ('skip', 'first_better')
#: Redraws of a pair's partner before :meth:`RankLossDistiller.extra_codes`
#: gives up on ``min_hamming``.
MAX_REDRAWS = 1000


def code_hamming(code1: str, code2: str) -> int:
    """Number of positions where two (canonical) code strings differ.

    Characters beyond the shorter code count as differing.

    Args:
        code1: A canonical arch code.
        code2: Another canonical arch code of the same space.
    """
    return sum(a != b for a, b in zip(code1, code2)) + \
        abs(len(code1) - len(code2))


def _choice(name: str, value: str, allowed: Sequence[str]) -> str:
    """``value`` if it is one of ``allowed``, else a ValueError naming it."""
    if value not in allowed:
        raise ValueError(f'{name} must be one of {list(allowed)}, '
                         f'got {value!r}')
    return value


@DISTILLERS.register_module()
class RankLossDistiller(WrappingDistiller):
    """Base distiller + pairwise ranking loss driven by a zero-cost proxy.

    :meth:`subnet_loss` and :meth:`teacher_logits` are those of ``base``
    (``teacher_mode`` too). For a pair (first, second) of subnets with
    cross-entropies ``CE_1``, ``CE_2`` (from their logits and ``labels``)
    and proxy scores ``s_1``, ``s_2`` of their codes (cached per code), the
    better one (bigger score) should have the smaller CE::

        term = max(0, margin - (CE_worse - CE_better))

    ``detach_first=True`` detaches ``CE_1``, so only the second subnet of a
    pair gets a gradient (RD-NAS's code). Equal scores: the pair is skipped
    (``ties='skip'``) or the first subnet counts as the better one
    (``ties='first_better'``, RD-NAS's code). ``L`` is the ``reduction``
    (mean or sum) of the terms (0 without terms), returned as
    ``{'loss_rank': w(epoch) * L}`` with ``w(epoch) = min(max_weight,
    epoch / warmup_epochs)``.

    The pairs:

    * ``pairs='step'``: :meth:`step_loss` (``joint_backward=True``) pairs
      every two subnets of the step (first = the earlier one) and adds
      ``base.step_loss``;
    * ``pairs='extra_random'``: :meth:`extra_codes` draws ``num_pairs``
      pairs of fresh codes uniformly from the sampling space, the second of
      each redrawn until :func:`code_hamming` to the first is at least
      ``min_hamming``; the algorithm forwards them after the step's subnets
      and :meth:`extra_loss` returns the loss of those pairs. Their CE
      feeds nothing else; :meth:`step_loss` is then ``base.step_loss``.

    RD-NAS (FLOPs variant): ``pairs='extra_random', num_pairs=2,
    detach_first=True, ties='first_better', reduction='sum'``, weight
    ``min(2, epoch / 10)``. Zen variant: ``proxy='zen_rdnas', num_pairs=3,
    min_hamming=33, max_weight=1, warmup_epochs=0``.

    Args:
        proxy: Name or config dict of a proxy registered in ``PROXIES``
            (aliases ``'params'``, ``'flops'``, ``'zen'``, ``'zen_rdnas'``).
            Nothing else.
        margin: Required CE gap between correctly ranked subnets.
        base: Config or instance of the distiller of each subnet.
        max_weight: Final weight of the ranking loss.
        warmup_epochs: Epochs of the linear warm-up of the weight (``<= 0``:
            ``max_weight`` from the start).
        space: Search space of the codes (instance, config or alias); may be
            set later with :meth:`set_space`.
        pairs: ``'step'`` or ``'extra_random'`` (see above).
        num_pairs: Pairs of extra codes per step (``'extra_random'``).
        min_hamming: Smallest :func:`code_hamming` between the two codes of
            an extra pair (``'extra_random'``).
        detach_first: Detach the CE of the first subnet of each pair.
        reduction: ``'mean'`` or ``'sum'`` of the pair terms.
        ties: ``'skip'`` or ``'first_better'`` for pairs of equal scores.
    """

    joint_backward = True
    #: Proxy scores kept before the cache is emptied.
    MAX_CACHED_SCORES = 100_000

    def __init__(self,
                 proxy: Union[str, dict] = 'flops',
                 margin: float = 0.0,
                 base: Union[dict, BaseDistiller] = dict(
                     type='InplaceDistiller'),
                 max_weight: float = 2.0,
                 warmup_epochs: int = 10,
                 space: Optional[Union[BaseSearchSpace, dict, str]] = None,
                 pairs: str = 'step',
                 num_pairs: int = 2,
                 min_hamming: int = 0,
                 detach_first: bool = False,
                 reduction: str = 'mean',
                 ties: str = 'skip') -> None:
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
        super().__init__(base)
        self.proxy: BaseProxy = build_proxy(proxy)
        self.margin = float(margin)
        self.max_weight = float(max_weight)
        self.warmup_epochs = warmup_epochs
        self.pairs = _choice('pairs', pairs, PAIR_MODES)
        self.reduction = _choice('reduction', reduction, REDUCTIONS)
        self.ties = _choice('ties', ties, TIE_RULES)
        for name, value, minimum in (('num_pairs', num_pairs, 1),
                                     ('min_hamming', min_hamming, 0)):
            if isinstance(value, bool) or not isinstance(value, int) or \
                    value < minimum:
                raise ValueError(f'{name} must be an integer >= {minimum}, '
                                 f'got {value!r}')
        self.num_pairs = num_pairs
        self.min_hamming = min_hamming
        self.detach_first = bool(detach_first)
        self.space: Optional[BaseSearchSpace] = None
        if space is not None:
            self.set_space(space)
        self._scores: Dict[str, float] = {}

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
            if len(self._scores) >= self.MAX_CACHED_SCORES:
                # fresh random codes every step ('extra_random') would grow
                # the cache for the whole run; scores are cheap to redo
                self._scores.clear()
            self._scores[code] = float(self.proxy(self.space, code))
        return self._scores[code]

    def rank_weight(self, epoch: int) -> float:
        """``min(max_weight, epoch / warmup_epochs)`` (clamped at 0)."""
        if self.warmup_epochs <= 0:
            return self.max_weight
        return min(self.max_weight, max(0.0, epoch / self.warmup_epochs))

    def rank_loss(self,
                  subnet_logits: List[Tensor],
                  labels: Tensor,
                  codes: List[str],
                  pairs: Optional[List[Tuple[int, int]]] = None) -> Tensor:
        """Unweighted pairwise hinge loss (see the class docstring).

        Args:
            subnet_logits: Logits of each subnet.
            labels: Labels of the batch.
            codes: Code of each subnet, aligned with ``subnet_logits``.
            pairs: ``(first, second)`` indices into ``codes``; ``None``:
                every two subnets, first = the earlier one.
        """
        if len(subnet_logits) != len(codes):
            raise ValueError(f'{len(subnet_logits)} logits for '
                             f'{len(codes)} codes')
        scores = [self.proxy_score(c) for c in codes]
        ces = [cross_entropy(lg, labels) for lg in subnet_logits]
        if pairs is None:
            pairs = self._all_pairs(scores)
        terms = [t for t in (self._pair_term(ces, scores, i, j)
                             for i, j in pairs) if t is not None]
        if not terms:
            return subnet_logits[0].new_zeros(()) if subnet_logits \
                else torch.zeros(())
        stacked = torch.stack(terms)
        return stacked.sum() if self.reduction == 'sum' else stacked.mean()

    def _all_pairs(self, scores: List[float]) -> List[Tuple[int, int]]:
        """Every two subnets once, as (earlier, later) index pairs.

        Listed in the order of the better subnet, then the worse one (the
        order of the terms before these options existed, which keeps the
        default loss bit-identical); ties only with ``ties='first_better'``.
        """
        n = len(scores)
        tie_pairs = self.ties == 'first_better'
        return [(min(i, j), max(i, j)) for i in range(n) for j in range(n)
                if scores[i] > scores[j]
                or (tie_pairs and i < j and scores[i] == scores[j])]

    def _pair_term(self, ces: List[Tensor], scores: List[float], first: int,
                   second: int) -> Optional[Tensor]:
        """Hinge term of one pair, or ``None`` for a skipped tie."""
        ce_first = ces[first].detach() if self.detach_first else ces[first]
        ce_second = ces[second]
        if scores[first] < scores[second]:
            better, worse = ce_second, ce_first
        elif scores[first] > scores[second] or self.ties == 'first_better':
            better, worse = ce_first, ce_second
        else:
            return None
        return torch.clamp(self.margin - (worse - better), min=0)

    def step_loss(self, subnet_logits: List[Tensor], labels: Tensor,
                  codes: List[str], epoch: int) -> Dict[str, Tensor]:
        losses = dict(self.base.step_loss(subnet_logits, labels, codes,
                                          epoch))
        if self.pairs == 'step':
            losses['loss_rank'] = self.rank_weight(epoch) * self.rank_loss(
                subnet_logits, labels, codes)
        return losses

    # ------------------------------------------- extra pairs (RD-NAS's code)
    @property
    def num_extra_codes(self) -> int:
        """``2 * num_pairs`` with ``pairs='extra_random'``, else 0."""
        return 2 * self.num_pairs if self.pairs == 'extra_random' else 0

    def extra_codes(self, rng: random.Random, space: BaseSearchSpace,
                    step_codes: List[str]) -> List[str]:
        """``num_pairs`` pairs of uniform codes of ``space``, flattened.

        Args:
            rng: The generator to draw from.
            space: The space to draw from.
            step_codes: The step's codes (unused: the pairs are fresh).

        Raises:
            RuntimeError: If no partner at ``min_hamming`` or more is found
                in :data:`MAX_REDRAWS` draws.
        """
        codes: List[str] = []
        for _ in range(self.num_extra_codes // 2):
            first = space.sample(rng)
            codes += [first, self._draw_partner(rng, space, first)]
        return codes

    def _draw_partner(self, rng: random.Random, space: BaseSearchSpace,
                      first: str) -> str:
        """A uniform code at Hamming distance >= ``min_hamming``."""
        first = space.canonical(first)
        for _ in range(MAX_REDRAWS):
            code = space.sample(rng)
            if code_hamming(first, space.canonical(code)) >= \
                    self.min_hamming:
                return code
        raise RuntimeError(
            f'RankLossDistiller: no code at Hamming distance >= '
            f'{self.min_hamming} from {first!r} (length {len(first)}) in '
            f'{MAX_REDRAWS} uniform draws; lower min_hamming')

    def extra_loss(self, extra_logits: List[Tensor], labels: Tensor,
                   extra_codes: List[str],
                   epoch: int) -> Dict[str, Tensor]:
        """``{'loss_rank': w(epoch) * L}`` over the pairs
        ``(extra_codes[0], extra_codes[1])``, ``(extra_codes[2], ...)``...
        (``{}`` unless ``pairs='extra_random'``)."""
        if self.pairs != 'extra_random':
            return {}
        if len(extra_codes) % 2:
            raise ValueError(f'extra codes come in pairs, got '
                             f'{len(extra_codes)}')
        pairs = [(i, i + 1) for i in range(0, len(extra_codes), 2)]
        return dict(loss_rank=self.rank_weight(epoch) * self.rank_loss(
            extra_logits, labels, extra_codes, pairs))

    def extra_repr(self) -> str:
        return (f'proxy={self.proxy!r}, margin={self.margin}, '
                f'max_weight={self.max_weight}, '
                f'warmup_epochs={self.warmup_epochs}, pairs={self.pairs!r}, '
                f'num_pairs={self.num_pairs}, '
                f'min_hamming={self.min_hamming}, '
                f'detach_first={self.detach_first}, '
                f'reduction={self.reduction!r}, ties={self.ties!r}')
