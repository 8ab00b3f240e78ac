"""Allowed options per choice dim: from explicit ranges or from codes.

Two sources give the options a restricted space keeps (see
:class:`~nasbench_cvpr.spaces.RestrictedSpace`):

* :func:`resolve_ranges`: explicit ranges, either a mapping from dim names,
  dotted prefixes or glob patterns to the allowed values (or the name of
  one in :data:`RANGE_PRESETS`), or one ``(lo, hi)`` pair of option values
  per dim;
* :func:`observed_options`: per dim, the options between the smallest and
  the largest one that a list of codes uses.
"""
from fnmatch import fnmatchcase
from typing import (Iterable, List, Mapping, Optional, Sequence, Tuple,
                    Union)

from .base import BaseSearchSpace, ChoiceDim

#: ``ranges`` of a restricted space: ``{key: allowed values}`` or one
#: ``(lo, hi)`` pair (or ``None`` for the whole dim) per choice dim.
Ranges = Union[str, Mapping[str, Iterable[int]],
               Sequence[Optional[Tuple[int, int]]]]

#: The options used by the 45,000 target codes of the CVPR 2022 Track 1
#: ResNet48 space (``CVPR_2022_NAS_Track1_test.json``): ratio codes 1-3 in
#: the stem and stages 1-2, 1-5 in stage 3, 1-7 in stage 4 (dims are
#: 0-based: ``stage0`` is stage 1); every depth. Use as
#: ``RestrictedSpace(ResNet48Space(), ranges=CVPR22_TARGET_RANGES)`` or, in
#: a config, ``ranges='cvpr22_target'``.
CVPR22_TARGET_RANGES = {
    'stem.ratio': (1, 2, 3),
    'stage0.*ratio': (1, 2, 3),
    'stage1.*ratio': (1, 2, 3),
    'stage2.*ratio': (1, 2, 3, 4, 5),
    'stage3.*ratio': (1, 2, 3, 4, 5, 6, 7),
}

#: Names accepted as ``ranges`` (configs need no import).
RANGE_PRESETS = {'cvpr22_target': CVPR22_TARGET_RANGES}

_GLOB_CHARS = '*?['


def key_matches(key: str, name: str) -> bool:
    """Whether a ``ranges`` key selects the choice dim ``name``.

    Args:
        key: A full dim name (``'stem.ratio'``), a dotted prefix
            (``'stage2'`` selects ``'stage2.depth'``,
            ``'stage2.block0.mid_ratio'``, ...) or, if it holds ``*``, ``?``
            or ``[``, a glob pattern matched against the whole name
            (``'stage2.*ratio'``).
        name: The dim's name.
    """
    if any(ch in key for ch in _GLOB_CHARS):
        return fnmatchcase(name, key)
    return name == key or name.startswith(key + '.')


def _int_values(what: str, values: object) -> Tuple[int, ...]:
    """``values`` as a tuple of ints, or a ValueError naming ``what``."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ValueError(f'{what} must be a list of option values, got '
                         f'{values!r}')
    values = tuple(values)
    if any(isinstance(v, bool) or not isinstance(v, int) for v in values):
        raise ValueError(f'{what} must hold integers, got {values!r}')
    return values


def _describe_options(dim: ChoiceDim) -> str:
    return f'{dim.name} (options {sorted(dim.options)})'


def _from_mapping(dims: Sequence[ChoiceDim],
                  ranges: Mapping[str, Iterable[int]]
                  ) -> List[Tuple[int, ...]]:
    allowed = [set(d.options) for d in dims]
    prefixes = sorted({d.name.split('.')[0] for d in dims})
    for key, values in ranges.items():
        if not isinstance(key, str):
            raise ValueError(f'ranges keys must be dim names, prefixes or '
                             f'patterns, got {key!r}')
        values = _int_values(f'ranges[{key!r}]', values)
        matched = [i for i, d in enumerate(dims) if key_matches(key, d.name)]
        if not matched:
            raise ValueError(
                f'ranges key {key!r} matches no choice dim (top-level names: '
                f'{", ".join(prefixes)}; give a name such as '
                f'{dims[-1].name!r}, a prefix or a pattern with *)')
        for i in matched:
            # a value that is no option usually means the key selects more
            # dims than meant (e.g. 'stage2' also selects 'stage2.depth')
            bad = sorted(set(values) - set(dims[i].options))
            if bad:
                raise ValueError(
                    f'ranges[{key!r}]: {bad} not options of '
                    f'{_describe_options(dims[i])}; use a full name or a '
                    'pattern (e.g. "stage2.*ratio") to select fewer dims')
            allowed[i] &= set(values)
    return [tuple(o for o in d.options if o in a)
            for d, a in zip(dims, allowed)]


def _from_bounds(dims: Sequence[ChoiceDim],
                 ranges: Sequence[Optional[Tuple[int, int]]]
                 ) -> List[Tuple[int, ...]]:
    if len(ranges) != len(dims):
        raise ValueError(f'ranges: expected {len(dims)} (lo, hi) pairs, one '
                         f'per choice dim, got {len(ranges)}')
    allowed = []
    for dim, bound in zip(dims, ranges):
        if bound is None:
            allowed.append(tuple(dim.options))
            continue
        what = f'ranges entry of {dim.name}'
        bound = _int_values(what, bound)
        if len(bound) != 2:
            raise ValueError(f'{what} must be a (lo, hi) pair, got {bound!r}')
        lo, hi = bound
        missing = [v for v in bound if v not in dim.options]
        if missing:
            raise ValueError(f'{what}: {missing} not options of '
                             f'{_describe_options(dim)}')
        if lo > hi:
            raise ValueError(f'{what}: lo {lo} > hi {hi}')
        allowed.append(tuple(o for o in dim.options if lo <= o <= hi))
    return allowed


def resolve_ranges(dims: Sequence[ChoiceDim],
                   ranges: Ranges) -> List[Tuple[int, ...]]:
    """The options ``ranges`` allows for each dim, in option order.

    Args:
        dims: The choice dims of a space.
        ranges: A mapping from keys to allowed option values, where a key
            is a dim name, a dotted prefix or a glob pattern (see
            :func:`key_matches`) and a dim selected by several keys keeps
            the values all of them allow; or a list with one inclusive
            ``(lo, hi)`` pair of option values (or ``None``: every option)
            per dim, in dim order; or the name of such a mapping in
            :data:`RANGE_PRESETS`. Dims no key selects keep every option.

    Returns:
        One tuple per dim, possibly empty.

    Raises:
        ValueError: If a preset is unknown, a key selects no dim, a value is
            not an option of a dim its key selects, or a pair is malformed.
    """
    if isinstance(ranges, str):
        if ranges not in RANGE_PRESETS:
            raise ValueError(f'unknown ranges preset {ranges!r}; known: '
                             f'{sorted(RANGE_PRESETS)}')
        ranges = RANGE_PRESETS[ranges]
    if isinstance(ranges, Mapping):
        return _from_mapping(dims, ranges)
    if isinstance(ranges, (list, tuple)):
        return _from_bounds(dims, ranges)
    raise ValueError('ranges must be a mapping {dim name, prefix or pattern: '
                     'allowed values} or a list of (lo, hi) pairs, got '
                     f'{type(ranges).__name__}')


def observed_options(space: BaseSearchSpace,
                     codes: Iterable[str]) -> List[Tuple[int, ...]]:
    """Per dim, the options from the smallest to the largest used by
    ``codes``.

    Every active value counts, also those of codes of another form than the
    space samples (a tied dim covers every digit it stands for, see
    :meth:`~BaseSearchSpace.choice_value_sets`). A dim no code makes active
    keeps every option.

    Args:
        space: The space of the codes.
        codes: Valid codes of ``space``.
    """
    dims = space.choice_dims()
    lo: List[Optional[int]] = [None] * len(dims)
    hi: List[Optional[int]] = [None] * len(dims)
    for code in codes:
        for i, (dim, values) in enumerate(
                zip(dims, space.choice_value_sets(code))):
            for idx in map(dim.options.index, values):
                lo[i] = idx if lo[i] is None else min(lo[i], idx)
                hi[i] = idx if hi[i] is None else max(hi[i], idx)
    return [tuple(d.options) if a is None else tuple(d.options[a:b + 1])
            for d, a, b in zip(dims, lo, hi)]
