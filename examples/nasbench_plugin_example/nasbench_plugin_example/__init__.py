"""A third-party package that adds a sampler to nasbench_cvpr.

Importing the package registers :class:`AlternatingExtremesSampler` in
``nasbench_cvpr.registry.SAMPLERS``; a config imports it by naming the
package in ``custom_imports`` and then uses the sampler by its type name
(see ``configs/spos_alternating_digits.py``).
"""
from typing import List, Optional

from nasbench_cvpr.models.samplers import BaseArchSampler
from nasbench_cvpr.registry import SAMPLERS

__all__ = ['AlternatingExtremesSampler']


@SAMPLERS.register_module()
class AlternatingExtremesSampler(BaseArchSampler):
    """Draws the largest or the smallest code, each with probability 1/2
    (a toy sampler: it shows the interface, not a recipe).

    Args:
        See :class:`BaseArchSampler` (``space``, ``seed``...).
    """

    def _sample(self, num: Optional[int]) -> List[str]:
        return [self.space.max_code() if self.rng.random() < 0.5 else
                self.space.min_code() for _ in range(num or 1)]
