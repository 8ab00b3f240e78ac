"""Sampling restricted to the option ranges of a target arch file."""
import warnings
from typing import Any, Dict, Iterable, List, Optional, Tuple

from ...registry import SAMPLERS
from ...spaces import BaseSearchSpace, check_codes, load_arch_file
from .base import BaseArchSampler, option_slices
from .fair_stream import FairStream

#: Accepted values of ``base``.
BASES = ('uniform', 'strict_fair')


@SAMPLERS.register_module()
class RestrictedRangeSampler(BaseArchSampler):
    """Sample only within the per-dim option ranges seen in an arch file.

    The codes to be ranked (challenge format ``{key: {"arch": code}}``) are
    parsed; for every choice dim the smallest and largest option index among
    its *active* values give its allowed range, and codes are drawn within
    those ranges. A dim never active in the file (e.g. a ResNet48 block slot
    beyond every listed depth) keeps its full range; with depths restricted
    too, such a slot stays inactive anyway. Invalid codes in the file are
    skipped with a warning.

    Args:
        space: An already-built search space.
        arch_file: Path of the target arch file.
        base: ``'uniform'`` (each dim uniform in its range) or
            ``'strict_fair'`` (FairNAS windows over the ranges, see
            :class:`StrictFairSampler`).
        seed: Seed of the sampler's generator.

    Raises:
        ValueError: If ``base`` is unknown or the file has no valid code.
        ArchFileError: If the file cannot be read.
    """

    def __init__(self,
                 space: BaseSearchSpace,
                 arch_file: str,
                 base: str = 'uniform',
                 seed: int = 0) -> None:
        super().__init__(space, seed)
        if base not in BASES:
            raise ValueError(f'base must be one of {list(BASES)}, got '
                             f'{base!r}')
        self.arch_file = arch_file
        self.base = base
        valid, errors = check_codes(load_arch_file(arch_file), space)
        if not valid:
            first = f'; first error: {errors[0]}' if errors else ''
            raise ValueError(f'arch_file {arch_file!r} has no valid code for '
                             f'{type(space).__name__} ({len(errors)} '
                             f'invalid){first}')
        if errors:
            warnings.warn(f'{arch_file}: skipped {len(errors)} invalid codes; '
                          f'first: {errors[0]}')
        self.ranges = self._observed_ranges(valid.values())
        self.allowed = option_slices(self.dims, self.ranges)
        self.stream = FairStream(self.allowed) if base == 'strict_fair' \
            else None

    def _observed_ranges(self, codes: Iterable[str]
                         ) -> List[Tuple[int, int]]:
        """``(lo, hi)`` option indices of the active values per dim.

        Args:
            codes: Valid codes of the space.
        """
        lo = [None] * len(self.dims)
        hi = [None] * len(self.dims)
        for code in codes:
            indices = self._option_index(self.space.parse(code))
            for i, idx in enumerate(indices):
                if idx is None:
                    continue
                lo[i] = idx if lo[i] is None else min(lo[i], idx)
                hi[i] = idx if hi[i] is None else max(hi[i], idx)
        return [(0, len(d.options) - 1) if a is None else (a, b)
                for d, a, b in zip(self.dims, lo, hi)]

    def allowed_options(self) -> List[Tuple[int, ...]]:
        """The options each choice dim may take, in dim order."""
        return list(self.allowed)

    def _sample(self, num: Optional[int]) -> List[str]:
        if self.stream is not None:
            return [self.space.encode(self.stream.draw(self.rng))
                    for _ in range(num)]
        return [self._draw(self.allowed) for _ in range(num)]

    def _extra_state(self) -> Dict[str, Any]:
        return {} if self.stream is None else dict(
            stream=self.stream.state_dict())

    def _load_extra_state(self, state: Dict[str, Any]) -> None:
        if self.stream is not None:
            if 'stream' not in state:
                raise ValueError('RestrictedRangeSampler(base="strict_fair") '
                                 'state lacks "stream"')
            self.stream.load_state_dict(state['stream'])
