"""A third-party package that adds a sampler to nasbench_cvpr."""
from typing import List, Optional

from nasbench_cvpr.models.samplers import BaseArchSampler
from nasbench_cvpr.registry import SAMPLERS


@SAMPLERS.register_module()
class AlternatingExtremesSampler(BaseArchSampler):
    """Alternates the max and min codes (a toy plugin)."""

    def _sample(self, num: Optional[int]) -> List[str]:
        codes = []
        for _ in range(num or 1):
            big = self.rng.random() < 0.5
            codes.append(self.space.max_code() if big else self.space.min_code())
        return codes
