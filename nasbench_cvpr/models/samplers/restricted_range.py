"""Sampling restricted to the option ranges of a target arch file.

Kept for existing configs: the same as a :class:`UniformSampler` or
:class:`StrictFairSampler` on ``RestrictedSpace(space, arch_file=...)``,
which is where the range logic lives.
"""
from typing import Any, Dict, List, Optional, Tuple

from ...registry import SAMPLERS
from ...spaces import BaseSearchSpace, RestrictedSpace
from .base import BaseArchSampler
from .fair_stream import FairStream

#: Accepted values of ``base``.
BASES = ('uniform', 'strict_fair')


@SAMPLERS.register_module()
class RestrictedRangeSampler(BaseArchSampler):
    """Sample only within the per-dim option ranges seen in an arch file.

    The codes to be ranked (challenge format ``{key: {"arch": code}}``) are
    read; for every choice dim the smallest and largest option index among
    its *active* values give its allowed range, and codes are drawn within
    those ranges (see :class:`~nasbench_cvpr.spaces.RestrictedSpace`, which
    this sampler samples from: :attr:`space` is that restricted view). Every
    valid code counts, also one of another form than the space samples
    (e.g. untied codes in a tied ResNet48 space). A dim never active in the
    file keeps its full range.

    Bad entries and codes follow the arch-file rules of the tools: all of
    them are listed, one line each; by default the sampler then refuses the
    file, with ``skip_invalid=True`` it warns and uses the valid codes.

    For any other sampler, use ``SupernetAlgorithm(sampling_space=dict(
    type='RestrictedSpace', arch_file=...))`` instead.

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
        super().__init__(space, seed)  # checks space and seed
        if base not in BASES:
            raise ValueError(f'base must be one of {list(BASES)}, got '
                             f'{base!r}')
        self.arch_file = arch_file
        self.base = base
        self.skip_invalid = skip_invalid
        self.space = RestrictedSpace(space, arch_file=arch_file,
                                     skip_invalid=skip_invalid)
        self.dims = self.space.choice_dims()
        self.allowed = [d.options for d in self.dims]
        self.stream = FairStream(self.allowed) if base == 'strict_fair' \
            else None

    @property
    def ranges(self) -> List[Tuple[int, int]]:
        """``(lo, hi)`` option indices of the allowed range per dim, in the
        full space's options."""
        return [(full.options.index(d.options[0]),
                 full.options.index(d.options[-1]))
                for full, d in zip(self.space.base.choice_dims(), self.dims)]

    def allowed_options(self) -> List[Tuple[int, ...]]:
        """The options each choice dim may take, in dim order."""
        return list(self.allowed)

    def _sample(self, num: Optional[int]) -> List[str]:
        if self.stream is not None:
            return [self.space.encode(self.stream.draw(self.rng))
                    for _ in range(num)]
        return [self.space.sample(self.rng) for _ in range(num)]

    def _extra_state(self) -> Dict[str, Any]:
        return {} if self.stream is None else dict(
            stream=self.stream.state_dict())

    def _load_extra_state(self, state: Dict[str, Any]) -> None:
        if self.stream is not None:
            if 'stream' not in state:
                raise ValueError('RestrictedRangeSampler(base="strict_fair") '
                                 'state lacks "stream"')
            self.stream.load_state_dict(state['stream'])
