"""A search space whose choice dims keep only some of their options."""
from typing import Any, List, Optional, Sequence, Tuple, Union

from ..registry import SEARCH_SPACES
from .arch import ResNetArch
from .arch_file import read_valid_codes
from .base import BaseSearchSpace, ChoiceDim, ChoiceValues
from .builder import build_space
from .option_ranges import Ranges, observed_options, resolve_ranges


@SEARCH_SPACES.register_module()
class RestrictedSpace(BaseSearchSpace):
    """A view of a space that samples only within allowed options.

    :meth:`choice_dims` lists the base space's dims with only the allowed
    options (in the base order, smallest network first), so :meth:`sample`,
    :meth:`max_code` and :meth:`min_code`, and every sampler that works
    through the choice dims, stay inside the subspace. Everything else
    (:meth:`parse`, :meth:`encode`, :meth:`decode`, :meth:`validate`,
    :meth:`canonical`, :meth:`choice_value_sets` and the supernet geometry)
    is the base space's: a supernet or a scorer given this space still
    accepts every valid code of the base space. :meth:`contains` tells
    whether a code lies in the subspace.

    With both ``ranges`` and ``arch_file`` a dim keeps the options both
    allow.

    Args:
        base: The space to restrict (instance, config dict or alias).
        ranges: Explicit ranges, see :func:`resolve_ranges`: e.g.
            ``{'stem.ratio': (1, 2, 3), 'stage2.*ratio': (1, 2, 3, 4, 5)}``,
            one ``(lo, hi)`` pair of option values per dim, or a preset name
            such as ``'cvpr22_target'``.
        arch_file: A challenge-format arch file; each dim keeps the options
            from the smallest to the largest its codes use (see
            :func:`observed_options`). Bad entries and codes are all
            listed and refused unless ``skip_invalid``.
        skip_invalid: Use the valid codes of an arch file with bad entries
            (with a warning listing them) instead of refusing it.

    Raises:
        ValueError: If neither ``ranges`` nor ``arch_file`` is given, the
            ranges are malformed, the arch file has no valid code, or a dim
            is left with no option (the message names it).
        ArchFileError: If the arch file cannot be read or (without
            ``skip_invalid``) has bad entries or codes.
    """

    def __init__(self,
                 base: Union[BaseSearchSpace, dict, str],
                 ranges: Optional[Ranges] = None,
                 arch_file: Optional[str] = None,
                 skip_invalid: bool = False) -> None:
        if ranges is None and arch_file is None:
            raise ValueError('RestrictedSpace needs ranges, arch_file or '
                             'both')
        self.base = build_space(base)
        self.ranges = ranges
        self.arch_file = arch_file
        self.skip_invalid = skip_invalid
        base_dims = self.base.choice_dims()
        sources: List[Tuple[str, List[Tuple[int, ...]]]] = []
        if ranges is not None:
            sources.append(('the ranges allow',
                            resolve_ranges(base_dims, ranges)))
        if arch_file is not None:
            codes = read_valid_codes(arch_file, self.base, skip_invalid,
                                     'RestrictedSpace')
            sources.append((f'the codes of {arch_file} use',
                            observed_options(self.base, codes.values())))
        self._dims = [self._restrict(i, dim, sources)
                      for i, dim in enumerate(base_dims)]

    @staticmethod
    def _restrict(index: int, dim: ChoiceDim,
                  sources: Sequence[Tuple[str, List[Tuple[int, ...]]]]
                  ) -> ChoiceDim:
        """``dim`` with the options every source allows."""
        kept = [o for o in dim.options
                if all(o in allowed[index] for _, allowed in sources)]
        if not kept:
            why = '; '.join(f'{what} {sorted(allowed[index])}'
                            for what, allowed in sources)
            raise ValueError(f'RestrictedSpace: no option left for choice '
                             f'dim {dim.name!r} (options '
                             f'{sorted(dim.options)}; {why})')
        return ChoiceDim(dim.name, tuple(kept))

    # -------------------------------------------------------- the subspace
    def choice_dims(self) -> List[ChoiceDim]:
        return list(self._dims)

    def contains(self, code: str) -> bool:
        """Whether every active value of ``code`` is an allowed option.

        Args:
            code: A valid code of the base space, of any form it accepts.

        Raises:
            ArchCodeError: If the base space rejects ``code``.
        """
        return all(
            set(values) <= set(dim.options)
            for dim, values in zip(self._dims,
                                   self.base.choice_value_sets(code)))

    def restricted_dims(self) -> List[Tuple[ChoiceDim, ChoiceDim]]:
        """``(base dim, restricted dim)`` of every dim that lost options."""
        return [(full, dim)
                for full, dim in zip(self.base.choice_dims(), self._dims)
                if dim.options != full.options]

    def describe(self) -> str:
        """One line per restricted dim: its name, allowed and all values."""
        lines = [f'{dim.name}: {sorted(dim.options)} of '
                 f'{sorted(full.options)}'
                 for full, dim in self.restricted_dims()]
        return '\n'.join(lines) if lines else 'no choice dim restricted'

    # ----------------------------------------- codec: the base space's
    def parse(self, code: str) -> ChoiceValues:
        return self.base.parse(code)

    def encode(self, values: Sequence[Optional[int]]) -> str:
        return self.base.encode(values)

    def decode(self, code: str) -> ResNetArch:
        return self.base.decode(code)

    def validate(self, code: str) -> None:
        self.base.validate(code)

    def canonical(self, code: str) -> str:
        return self.base.canonical(code)

    def choice_value_sets(self, code: str) -> List[Tuple[int, ...]]:
        return self.base.choice_value_sets(code)

    def needs_projection(self, block_index: int, in_channels: int,
                         out_channels: int, stride: int) -> bool:
        return self.base.needs_projection(block_index, in_channels,
                                          out_channels, stride)

    def __getattr__(self, name: str) -> Any:
        # Only reached for names this class lacks: the base space's own
        # extras (ResNet48Space.is_tied, .ratios, .code_length, ...).
        # Private names and a half-built object (copy, pickle) stay out.
        base = self.__dict__.get('base')
        if name.startswith('_') or base is None:
            raise AttributeError(name)
        return getattr(base, name)

    def __repr__(self) -> str:
        return (f'RestrictedSpace(base={type(self.base).__name__}, '
                f'{len(self.restricted_dims())} of {len(self._dims)} choice '
                'dims restricted)')


#: Supernet geometry and network rules read from the base space. Each is a
#: property: :meth:`RestrictedSpace.__getattr__` alone would miss those
#: with a class-level default on :class:`BaseSearchSpace` (e.g.
#: ``projection_rule``, ``outer_activation``), which would shadow the base's.
BASE_ATTRIBUTES = ('stem_type', 'in_channels', 'input_size', 'num_classes',
                   'stem_width_options', 'stage_width_options',
                   'stage_depth_options', 'stage_strides', 'projection_rule',
                   'outer_activation', 'max_depths')
for _name in BASE_ATTRIBUTES:
    setattr(RestrictedSpace, _name,
            property(lambda self, name=_name: getattr(self.base, name),
                     doc=f"The base space's ``{_name}``."))
del _name
