"""Sampling proportional to size (CVPR 2021 Track 1, 3rd place)."""
from typing import List, Optional

from ...registry import SAMPLERS
from ...spaces import BaseSearchSpace
from .base import BaseArchSampler, check_int
from .size_proxy import size_fn


@SAMPLERS.register_module()
class ParamWeightedSampler(BaseArchSampler):
    """Codes drawn with probability proportional to their size.

    Exact sampling proportional to the parameter count is intractable over
    the whole space, so each code is drawn by sampling-importance
    resampling: ``num_candidates`` uniform codes are drawn and one is picked
    with weights proportional to its size. This approximates sampling
    proportional to the size; the approximation tightens as
    ``num_candidates`` grows (1 gives uniform sampling).

    Args:
        space: An already-built search space.
        num_candidates: Uniform candidates per returned code.
        proxy: ``'params'`` (default) or ``'flops'``.
        seed: Seed of the sampler's generator.
    """

    def __init__(self,
                 space: BaseSearchSpace,
                 num_candidates: int = 64,
                 proxy: str = 'params',
                 seed: int = 0) -> None:
        super().__init__(space, seed)
        self.num_candidates = check_int('num_candidates', num_candidates, 1)
        self.proxy = proxy
        self.size = size_fn(space, proxy)

    def _draw_one(self) -> str:
        candidates = [self.space.sample(self.rng)
                      for _ in range(self.num_candidates)]
        weights = [self.size(c) for c in candidates]
        return self.rng.choices(candidates, weights=weights)[0]

    def _sample(self, num: Optional[int]) -> List[str]:
        return [self._draw_one() for _ in range(num)]
