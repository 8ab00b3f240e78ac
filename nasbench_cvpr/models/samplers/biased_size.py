"""Sampling biased towards large networks (CVPR 2022 Track 1, 1st place)."""
from typing import Any, Dict, List, Optional

from ...registry import SAMPLERS
from ...spaces import BaseSearchSpace
from .base import BaseArchSampler, check_int
from .size_proxy import size_fn


@SAMPLERS.register_module()
class BiasedSizeSampler(BaseArchSampler):
    """Train the largest of many random candidates, plus a uniform one now
    and then.

    A self-sized sampler. Each step draws ``num_candidates`` uniform codes
    and returns the ``keep`` largest by the size proxy (largest first; ties
    keep draw order; duplicates are not removed unless ``distinct_sizes``). On every
    ``uniform_every``-th call (the 3rd, 6th, ... for 3) one more uniform code
    is appended, so a step returns ``keep`` or ``keep + 1`` codes. The call
    counter is part of the state. Call ``sample()``; ``sample(num)`` is
    accepted only with ``num == keep`` (:attr:`num_per_step`).

    Args:
        space: An already-built search space.
        num_candidates: Uniform codes drawn per step, at least ``keep``.
        keep: Largest candidates returned per step, at least 1.
        uniform_every: Append a uniform code every this many calls; 0 never.
        proxy: ``'params'``, ``'flops'`` or ``'channel_sum'``.
        distinct_sizes: Keep at most one candidate per size (the first
            drawn), so a step trains ``keep`` codes of different sizes, as
            the 1st place's size-keyed dict did.
        seed: Seed of the sampler's generator.
    """

    def __init__(self,
                 space: BaseSearchSpace,
                 num_candidates: int = 400,
                 keep: int = 4,
                 uniform_every: int = 3,
                 proxy: str = 'params',
                 distinct_sizes: bool = False,
                 seed: int = 0) -> None:
        super().__init__(space, seed)
        self.keep = check_int('keep', keep, 1)
        self.num_candidates = check_int('num_candidates', num_candidates, 1)
        if num_candidates < keep:
            raise ValueError(f'num_candidates ({num_candidates}) must be >= '
                             f'keep ({keep})')
        self.uniform_every = check_int('uniform_every', uniform_every, 0)
        self.proxy = proxy
        self.distinct_sizes = bool(distinct_sizes)
        self.size = size_fn(space, proxy)
        self.num_per_step = self.keep
        self.calls = 0

    def top(self, codes: List[str]) -> List[str]:
        """The ``keep`` largest of ``codes``, largest first.

        Args:
            codes: Candidate codes.
        """
        sizes = [self.size(c) for c in codes]
        order = sorted(range(len(codes)), key=lambda i: (-sizes[i], i))
        if self.distinct_sizes:
            first = {}
            for i in order:
                first.setdefault(sizes[i], i)
            order = [i for i in order if first[sizes[i]] == i]
        return [codes[i] for i in order[:self.keep]]

    def _sample(self, num: Optional[int]) -> List[str]:
        self.calls += 1
        candidates = [self.space.sample(self.rng)
                      for _ in range(self.num_candidates)]
        codes = self.top(candidates)
        if self.uniform_every and self.calls % self.uniform_every == 0:
            codes.append(self.space.sample(self.rng))
        return codes

    def _extra_state(self) -> Dict[str, Any]:
        return dict(calls=self.calls)

    def _load_extra_state(self, state: Dict[str, Any]) -> None:
        self.calls = check_int('state["calls"]', state.get('calls'), 0)
