"""GroupSampler: every code of a step from one group of a partition."""
import pytest

from nasbench_cvpr.models.fewshot import build_partition
from nasbench_cvpr.models.samplers import GroupSampler
from nasbench_cvpr.spaces import build_space

PARTITION = dict(type='DepthRulePartition', rules='cvpr22_2nd')


@pytest.fixture(scope='module')
def space():
    return build_space('resnet48')


def make(space, **kwargs):
    cfg = dict(base=dict(type='UniformSampler'), partition=PARTITION, seed=3)
    cfg.update(kwargs)
    return GroupSampler(space, **cfg)


def test_cycle_gives_each_step_one_group_in_order(space):
    sampler = make(space, groups=[0, 2, 4])
    partition = build_partition(PARTITION)
    seen = []
    for _ in range(6):
        codes = sampler.sample(3)
        groups = {partition.group(space, c) for c in codes}
        assert len(groups) == 1
        seen.append(groups.pop())
    assert seen == [0, 2, 4, 0, 2, 4]


def test_epochs_per_group_follow_the_schedule(space):
    sampler = make(space, groups=[0, 1, 2, 3], epochs_per_group=[2, 1, 1, 1])
    partition = build_partition(PARTITION)
    expected = {0: 0, 1: 0, 2: 1, 3: 2, 4: 3, 9: 3}  # last group after
    for epoch, group in expected.items():
        sampler.set_epoch(epoch)
        assert {partition.group(space, c) for c in sampler.sample(2)} == \
            {group}


def test_resumed_state_draws_the_same_codes(space):
    sampler = make(space, order='random')
    for _ in range(3):
        sampler.sample(2)
    state = sampler.state_dict()
    expected = [sampler.sample(2) for _ in range(4)]
    other = make(space, order='random', seed=99)
    other.load_state_dict(state)
    assert [other.sample(2) for _ in range(4)] == expected


def test_bad_settings_are_refused(space):
    with pytest.raises(ValueError, match='group indices below 5'):
        make(space, groups=[5])
    with pytest.raises(ValueError, match='one by one'):
        make(space, base=dict(type='SandwichSampler', n=4))
    with pytest.raises(ValueError, match='epochs_per_group has 1'):
        make(space, groups=[0, 1], epochs_per_group=[3])


def test_an_empty_group_stops_with_a_clear_error():
    # a space whose stage 4 always has 2 blocks: group 3 (depth 5) is empty
    small = build_space(dict(type='ResNet48Space', max_depths=(5, 5, 8, 2)))
    sampler = make(small, groups=[3], max_draws=50)
    with pytest.raises(RuntimeError, match='no code of group 3'):
        sampler.sample(1)
