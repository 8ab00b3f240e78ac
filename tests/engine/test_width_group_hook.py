"""WidthGroupGrowthHook grows the width groups on schedule."""
import logging
from types import SimpleNamespace

import pytest
import torch

from nasbench_cvpr.engine import WidthGroupGrowthHook
from nasbench_cvpr.registry import MODELS

TINY = dict(type='ResNet48Space', base_channels=(8, 16, 24, 32),
            max_depths=(2, 2, 3, 2), divisor=4, stem_type='cifar',
            num_classes=5, input_size=16)


def fake_runner(width_groups):
    algo = MODELS.build(dict(
        type='SupernetAlgorithm',
        supernet=dict(type='ResNetSupernet', space=TINY,
                      width_groups=width_groups),
        sampler=dict(type='UniformSampler')))
    optimizer = torch.optim.SGD(algo.parameters(), lr=0.1, momentum=0.9)
    return SimpleNamespace(model=algo, epoch=0,
                           optim_wrapper=SimpleNamespace(optimizer=optimizer),
                           logger=logging.getLogger('test'))


def test_groups_follow_the_schedule_and_new_slots_lose_momentum():
    runner = fake_runner(dict(num_groups=1))
    supernet = runner.model.supernet
    hook = WidthGroupGrowthHook(schedule=[(0, 1), (2, 2), (3, 9)])
    fc = supernet.fc
    for p in runner.model.parameters():  # momentum everywhere
        runner.optim_wrapper.optimizer.state[p]['momentum_buffer'] = \
            torch.ones_like(p)
    seen = []
    for epoch in range(4):
        runner.epoch = epoch
        hook.before_train_epoch(runner)
        seen.append(supernet.width_groups[-1].num_groups)
    top = supernet.width_groups[-1].max_groups  # 9 is capped
    assert seen == [1, 1, 2, top] and top > 2
    state = runner.optim_wrapper.optimizer.state
    assert fc.bank['0'].weight in state  # slot 0 kept its momentum
    assert fc.bank['1'].weight not in state  # new groups restart
    # each new slot started as a copy of the slot it split from
    assert torch.equal(fc.bank['1'].weight, fc.bank['0'].weight)


def test_a_resumed_model_is_not_regrouped():
    runner = fake_runner(dict(num_groups=1))
    hook = WidthGroupGrowthHook(schedule=[(0, 1), (1, 3)])
    runner.epoch = 1
    hook.before_train_epoch(runner)
    with torch.no_grad():  # training moved slot 2 away from slot 0
        runner.model.supernet.fc.bank['2'].weight.add_(1.0)
    resumed = fake_runner(dict(num_groups=1))
    resumed.model.load_state_dict(runner.model.state_dict())
    resumed.epoch = 1
    hook.before_train_epoch(resumed)
    fc = resumed.model.supernet.fc
    assert not torch.equal(fc.bank['2'].weight, fc.bank['0'].weight)


@pytest.mark.parametrize('schedule, match', [
    ([(1, 2)], 'start at epoch 0'),
    ([(0, 2), (0, 3)], 'epoch twice'),
    ([(0, 0)], 'groups >= 1'),
    ([(0, 2, 3)], 'pair'),
])
def test_bad_schedules_are_refused(schedule, match):
    with pytest.raises(ValueError, match=match):
        WidthGroupGrowthHook(schedule=schedule)


def test_a_supernet_without_groups_is_refused():
    runner = fake_runner(None)
    with pytest.raises(ValueError, match='width_groups'):
        WidthGroupGrowthHook(schedule=[(0, 2)]).before_train_epoch(runner)
