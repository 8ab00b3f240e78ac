"""Sandwich rule sampling (BigNAS / slimmable networks)."""
from typing import List, Optional

from ...registry import SAMPLERS
from ...spaces import BaseSearchSpace
from .base import BaseArchSampler, check_int


@SAMPLERS.register_module()
class SandwichSampler(BaseArchSampler):
    """The largest and the smallest network plus random ones, every step.

    A self-sized sampler: every step returns ``n`` codes,
    ``[space.max_code(), space.min_code()]`` followed by ``n - 2``
    independent uniform codes. Call ``sample()``; ``sample(num)`` is
    accepted only with ``num == n`` (:attr:`num_per_step`).

    Args:
        space: An already-built search space.
        n: Codes per step, at least 2 (e.g. 4 as in BigNAS, 18 for the
            CVPR 2022 solutions that train many subnets per step).
        seed: Seed of the sampler's generator.
    """

    def __init__(self, space: BaseSearchSpace, n: int = 4,
                 seed: int = 0) -> None:
        super().__init__(space, seed)
        self.n = check_int('n', n, 2)
        self.num_per_step = self.n
        self._max_code = space.max_code()
        self._min_code = space.min_code()

    def _sample(self, num: Optional[int]) -> List[str]:
        return [self._max_code, self._min_code] + [
            self.space.sample(self.rng) for _ in range(self.n - 2)]

    def __repr__(self) -> str:
        return super().__repr__()[:-1] + f', n={self.n})'
