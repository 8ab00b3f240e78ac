"""StagedRangeSampler and the CVPR 2022 2nd place's schedule."""
from collections import Counter

import pytest

from nasbench_cvpr.models.samplers import (CVPR22_2ND_STAGES,
                                           StagedRangeSampler, build_sampler)
from nasbench_cvpr.spaces import ResNet48Space, RestrictedSpace, build_space

#: Epochs around every switch of the 2nd place's schedule.
EPOCHS = [0, 4, 5, 14, 15, 29, 30, 34, 35, 44, 45, 60]


def expected_depths(epoch):
    """(lo, hi) depth of stage0-stage3 at ``epoch``, as the audit lists
    them (autoslim.py, depth_end_epoch 30)."""
    if epoch < 5:
        return [(4, 5), (4, 5), (6, 8), (2, 5)]
    if epoch < 15:
        return [(3, 5), (3, 5), (4, 8), (2, 5)]
    return [(2, 5), (2, 5), (2, 8), (2, 5)]


def expected_ratio_hi(epoch):
    """Largest ratio code of stem, stage0, stage1, stage2, stage3 (code 1
    is the widest, so the allowed codes are 1..hi)."""
    if epoch < 30:
        return dict(stem=1, stage0=1, stage1=1, stage2=1, stage3=1)
    if epoch < 35:
        return dict(stem=3, stage0=3, stage1=3, stage2=3, stage3=3)
    if epoch < 45:
        return dict(stem=3, stage0=3, stage1=3, stage2=5, stage3=5)
    return dict(stem=3, stage0=3, stage1=3, stage2=5, stage3=7)


def expected_allowed(name, epoch):
    """The set of values the ResNet48 dim ``name`` may take at ``epoch``."""
    group = name.split('.')[0]
    if name.endswith('.depth'):
        lo, hi = expected_depths(epoch)[int(group[len('stage'):])]
        return set(range(lo, hi + 1))
    return set(range(1, expected_ratio_hi(epoch)[group] + 1))


def as_ranges(space, epoch):
    """The expected options of ``epoch`` as ``RestrictedSpace`` ranges."""
    return {d.name: sorted(expected_allowed(d.name, epoch))
            for d in space.choice_dims()}


@pytest.fixture(scope='module')
def resnet48():
    return build_space('resnet48')


@pytest.mark.parametrize('epoch', EPOCHS)
def test_cvpr22_2nd_codes_lie_in_the_epoch_ranges(resnet48, epoch):
    sampler = StagedRangeSampler(resnet48, stages='cvpr22_2nd', seed=epoch)
    sampler.set_epoch(epoch)
    codes = sampler.sample(300)
    subspace = RestrictedSpace(resnet48, ranges=as_ranges(resnet48, epoch))
    assert all(subspace.contains(c) for c in codes)
    dims = resnet48.choice_dims()
    seen = [set() for _ in dims]
    for code in codes:
        for values, value in zip(seen, resnet48.parse(code)):
            values.add(value)
    for dim, values in zip(dims, seen):
        # every allowed option drawn, nothing else (None: inactive slot)
        assert values - {None} == expected_allowed(dim.name, epoch), dim.name


@pytest.mark.parametrize('epoch', EPOCHS)
def test_cvpr22_2nd_allowed_options(resnet48, epoch):
    sampler = StagedRangeSampler(resnet48, stages='cvpr22_2nd')
    sampler.set_epoch(epoch)
    allowed = sampler.allowed_options()
    assert allowed == sampler.allowed_options(epoch)
    for dim, options in zip(resnet48.choice_dims(), allowed):
        assert set(options) == expected_allowed(dim.name, epoch), dim.name
        assert options == tuple(o for o in dim.options if o in options)


def test_cvpr22_2nd_ends_at_the_45k_ranges(resnet48):
    target = [d.options for d in
              RestrictedSpace(resnet48, ranges='cvpr22_target').choice_dims()]
    sampler = StagedRangeSampler(resnet48, stages='cvpr22_2nd')
    assert sampler.allowed_options(44) != target
    for epoch in (45, 60, 1000):
        assert sampler.allowed_options(epoch) == target


def test_cvpr22_2nd_fits_the_target_subspace(resnet48):
    # the config restricts the sampler's space to the 45k ranges too: no
    # stage leaves them, so the schedule and the codes are the same
    target = RestrictedSpace(resnet48, ranges='cvpr22_target')
    full = StagedRangeSampler(resnet48, stages='cvpr22_2nd', seed=4)
    restricted = StagedRangeSampler(target, stages='cvpr22_2nd', seed=4)
    for epoch in EPOCHS:
        full.set_epoch(epoch)
        restricted.set_epoch(epoch)
        assert restricted.allowed_options() == full.allowed_options()
        assert restricted.sample(5) == full.sample(5)


def test_cvpr22_2nd_on_an_untied_space():
    space = ResNet48Space(tie_out_channels=False)
    sampler = StagedRangeSampler(space, stages='cvpr22_2nd', seed=0)
    names = [d.name for d in space.choice_dims()]
    assert 'stage0.block0.out_ratio' in names
    for code in sampler.sample(20):
        values = space.parse(code)
        assert {v for n, v in zip(names, values)
                if n.endswith('ratio') and v is not None} == {1}


def test_preset_is_data_in_resnet48_dim_names(resnet48):
    assert [s['start_epoch'] for s in CVPR22_2ND_STAGES] == \
        [0, 5, 15, 30, 35, 45]
    names = [d.name for d in resnet48.choice_dims()]
    for stage in CVPR22_2ND_STAGES:
        for key in stage['ranges']:
            assert key in names or '*' in key, key


def test_build_from_config_with_preset():
    sampler = build_sampler(dict(type='StagedRangeSampler',
                                 stages='cvpr22_2nd', seed=1), 'resnet48')
    assert isinstance(sampler, StagedRangeSampler)
    assert sampler.start_epochs == [0, 5, 15, 30, 35, 45]
    assert sampler.num_per_step is None


def test_switches_at_set_epoch_and_mixes_depth_and_ratio(resnet48):
    stages = [dict(start_epoch=0, ranges={'stage2.depth': [8],
                                          'stage2.*ratio': [1, 2]}),
              dict(start_epoch=3, ranges={'stage2': [2]}),
              dict(start_epoch=7, ranges={})]
    sampler = StagedRangeSampler(resnet48, stages)
    dims = resnet48.choice_dims()
    full = [d.options for d in dims]
    assert [sampler.stage_at(e) for e in range(9)] == \
        [0, 0, 0, 1, 1, 1, 1, 2, 2]
    for epoch in range(9):
        sampler.set_epoch(epoch)
        assert sampler.epoch == epoch
        for dim, options, all_options in zip(dims, sampler.allowed_options(),
                                             full):
            if epoch >= 7 or not dim.name.startswith('stage2.'):
                assert options == all_options, dim.name  # not mentioned
            elif epoch < 3:
                want = (8, ) if dim.name == 'stage2.depth' else (2, 1)
                assert options == want, dim.name
            else:
                assert options == (2, ), dim.name  # the prefix: depth too
    sampler.set_epoch(1)  # going back is allowed (e.g. a re-run epoch)
    assert sampler.allowed_options(1) == sampler.allowed_options()
    for code in sampler.sample(20):
        arch = resnet48.parse(code)
        assert arch[[d.name for d in dims].index('stage2.depth')] == 8


def test_pairs_and_preset_names_as_stage_ranges(resnet48):
    pairs = [None] * len(resnet48.choice_dims())
    pairs[0] = (5, 5)  # stage0.depth
    sampler = StagedRangeSampler(resnet48, [
        dict(start_epoch=0, ranges=pairs),
        dict(start_epoch=2, ranges='cvpr22_target')])
    assert sampler.allowed_options(0)[0] == (5, )
    assert sampler.allowed_options(0)[1:] == \
        [d.options for d in resnet48.choice_dims()[1:]]
    assert sampler.allowed_options(2) == [
        d.options for d in
        RestrictedSpace(resnet48, ranges='cvpr22_target').choice_dims()]


def test_strict_fair_windows_restart_with_each_stage(resnet48):
    stages = [dict(start_epoch=0, ranges={'stage2.depth': [7, 8]}),
              dict(start_epoch=2, ranges={})]
    sampler = StagedRangeSampler(resnet48, stages, base='strict_fair',
                                 seed=3)
    depth = [d.name for d in resnet48.choice_dims()].index('stage2.depth')
    first = [resnet48.parse(c)[depth] for c in sampler.sample(3)]
    assert set(first) <= {7, 8}
    sampler.set_epoch(1)  # same stage: the stream goes on
    sampler.set_epoch(2)  # new stage: a fresh window of 7 codes
    for _ in range(2):
        window = [resnet48.parse(c)[depth] for c in sampler.sample(7)]
        assert sorted(window) == [2, 3, 4, 5, 6, 7, 8]


def test_same_stage_set_epoch_keeps_the_stream(resnet48):
    stages = [dict(start_epoch=0, ranges={}),
              dict(start_epoch=5, ranges={'stem.ratio': [1]})]
    whole = StagedRangeSampler(resnet48, stages, base='strict_fair').sample(9)
    split = StagedRangeSampler(resnet48, stages, base='strict_fair')
    codes = split.sample(4)
    split.set_epoch(3)
    assert codes + split.sample(5) == whole


def test_state_restores_epoch_stage_and_stream(resnet48):
    stages = [dict(start_epoch=0, ranges={}),
              dict(start_epoch=2, ranges={'stage3': [2]})]
    sampler = StagedRangeSampler(resnet48, stages, base='strict_fair', seed=1)
    sampler.set_epoch(4)
    sampler.sample(3)
    state = sampler.state_dict()
    assert state['epoch'] == 4 and 'stream' in state
    other = StagedRangeSampler(resnet48, stages, base='strict_fair', seed=9)
    other.load_state_dict(state)
    assert other.epoch == 4 and other.stage_index == 1
    assert other.allowed_options() == sampler.allowed_options()
    assert other.sample(10) == sampler.sample(10)


def test_state_checks(resnet48):
    stages = [dict(start_epoch=0, ranges={}),
              dict(start_epoch=2, ranges={'stage3': [2]})]
    uniform = StagedRangeSampler(resnet48, stages)
    fair = StagedRangeSampler(resnet48, stages, base='strict_fair')
    with pytest.raises(ValueError, match='lacks "stream"'):
        fair.load_state_dict(uniform.state_dict())
    with pytest.raises(ValueError, match='epoch'):
        uniform.load_state_dict(dict(uniform.state_dict(), epoch=-1))
    # a stream of stage 0 (all options) does not fit stage 1
    fair.sample(2)
    state = dict(fair.state_dict(), epoch=3)
    with pytest.raises(ValueError, match='choice dims'):
        fair.load_state_dict(state)
    assert fair.epoch == 0 and fair.stage_index == 0  # left unchanged


def stage(start, ranges=None):
    return dict(start_epoch=start, ranges={} if ranges is None else ranges)


@pytest.mark.parametrize('stages, match', [
    ([], 'non-empty list'),
    (dict(start_epoch=0, ranges={}), 'non-empty list'),
    ('cvpr22_3rd', 'unknown stages preset'),
    ([stage(1)], r'stages\[0\] must start at epoch 0'),
    ([stage(0), stage(5), stage(5)], r'stages\[2\]: start_epoch 5 must be '
                                     r'greater'),
    ([stage(0), stage(5), stage(3)], r'stages\[2\]: start_epoch 3'),
    ([stage(0), stage(-1)], r'stages\[1\]\["start_epoch"\]'),
    ([stage(0), stage(True)], r'stages\[1\]\["start_epoch"\]'),
    ([stage(0), stage(2.0)], r'stages\[1\]\["start_epoch"\]'),
    ([dict(start_epoch=0)], r'stages\[0\] must be a dict with exactly'),
    ([dict(start_epoch=0, ranges={}, base='x')], r'stages\[0\] must be a '),
    ([stage(0), 'stage1'], r'stages\[1\] must be a dict'),
    ([stage(0), stage(3, {'stage9.depth': [2]})],
     r"stages\[1\] \(start_epoch=3\): ranges key 'stage9.depth' matches no"),
    ([stage(0), stage(3, {'stage0.depth': [6]})],
     r'stages\[1\] \(start_epoch=3\).*\[6\] not options of stage0.depth'),
    ([stage(0, {'stem.ratio': [1], '*ratio': [2]})],
     r"stages\[0\] \(start_epoch=0\): no option left for choice dim "
     r"'stem.ratio'"),
    ([stage(0, [(2, 5)])], r'stages\[0\].*expected \d+ \(lo, hi\) pairs'),
    ([stage(0, 'no_such_preset')], r'stages\[0\].*unknown ranges preset'),
])
def test_bad_stages_name_the_stage(resnet48, stages, match):
    with pytest.raises(ValueError, match=match):
        StagedRangeSampler(resnet48, stages)


def test_bad_base(resnet48):
    with pytest.raises(ValueError, match='base must be one of'):
        StagedRangeSampler(resnet48, 'cvpr22_2nd', base='fair')


def test_option_outside_a_restricted_space_is_named(resnet48):
    narrow = RestrictedSpace(resnet48, ranges={'stage3.*ratio': [1, 2, 3]})
    with pytest.raises(ValueError) as info:
        StagedRangeSampler(narrow, 'cvpr22_2nd')
    message = str(info.value)
    # the first stage asking for more than 1-3 in stage 3 is the 35th epoch's
    assert message.startswith('stages[4] (start_epoch=35)')
    assert '[4, 5] not options of stage3.' in message
    assert 'RestrictedSpace' in message


def test_uniform_within_a_stage(resnet48):
    sampler = StagedRangeSampler(resnet48, 'cvpr22_2nd', seed=0)
    sampler.set_epoch(60)
    depth = [d.name for d in resnet48.choice_dims()].index('stage2.depth')
    counts = Counter(resnet48.parse(c)[depth] for c in sampler.sample(1400))
    assert sorted(counts) == [2, 3, 4, 5, 6, 7, 8]
    assert all(140 <= n <= 260 for n in counts.values()), counts


def test_repr(resnet48):
    text = repr(StagedRangeSampler(resnet48, 'cvpr22_2nd'))
    assert 'stages=[0, 5, 15, 30, 35, 45]' in text and "'uniform'" in text
