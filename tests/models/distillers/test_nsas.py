"""NSAS replay loss: a diverse memory of codes, its loss and its state."""
import random

import pytest
import torch

from nasbench_cvpr.models.distillers import NSASDistiller
from nasbench_cvpr.models.distillers.nsas import (NSASMemory, code_distance,
                                                  width_positions)
from nasbench_cvpr.spaces import build_space


@pytest.fixture(scope='module')
def space():
    return build_space('resnet48')


def test_distance_counts_width_steps_and_absent_blocks(space):
    widest = space.max_code()
    a, b = (width_positions(space, c) for c in (widest, space.min_code()))
    assert code_distance(a, a) == 0
    assert code_distance(a, b) > 0
    # the same network twice but one block narrower: a small distance
    assert all(p == 6 or p == -2 for p in a)  # widest option, or absent


def test_memory_replaces_the_nearest_member_with_a_more_novel_code(space):
    rng = random.Random(0)
    memory = NSASMemory(space, size=4, recent_size=10, knn=2)
    same = space.max_code()
    memory.members = [same] * 4
    novel = space.min_code()
    memory.remember(novel)
    # every member is equally near; the min code is more novel than a copy
    assert memory.members.count(novel) == 1
    before = _spread(memory)
    for _ in range(30):
        memory.remember(space.sample(rng))
    assert _spread(memory) >= before


def _spread(memory):
    m = memory.members
    return sum(memory.distance(a, b) for a in m for b in m)


def test_loss_is_weight_times_step_codes_times_mean_ce(space):
    distiller = NSASDistiller(weight=0.2, memory_size=3)
    rng = random.Random(1)
    codes = distiller.extra_codes(rng, space, [space.sample(rng)] * 2)
    assert len(codes) == 3 == distiller.num_extra_codes
    logits = [torch.randn(5, 4) for _ in codes]
    labels = torch.tensor([0, 1, 2, 3, 0])
    loss = distiller.extra_loss(logits, labels, codes, 0)['loss_nsas']
    ce = torch.stack([torch.nn.functional.cross_entropy(x, labels)
                      for x in logits]).mean()
    torch.testing.assert_close(loss, 0.2 * 2 * ce)


def test_memory_is_redrawn_within_the_group_and_resumes(space):
    partition = dict(type='DepthRulePartition', rules='cvpr22_2nd')
    distiller = NSASDistiller(memory_size=3, refresh_interval=2,
                              partition=partition)
    rng = random.Random(2)
    group_of = distiller.partition.group
    step = [c for c in (space.sample(rng) for _ in range(400))
            if group_of(space, c) == 1][:1]
    for _ in range(3):
        codes = distiller.extra_codes(rng, space, step)
        assert {group_of(space, c) for c in codes} == {1}
    state = distiller.train_state()
    rng_state = rng.getstate()
    expected = [distiller.extra_codes(rng, space, step) for _ in range(3)]
    other = NSASDistiller(memory_size=3, refresh_interval=2,
                          partition=partition)
    other.load_train_state(state, space)
    rng.setstate(rng_state)
    assert [other.extra_codes(rng, space, step) for _ in range(3)] == expected


def test_memory_is_redrawn_from_the_arch_file_codes_of_the_group(
        space, tmp_path):
    import json
    partition = dict(type='DepthRulePartition', rules='cvpr22_2nd')
    rng = random.Random(5)
    probe = NSASDistiller(partition=partition)
    by_group = {}
    for code in (space.sample(rng) for _ in range(2000)):
        by_group.setdefault(probe.group_of(space, code), []).append(code)
    target = by_group[1][:4] + by_group[2][:3]  # nothing of group 0
    path = tmp_path / 'target.json'
    path.write_text(json.dumps(
        {f'arch{i + 1}': dict(arch=c) for i, c in enumerate(target)}))
    distiller = NSASDistiller(memory_size=5, refresh_interval=1,
                              partition=partition, arch_file=str(path))
    for group, trained in ((1, target[0]), (2, target[-1])):
        for _ in range(4):  # a redraw at every step; trained codes (which
            # may enter the memory) come from the file too, as there
            codes = distiller.extra_codes(rng, space, [trained])
            assert set(codes) <= set(target)
            assert {probe.group_of(space, c) for c in codes} == {group}
    with pytest.raises(ValueError, match='no code of group 0'):
        distiller.extra_codes(rng, space, [by_group[0][0]])


def test_a_bad_arch_file_is_refused_naming_every_bad_entry(space, tmp_path):
    import json

    from nasbench_cvpr.spaces import ArchFileError
    path = tmp_path / 'target.json'
    path.write_text(json.dumps(dict(
        arch1=dict(arch=space.max_code()), arch2=dict(arch='12x'),
        arch3=dict(arch=space.min_code()), arch4=dict(code='1'))))
    distiller = NSASDistiller(memory_size=2, arch_file=str(path))
    with pytest.raises(ArchFileError) as error:
        distiller.extra_codes(random.Random(0), space, [space.max_code()])
    text = str(error.value) + ' '.join(map(str, error.value.errors))
    assert 'arch2' in text and 'arch4' in text
    lenient = NSASDistiller(memory_size=2, arch_file=str(path),
                            skip_invalid=True)
    with pytest.warns(UserWarning):
        codes = lenient.extra_codes(random.Random(0), space,
                                    [space.max_code()])
    assert set(codes) <= {space.canonical(space.max_code()),
                          space.canonical(space.min_code())}


def test_the_base_distiller_gives_the_subnet_losses():
    distiller = NSASDistiller(base=dict(type='InplaceDistiller'))
    assert distiller.teacher_mode == 'inplace'
    with pytest.raises(ValueError, match='extra codes'):
        NSASDistiller(base=dict(type='RankLossDistiller',
                                pairs='extra_random', space='resnet48'))


def test_the_algorithm_checkpoints_the_memory():
    from mmengine.optim import OptimWrapper

    from tests.models.algorithms.test_supernet_algorithm import (
        batch, make_algorithm)
    algo = make_algorithm(distiller=dict(type='NSASDistiller', memory_size=2),
                          num_subnets=1)
    wrapper = OptimWrapper(torch.optim.SGD(algo.parameters(), lr=0.0))
    log = algo.train_step(batch(), wrapper)
    assert torch.isfinite(log['loss_nsas'])
    state = algo.train_state()
    members = state['distiller']['memories']['0']['members']
    assert len(members) == 2
    other = make_algorithm(distiller=dict(type='NSASDistiller',
                                          memory_size=2), num_subnets=1)
    other.load_train_state(state)
    assert other.distiller.train_state() == state['distiller']
