"""Sampling one group of a partition per step (few-shot supernets)."""
from typing import Any, Dict, List, Optional, Sequence, Union

from ...registry import SAMPLERS
from ...spaces import BaseSearchSpace
from ..fewshot.partition import BasePartition, build_partition
from .base import BaseArchSampler, check_int

GROUP_ORDERS = ('cycle', 'random')


@SAMPLERS.register_module()
class GroupSampler(BaseArchSampler):
    """Every code of a step comes from one group of ``partition``, so a
    step of a :class:`FewShotSupernet` trains one copy.

    The step's group follows ``epochs_per_group`` (group ``groups[i]`` for
    ``epochs_per_group[i]`` epochs, in order, the last group after the
    schedule ends: the CVPR 2022 2nd place fine-tuned its groups one after
    the other) or, without it, changes every step (``order='cycle'``: in
    the order of ``groups``; ``'random'``: drawn uniformly). Codes come
    from ``base``, drawn until they fall in the group (rejection), so
    ``base`` must draw each code independently of the ones it drew before
    (uniform, fixed-list or range samplers; not fair, sandwich or
    strict-fair streams, whose balance rejection would break).

    Args:
        space: An already-built search space (the sampling space).
        base: Config of the sampler to draw from; it gets ``space`` and a
            seed derived from ``seed``.
        partition: Config of the partition; the same as the supernet's.
        groups: Groups to train (default: every group).
        order: ``'cycle'`` or ``'random'`` (without ``epochs_per_group``).
        epochs_per_group: Epochs of each group of ``groups``, in order.
        seed: Seed of the sampler's generator.
        max_draws: Draws of ``base`` per code before giving up (the group
            would then be (nearly) empty in the sampling space).
    """

    def __init__(self,
                 space: BaseSearchSpace,
                 base: dict,
                 partition: Union[dict, BasePartition],
                 groups: Optional[Sequence[int]] = None,
                 order: str = 'cycle',
                 epochs_per_group: Optional[Sequence[int]] = None,
                 seed: int = 0,
                 max_draws: int = 10_000) -> None:
        super().__init__(space, seed)
        self.partition = build_partition(partition)
        num_groups = self.partition.num_groups
        self.groups = list(range(num_groups)) if groups is None \
            else [check_int('groups[]', g, 0) for g in groups]
        if not self.groups or max(self.groups) >= num_groups:
            raise ValueError(f'groups must be a non-empty list of group '
                             f'indices below {num_groups}, got {groups!r}')
        if order not in GROUP_ORDERS:
            raise ValueError(f'order must be one of {list(GROUP_ORDERS)}, '
                             f'got {order!r}')
        self.order = order
        self.epochs_per_group = None
        if epochs_per_group is not None:
            if len(epochs_per_group) != len(self.groups):
                raise ValueError(
                    f'epochs_per_group has {len(epochs_per_group)} entries '
                    f'for {len(self.groups)} groups')
            self.epochs_per_group = [check_int('epochs_per_group[]', e, 1)
                                     for e in epochs_per_group]
        self.max_draws = check_int('max_draws', max_draws, 1)
        self.base: BaseArchSampler = SAMPLERS.build(
            dict(base), default_args=dict(space=space, seed=seed + 1))
        if self.base.num_per_step is not None:
            raise ValueError(f'GroupSampler needs a base sampler that draws '
                             f'codes one by one; {type(self.base).__name__} '
                             'fixes its codes per step')
        self.epoch = 0
        self.steps = 0
        self.current_group = self.groups[0]

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch
        self.base.set_epoch(epoch)

    def group_at(self, epoch: int) -> int:
        """The group of ``epoch`` under ``epochs_per_group``."""
        end = 0
        for group, epochs in zip(self.groups, self.epochs_per_group):
            end += epochs
            if epoch < end:
                return group
        return self.groups[-1]

    def _next_group(self) -> int:
        if self.epochs_per_group is not None:
            return self.group_at(self.epoch)
        if self.order == 'random':
            return self.rng.choice(self.groups)
        return self.groups[self.steps % len(self.groups)]

    def _sample(self, num: Optional[int]) -> List[str]:
        group = self._next_group()
        self.current_group = group
        self.steps += 1
        codes = []
        for _ in range(num):
            for _ in range(self.max_draws):
                code = self.base.sample(1)[0]
                if self.partition.group(self.space, code) == group:
                    codes.append(code)
                    break
            else:
                raise RuntimeError(
                    f'GroupSampler: no code of group {group} in '
                    f'{self.max_draws} draws of {type(self.base).__name__};'
                    ' is the group empty in the sampling space?')
        return codes

    def _extra_state(self) -> Dict[str, Any]:
        return dict(base=self.base.state_dict(), steps=self.steps,
                    epoch=self.epoch, current_group=self.current_group)

    def _load_extra_state(self, state: Dict[str, Any]) -> None:
        for key in ('base', 'steps', 'epoch', 'current_group'):
            if key not in state:
                raise ValueError(f'GroupSampler state lacks {key!r}')
        self.base.load_state_dict(state['base'])
        self.steps = int(state['steps'])
        self.epoch = int(state['epoch'])
        self.current_group = int(state['current_group'])
