"""Channel-sum size of a code (the CVPR 2022 1st place's ``arch2size``).

PiNAS ranked its stage-2 candidates not by parameters but by a sum of
channel counts: the stem's width plus, for every active conv of every
block, the conv's ratio times a per-stage weight, each rounded up to a
multiple of 8. The stage weights are 64 x (1, 1.1, 1.7, 1.9) = 64 / 70.4 /
108.8 / 121.6 rather than the real base widths 64-128-256-512, so the
measure mostly counts convs and favours deep third stages, where parameters
are dominated by the width and depth of stage 4 (the 1st place's
``hnas/utils/hapi_wrapper.py``, ``arch2size`` and ``up2eight``).
"""
import math
from typing import Sequence

from ...registry import PROXIES
from ...spaces import BaseSearchSpace
from .zero_cost import BaseProxy

#: Stage weights of the 1st place's measure: 64 x (1, 1.1, 1.7, 1.9).
PINAS_STAGE_WEIGHTS = (64.0, 70.4, 108.8, 121.6)


def round_up(value: float, multiple: int = 8) -> float:
    """``value`` rounded up to a multiple of ``multiple`` (kept as is when
    it already is one, fractional values included, as ``up2eight``)."""
    remainder = math.fmod(value, multiple)
    return value if remainder == 0 else value + multiple - remainder


@PROXIES.register_module()
class ChannelSumProxy(BaseProxy):
    """Sum of ratio-weighted channel counts of the active convs.

    ``size = up(r_stem * stem_weight) + sum over active blocks of
    up(r_mid * w_s) + up(r_out * w_s)``, with ``r`` the width ratio of a
    conv (the code's digit, read by the space's ``width_ratios``), ``w_s`` the
    weight of the block's stage and ``up`` rounding up to a multiple of 8.

    Args:
        stage_weights: One weight per stage (default: the 1st place's).
        stem_weight: Weight of the stem's ratio (default: the first stage
            weight).
        multiple: Rounding multiple.
    """

    def __init__(self,
                 stage_weights: Sequence[float] = PINAS_STAGE_WEIGHTS,
                 stem_weight: float = None,
                 multiple: int = 8) -> None:
        self.stage_weights = tuple(float(w) for w in stage_weights)
        self.stem_weight = float(self.stage_weights[0] if stem_weight is None
                                 else stem_weight)
        self.multiple = int(multiple)

    def score(self, space: BaseSearchSpace, code: str) -> float:
        width_ratios = getattr(space, 'width_ratios', None)
        if width_ratios is None:
            raise ValueError(f'ChannelSumProxy needs a space with width '
                             f'ratios (e.g. ResNet48Space), got '
                             f'{type(space).__name__}')
        stem, stages = width_ratios(code)
        if len(stages) != len(self.stage_weights):
            raise ValueError(f'ChannelSumProxy: {len(self.stage_weights)} '
                             f'stage weights for a space of {len(stages)} '
                             'stages')
        total = round_up(stem * self.stem_weight, self.multiple)
        for blocks, weight in zip(stages, self.stage_weights):
            for mid, out in blocks:
                total += round_up(mid * weight, self.multiple)
                total += round_up(out * weight, self.multiple)
        return float(total)
