"""Growing the width groups of grouped sharing during training."""
from typing import List, Sequence, Tuple

from mmengine.hooks import Hook

from ..registry import HOOKS
from .hooks import _algorithm


def _check_schedule(schedule: Sequence[Sequence[int]]
                    ) -> List[Tuple[int, int]]:
    """``schedule`` as sorted ``(start epoch, groups)`` pairs, checked."""
    pairs = []
    for i, item in enumerate(schedule):
        if not isinstance(item, (list, tuple)) or len(item) != 2 or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in item):
            raise ValueError(f'schedule[{i}] must be a (start epoch, groups) '
                             f'pair of ints, got {item!r}')
        if item[0] < 0 or item[1] < 1:
            raise ValueError(f'schedule[{i}]: start epoch must be >= 0 and '
                             f'groups >= 1, got {item!r}')
        pairs.append((item[0], item[1]))
    pairs.sort()
    if not pairs or pairs[0][0] != 0:
        raise ValueError('schedule must start at epoch 0, got '
                         f'{list(schedule)!r}')
    if len({start for start, _ in pairs}) != len(pairs):
        raise ValueError(f'schedule has an epoch twice: {list(schedule)!r}')
    return pairs


@HOOKS.register_module()
class WidthGroupGrowthHook(Hook):
    """Sets the width groups of a grouped-sharing supernet per epoch.

    The CVPR 2022 4th place grew the groups of every stage 2 -> 3 -> ... ->
    7, 20 epochs each, each new group starting from the weights of the
    group it split from: ``schedule=[(0, 2), (20, 3), (40, 4), (60, 5),
    (80, 6), (100, 7)]``. At the start of each epoch the supernet gets the
    groups of the last entry that has started
    (:meth:`ResNetSupernet.set_width_groups`); the optimizer state
    (momentum) of every overwritten weight slot is dropped, as a fresh
    phase of their training would. The groups in use are part of the
    model's state, so a resumed run does not regroup again.

    Args:
        schedule: ``(start epoch, groups)`` pairs; the first starts at 0.
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self, schedule: Sequence[Sequence[int]]) -> None:
        self.schedule = _check_schedule(schedule)

    def groups_at(self, epoch: int) -> int:
        """Groups of ``epoch`` under the schedule."""
        return [n for start, n in self.schedule if start <= epoch][-1]

    def before_train_epoch(self, runner) -> None:
        supernet = _algorithm(runner).supernet
        copies = getattr(supernet, 'copies', [supernet])
        wanted = self.groups_at(runner.epoch)
        for net in copies:
            if not len(getattr(net, 'width_groups', ())):
                raise ValueError('WidthGroupGrowthHook needs a supernet with '
                                 'width_groups (grouped sharing)')
            if all(g.num_groups == min(wanted, g.max_groups)
                   for g in net.width_groups):
                continue
            changed = net.set_width_groups(wanted)
            self._drop_optimizer_state(runner, net, changed)
            runner.logger.info(
                f'width groups: {wanted} per stage from epoch '
                f'{runner.epoch} ({len(changed)} weight slots re-initialised)')

    @staticmethod
    def _drop_optimizer_state(runner, net, changed) -> None:
        layers = dict(net.sliced_layers())
        optimizer = getattr(runner.optim_wrapper, 'optimizer', None)
        if optimizer is None:
            return
        for name, slot in changed:
            for param in layers[name].slot_parameters(slot):
                optimizer.state.pop(param, None)
