"""The CVPR 2022 2nd place's 5 few-shot groups on (stage-3, stage-4) depth."""
import itertools
import random
from collections import Counter

import pytest

from nasbench_cvpr.models.fewshot import build_partition
from nasbench_cvpr.spaces import build_space


@pytest.fixture(scope='module')
def space():
    return build_space('resnet48')


def code_with_depths(space, rng, d3, d4):
    """A random code whose stage-3 and stage-4 depths are d3 and d4."""
    while True:
        code = space.sample(rng)
        if space.decode(code).depths[2:] == (d3, d4):
            return code


def test_every_depth_pair_has_the_teams_group(space):
    partition = build_partition(dict(type='DepthRulePartition',
                                     rules='cvpr22_2nd'))
    assert partition.num_groups == 5
    rng = random.Random(0)
    groups = {}
    for d3, d4 in itertools.product(range(2, 9), range(2, 6)):
        groups[d3, d4] = partition.group(space,
                                         code_with_depths(space, rng, d3, d4))
    # by hand from the rules: 3 + 6 + 3 + 6 pairs, the other 10 in group 4
    assert Counter(groups.values()) == {0: 3, 1: 6, 2: 3, 3: 6, 4: 10}
    assert groups[2, 2] == 0 and groups[2, 4] == 0
    assert groups[3, 2] == 1 and groups[8, 2] == 1
    assert groups[8, 3] == 2 and groups[8, 5] == 2
    assert groups[2, 5] == 3 and groups[7, 5] == 3
    assert groups[5, 3] == 4 and groups[7, 4] == 4
    assert 'group 4: every other code' in partition.describe()


def test_untied_codes_follow_their_depths(space):
    from tests.spaces.random_codes import random_resnet48_code
    partition = build_partition(dict(type='DepthRulePartition',
                                     rules='cvpr22_2nd'))
    rng = random.Random(1)
    for _ in range(50):
        code = random_resnet48_code(space, rng, tied=False)
        d3, d4 = space.decode(code).depths[2:]
        group = partition.group(space, code)
        assert (group == 0) == (d3 == 2 and d4 <= 4)


def test_bad_rules_refused():
    with pytest.raises(ValueError, match='preset'):
        build_partition(dict(type='DepthRulePartition', rules='cvpr22_9th'))
    with pytest.raises(ValueError, match='empty'):
        build_partition(dict(type='DepthRulePartition', rules=[{}]))
