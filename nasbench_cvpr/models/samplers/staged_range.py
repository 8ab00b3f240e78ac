"""Option ranges that change at given epochs (CVPR 2022 Track 1, 2nd place).

The 2nd place trained depth first, with the widths at their maximum, and
widened the widths later, ending at the ranges of the 45,000 target codes
(their ``autoslim.py``). :class:`StagedRangeSampler` takes such a schedule as
a list of stages, each written in the ``ranges`` syntax of
:class:`~nasbench_cvpr.spaces.RestrictedSpace`; :data:`STAGE_PRESETS` holds
the 2nd place's schedule as ``'cvpr22_2nd'``.
"""
from typing import (Any, Dict, List, Mapping, Optional, Sequence, Tuple,
                    Union)

from ...registry import SAMPLERS
from ...spaces import BaseSearchSpace, RestrictedSpace
from ...spaces.option_ranges import Ranges, resolve_ranges
from .base import BaseArchSampler, check_int
from .fair_stream import FairStream
from .restricted_range import BASES


def _codes(lo: int, hi: int) -> Tuple[int, ...]:
    """Ratio (or depth) codes ``lo`` to ``hi``, both included."""
    return tuple(range(lo, hi + 1))


def _widths(early: int, stage2: int,
            stage3: int) -> Dict[str, Tuple[int, ...]]:
    """Ranges allowing ratio codes 1 to ``early`` in the stem, ``stage0``
    and ``stage1``, 1 to ``stage2`` in ``stage2`` and 1 to ``stage3`` in
    ``stage3`` (code 1 is the widest).

    Args:
        early: Largest code of the stem and the first two stages.
        stage2: Largest code of ``stage2`` (the challenge's stage 3).
        stage3: Largest code of ``stage3`` (the challenge's stage 4).
    """
    return {
        'stem.ratio': _codes(1, early),
        'stage0.*ratio': _codes(1, early),
        'stage1.*ratio': _codes(1, early),
        'stage2.*ratio': _codes(1, stage2),
        'stage3.*ratio': _codes(1, stage3),
    }


def _depths(stage0: int, stage1: int,
            stage2: int) -> Dict[str, Tuple[int, ...]]:
    """Ranges allowing depths from the given ones up to the largest (5, 5,
    8) in ``stage0``-``stage2``; ``stage3`` keeps every depth (2-5).

    Args:
        stage0: Smallest depth of ``stage0``.
        stage1: Smallest depth of ``stage1``.
        stage2: Smallest depth of ``stage2``.
    """
    return {
        'stage0.depth': _codes(stage0, 5),
        'stage1.depth': _codes(stage1, 5),
        'stage2.depth': _codes(stage2, 8),
    }


#: The CVPR 2022 Track 1 2nd place's schedule (``autoslim.py``, run with
#: ``--depth_end_epoch 30``), in ResNet48 dim names (0-based stages:
#: ``stage0`` is their stage 1). Depths: [4-5, 4-5, 6-8, 2-5] before epoch
#: 5, [3-5, 3-5, 4-8, 2-5] before 15, then every depth. Widths: ratio code 1
#: (the widest) everywhere before epoch 30; codes 1-3 everywhere from 30;
#: 1-3 / 1-5 / 1-5 (stem and stages 1-2 / stage 3 / stage 4) from 35;
#: 1-3 / 1-5 / 1-7 from 45, the 45k target file's ranges ('cvpr22_target').
CVPR22_2ND_STAGES = (
    dict(start_epoch=0, ranges={**_depths(4, 4, 6), **_widths(1, 1, 1)}),
    dict(start_epoch=5, ranges={**_depths(3, 3, 4), **_widths(1, 1, 1)}),
    dict(start_epoch=15, ranges=_widths(1, 1, 1)),
    dict(start_epoch=30, ranges=_widths(3, 3, 3)),
    dict(start_epoch=35, ranges=_widths(3, 5, 5)),
    dict(start_epoch=45, ranges=_widths(3, 5, 7)),
)

#: Names accepted as ``stages`` (configs need no import).
STAGE_PRESETS = {'cvpr22_2nd': CVPR22_2ND_STAGES}

Stages = Union[str, Sequence[Mapping[str, Any]]]
_STAGE_KEYS = ('start_epoch', 'ranges')


def _stage_list(stages: Stages) -> List[Mapping[str, Any]]:
    """``stages`` as a list of mappings (a preset name looked up)."""
    if isinstance(stages, str):
        if stages not in STAGE_PRESETS:
            raise ValueError(f'unknown stages preset {stages!r}; known: '
                             f'{sorted(STAGE_PRESETS)}')
        return list(STAGE_PRESETS[stages])
    if not isinstance(stages, (list, tuple)) or not stages:
        raise ValueError('stages must be a preset name or a non-empty list '
                         'of dict(start_epoch=..., ranges=...), got '
                         f'{stages!r:.80}')
    return list(stages)


def _check_stage(index: int, stage: Any, previous: Optional[int]) -> int:
    """Check the keys and the start epoch of one stage; return the latter.

    Args:
        index: Position of the stage in the list.
        stage: The stage as given.
        previous: Start epoch of the stage before, ``None`` for the first.
    """
    if not isinstance(stage, Mapping) or set(stage) != set(_STAGE_KEYS):
        raise ValueError(f'stages[{index}] must be a dict with exactly the '
                         f'keys {list(_STAGE_KEYS)}, got {stage!r:.120}')
    start = check_int(f'stages[{index}]["start_epoch"]',
                      stage['start_epoch'], 0)
    if previous is None and start != 0:
        raise ValueError(f'stages[0] must start at epoch 0 (every epoch '
                         f'needs a stage), got start_epoch={start}')
    if previous is not None and start <= previous:
        raise ValueError(f'stages[{index}]: start_epoch {start} must be '
                         f'greater than the previous stage\'s ({previous})')
    return start


@SAMPLERS.register_module()
class StagedRangeSampler(BaseArchSampler):
    """Sample within option ranges that change at given epochs.

    Each stage gives the epoch from which it applies and the options every
    choice dim may take, in the ``ranges`` syntax of
    :class:`~nasbench_cvpr.spaces.RestrictedSpace` (see
    :func:`~nasbench_cvpr.spaces.option_ranges.resolve_ranges`): a mapping
    from dim names, dotted prefixes or glob patterns to allowed option
    values (depth and ratio dims may be mixed in one mapping), one
    ``(lo, hi)`` pair per dim, or a ranges preset name. A dim a stage does
    not mention keeps every option of :attr:`space`. When the space is
    itself restricted (``SupernetAlgorithm(sampling_space=...)``), only its
    options exist: a stage allowing another one is refused.

    The training loop calls :meth:`set_epoch`; the epoch is part of the
    state. Codes are drawn within the current stage's options, each dim
    uniform (``base='uniform'``) or from a strict-fair stream over them
    (``base='strict_fair'``, see :class:`StrictFairSampler`), which starts
    afresh when the stage changes and is part of the state.

    Args:
        space: An already-built search space.
        stages: ``[dict(start_epoch=0, ranges=...), dict(start_epoch=e1,
            ranges=...), ...]`` with start epochs increasing from 0, or a
            preset name of :data:`STAGE_PRESETS` (``'cvpr22_2nd'``, for
            ResNet48 spaces).
        base: ``'uniform'`` or ``'strict_fair'``.
        seed: Seed of the sampler's generator.

    Raises:
        ValueError: If ``base`` or a preset is unknown, the stages are
            malformed, their start epochs do not increase from 0, or a
            stage's ranges do not fit the space; the message names the stage
            and, where one is at fault, the dim.
    """

    def __init__(self,
                 space: BaseSearchSpace,
                 stages: Stages,
                 base: str = 'uniform',
                 seed: int = 0) -> None:
        super().__init__(space, seed)
        if base not in BASES:
            raise ValueError(f'base must be one of {list(BASES)}, got '
                             f'{base!r}')
        self.base = base
        self.stages = _stage_list(stages)
        self.start_epochs: List[int] = []
        self.stage_options: List[List[Tuple[int, ...]]] = []
        for index, stage in enumerate(self.stages):
            previous = self.start_epochs[-1] if self.start_epochs else None
            self.start_epochs.append(_check_stage(index, stage, previous))
            self.stage_options.append(self._resolve(index, stage['ranges']))
        self.epoch = 0
        self.stage_index = 0
        self.stream: Optional[FairStream] = None
        self._enter_stage(0)

    # ------------------------------------------------------------ stages
    def _resolve(self, index: int, ranges: Ranges) -> List[Tuple[int, ...]]:
        """The options stage ``index`` allows per dim, or a ValueError
        naming the stage (and the dim)."""
        where = f'stages[{index}] (start_epoch=' \
            f'{self.stages[index]["start_epoch"]})'
        hint = ''
        if isinstance(self.space, RestrictedSpace):
            hint = (' (the space is a RestrictedSpace: only its options '
                    'can be sampled)')
        try:
            allowed = resolve_ranges(self.dims, ranges)
        except ValueError as e:
            raise ValueError(f'{where}: {e}{hint}') from None
        for dim, options in zip(self.dims, allowed):
            if not options:
                raise ValueError(f'{where}: no option left for choice dim '
                                 f'{dim.name!r} (options '
                                 f'{sorted(dim.options)}){hint}')
        return allowed

    def stage_at(self, epoch: int) -> int:
        """Index of the stage that applies at ``epoch``.

        Args:
            epoch: 0-based epoch index.
        """
        check_int('epoch', epoch, 0)
        return max(i for i, start in enumerate(self.start_epochs)
                   if start <= epoch)

    def allowed_options(self,
                        epoch: Optional[int] = None) -> List[Tuple[int, ...]]:
        """The options each choice dim may take, in dim order.

        Args:
            epoch: Epoch index; the current one if ``None``.
        """
        index = self.stage_index if epoch is None else self.stage_at(epoch)
        return list(self.stage_options[index])

    def _enter_stage(self, index: int) -> None:
        self.stage_index = index
        if self.base == 'strict_fair':
            self.stream = FairStream(self.stage_options[index])

    def set_epoch(self, epoch: int) -> None:
        """Switch to the stage of ``epoch`` (a new stage starts a new
        strict-fair stream; the same stage keeps its stream).

        Args:
            epoch: 0-based epoch index.
        """
        index = self.stage_at(epoch)
        self.epoch = epoch
        if index != self.stage_index:
            self._enter_stage(index)

    # ---------------------------------------------------------- sampling
    def _sample(self, num: Optional[int]) -> List[str]:
        if self.stream is not None:
            return [self.space.encode(self.stream.draw(self.rng))
                    for _ in range(num)]
        options = self.stage_options[self.stage_index]
        return [self._draw(options) for _ in range(num)]

    def _extra_state(self) -> Dict[str, Any]:
        state: Dict[str, Any] = dict(epoch=self.epoch)
        if self.stream is not None:
            state['stream'] = self.stream.state_dict()
        return state

    def _load_extra_state(self, state: Dict[str, Any]) -> None:
        epoch = check_int('state["epoch"]', state.get('epoch'), 0)
        if self.base == 'strict_fair' and 'stream' not in state:
            raise ValueError('StagedRangeSampler(base="strict_fair") state '
                             'lacks "stream"')
        index = self.stage_at(epoch)
        stream = None
        if self.base == 'strict_fair':
            # checked against this stage's options before changing self
            stream = FairStream(self.stage_options[index])
            stream.load_state_dict(state['stream'])
        self.epoch, self.stage_index, self.stream = epoch, index, stream

    def __repr__(self) -> str:
        return (super().__repr__()[:-1] + f', stages={self.start_epochs}, '
                f'base={self.base!r})')

