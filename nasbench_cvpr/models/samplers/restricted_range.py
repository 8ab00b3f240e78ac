"""Sampling restricted to the option ranges of a target arch file."""
import warnings
from typing import Any, Dict, Iterable, List, Optional, Tuple

from ...registry import SAMPLERS
from ...spaces import (ArchFileError, BaseSearchSpace, describe_error,
                       invalid_summary, read_arch_codes)
from .base import BaseArchSampler, option_slices
from .fair_stream import FairStream

#: Accepted values of ``base``.
BASES = ('uniform', 'strict_fair')


@SAMPLERS.register_module()
class RestrictedRangeSampler(BaseArchSampler):
    """Sample only within the per-dim option ranges seen in an arch file.

    The codes to be ranked (challenge format ``{key: {"arch": code}}``) are
    read; for every choice dim the smallest and largest option index among
    its *active* values give its allowed range, and codes are drawn within
    those ranges. Every valid code counts, also one of another form than the
    space samples (e.g. untied codes in a tied ResNet48 space: a tied dim
    then covers every digit it stands for, see
    :meth:`~BaseSearchSpace.choice_value_sets`). A dim never active in the
    file (e.g. a ResNet48 block slot beyond every listed depth) keeps its
    full range; with depths restricted too, such a slot stays inactive
    anyway.

    Bad entries and codes follow the arch-file rules of the tools: all of
    them are listed, one line each; by default the sampler then refuses the
    file, with ``skip_invalid=True`` it warns and uses the valid codes.

    Args:
        space: An already-built search space.
        arch_file: Path of the target arch file.
        base: ``'uniform'`` (each dim uniform in its range) or
            ``'strict_fair'`` (FairNAS windows over the ranges, see
            :class:`StrictFairSampler`).
        seed: Seed of the sampler's generator.
        skip_invalid: Use the valid codes of a file with bad entries or
            codes (with a warning listing them) instead of refusing it.

    Raises:
        ValueError: If ``base`` is unknown or the file has no valid code.
        ArchFileError: If the file cannot be read, or (without
            ``skip_invalid``) listing every bad entry and code in ``errors``.
    """

    def __init__(self,
                 space: BaseSearchSpace,
                 arch_file: str,
                 base: str = 'uniform',
                 seed: int = 0,
                 skip_invalid: bool = False) -> None:
        super().__init__(space, seed)
        if base not in BASES:
            raise ValueError(f'base must be one of {list(BASES)}, got '
                             f'{base!r}')
        self.arch_file = arch_file
        self.base = base
        self.skip_invalid = skip_invalid
        valid, errors = read_arch_codes(arch_file, space)
        total = len(valid) + len(errors)
        if errors and not skip_invalid:
            raise ArchFileError(
                invalid_summary(arch_file, len(errors), total) +
                f' for {type(space).__name__} (RestrictedRangeSampler; set '
                'skip_invalid=True to use the valid ones)', errors, arch_file)
        if not valid:
            raise ValueError(f'arch_file {arch_file!r} has no valid code for '
                             f'{type(space).__name__} ({len(errors)} '
                             'invalid)')
        if errors:
            warnings.warn(
                invalid_summary(arch_file, len(errors), total, 'skipped') +
                ':\n' + '\n'.join(describe_error(e, arch_file)
                                   for e in errors))
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
            value_sets = self.space.choice_value_sets(code)
            for i, (dim, values) in enumerate(zip(self.dims, value_sets)):
                for idx in map(dim.options.index, values):
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
