"""Sandwich rule sampling (BigNAS / slimmable networks)."""
from typing import Any, Dict, List, Optional

from ...registry import SAMPLERS
from ...spaces import BaseSearchSpace
from .base import BaseArchSampler, check_int
from .fair_stream import FairStream

#: Accepted values of ``middle``.
MIDDLES = ('uniform', 'strict_fair')


@SAMPLERS.register_module()
class SandwichSampler(BaseArchSampler):
    """The largest and the smallest network plus random ones, every step.

    A self-sized sampler: every step returns ``n`` codes,
    ``[space.max_code(), space.min_code()]`` followed by ``n - 2`` middle
    codes. Call ``sample()``; ``sample(num)`` is accepted only with
    ``num == n`` (:attr:`num_per_step`).

    The middle codes are either independent uniform codes
    (``middle='uniform'``) or the next ``n - 2`` codes of one strict-fair
    stream (``middle='strict_fair'``, the FairNAS windows of
    :class:`StrictFairSampler`, the CVPR 2021 3rd place's sampler). With
    ``n - 2`` equal to the window size (ResNet20: 16 options at most, so
    ``n=18``) every step trains exactly one window; otherwise fairness holds
    over every window of consecutive middle codes, across steps. The stream
    is part of the state.

    Args:
        space: An already-built search space.
        n: Codes per step, at least 2 (e.g. 4 as in BigNAS, 18 for the
            CVPR 2022 solutions that train many subnets per step).
        seed: Seed of the sampler's generator.
        middle: ``'uniform'`` or ``'strict_fair'``: how the ``n - 2`` codes
            after the max and the min code are drawn.

    Raises:
        ValueError: If ``n`` is not an integer >= 2 or ``middle`` is
            unknown.
    """

    def __init__(self, space: BaseSearchSpace, n: int = 4, seed: int = 0,
                 middle: str = 'uniform') -> None:
        super().__init__(space, seed)
        self.n = check_int('n', n, 2)
        if middle not in MIDDLES:
            raise ValueError(f'middle must be one of {list(MIDDLES)}, got '
                             f'{middle!r}')
        self.middle = middle
        self.num_per_step = self.n
        self._max_code = space.max_code()
        self._min_code = space.min_code()
        self.stream: Optional[FairStream] = FairStream(
            [d.options for d in self.dims]) if middle == 'strict_fair' \
            else None

    @property
    def window_size(self) -> Optional[int]:
        """Codes per fairness window of the middle codes, ``None`` unless
        ``middle='strict_fair'``."""
        return None if self.stream is None else self.stream.window_size

    def _middle_codes(self) -> List[str]:
        if self.stream is None:
            return [self.space.sample(self.rng) for _ in range(self.n - 2)]
        return [self.space.encode(self.stream.draw(self.rng))
                for _ in range(self.n - 2)]

    def _sample(self, num: Optional[int]) -> List[str]:
        return [self._max_code, self._min_code] + self._middle_codes()

    def _extra_state(self) -> Dict[str, Any]:
        return {} if self.stream is None else dict(
            stream=self.stream.state_dict())

    def _load_extra_state(self, state: Dict[str, Any]) -> None:
        if self.stream is None:
            if 'stream' in state:
                raise ValueError('cannot load a SandwichSampler('
                                 'middle="strict_fair") state into '
                                 'SandwichSampler(middle="uniform")')
            return
        if 'stream' not in state:
            raise ValueError('SandwichSampler(middle="strict_fair") state '
                             'lacks "stream" (saved with middle="uniform"?)')
        self.stream.load_state_dict(state['stream'])

    def __repr__(self) -> str:
        extra = '' if self.stream is None else f', middle={self.middle!r}'
        return super().__repr__()[:-1] + f', n={self.n}{extra})'
