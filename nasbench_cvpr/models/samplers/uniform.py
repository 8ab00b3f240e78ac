"""Single-path uniform sampling (SPOS)."""
from typing import List, Optional

from ...registry import SAMPLERS
from .base import BaseArchSampler


@SAMPLERS.register_module()
class UniformSampler(BaseArchSampler):
    """Every code drawn independently, each choice dim uniform (SPOS).

    Args:
        space: An already-built search space.
        seed: Seed of the sampler's generator.
    """

    def _sample(self, num: Optional[int]) -> List[str]:
        return [self.space.sample(self.rng) for _ in range(num)]
