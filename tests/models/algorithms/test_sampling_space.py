"""Any sampler restricted through SupernetAlgorithm(sampling_space=...)."""
import json
import random

import pytest
import torch
from mmengine.optim import OptimWrapper

from nasbench_cvpr.models.proxies import build_proxy
from nasbench_cvpr.registry import MODELS
from nasbench_cvpr.spaces import ArchFileError, ResNet48Space, RestrictedSpace

from .test_supernet_algorithm import TINY, batch

#: Restricts every ratio dim at one or both ends; stage 3 depth fixed at 3.
RANGES = {'stem': (2, 3, 4), 'stage0.*ratio': (2, 3, 4),
          'stage1.*ratio': (1, 2, 3), 'stage2.*ratio': (3, 4, 5, 6, 7),
          'stage3.*ratio': (1, 2, 3, 4, 5), 'stage2.depth': (3, )}

SAMPLERS = {
    'uniform': dict(type='UniformSampler', seed=1),
    'sandwich': dict(type='SandwichSampler', n=4, seed=1),
    'biased': dict(type='BiasedSizeSampler', num_candidates=12, keep=3,
                   uniform_every=2, seed=1),
    'strict_fair': dict(type='StrictFairSampler', seed=1),
    'progressive': dict(type='ProgressiveSampler', start_fraction=0.3,
                        epochs_to_full=3, seed=1),
    'weighted': dict(type='ParamWeightedSampler', num_candidates=6, seed=1),
}


def make_algorithm(sampler, sampling_space=None, **kwargs):
    if sampling_space is None:
        sampling_space = dict(type='RestrictedSpace', ranges=RANGES)
    cfg = dict(type='SupernetAlgorithm',
               supernet=dict(type='ResNetSupernet', space=TINY),
               sampler=dict(sampler), sampling_space=sampling_space,
               data_preprocessor=dict(type='mmpretrain.ClsDataPreprocessor',
                                      num_classes=5))
    cfg.update(kwargs)
    return MODELS.build(cfg)


def steps(algo, num, first_epoch=0):
    """Codes of ``num`` steps, one epoch each."""
    codes = []
    for epoch in range(first_epoch, first_epoch + num):
        algo.set_epoch(epoch)
        codes.append(algo.step_codes())
    return codes


def full_space():
    return ResNet48Space(**{k: v for k, v in TINY.items() if k != 'type'})


@pytest.mark.parametrize('name', list(SAMPLERS))
def test_sampled_codes_stay_in_the_ranges(name):
    algo = make_algorithm(SAMPLERS[name], num_subnets=None if name in (
        'sandwich', 'biased') else 3)
    view = algo.sampling_space
    assert isinstance(view, RestrictedSpace) and view.base is algo.space
    assert algo.sampler.space is view
    assert not isinstance(algo.space, RestrictedSpace)
    assert algo.supernet.space is algo.space
    codes = [c for step in steps(algo, 6) for c in step]
    assert len(set(codes)) > 3
    allowed = {d.name: set(d.options) for d in view.choice_dims()}
    names = [d.name for d in algo.space.choice_dims()]
    for code in codes:
        assert view.contains(code)
        for dim_name, values in zip(names,
                                    algo.space.choice_value_sets(code)):
            assert set(values) <= allowed[dim_name], (code, dim_name)


def test_sandwich_uses_the_subspace_max_and_min():
    algo = make_algorithm(SAMPLERS['sandwich'])
    view = algo.sampling_space
    for step in steps(algo, 3):
        assert step[:2] == [view.max_code(), view.min_code()]
    assert view.max_code() != algo.space.max_code()
    assert view.min_code() != algo.space.min_code()
    # the sub-space's extremes: stem ratio 2 at most, 4 at least
    assert algo.space.parse(view.max_code())[4] == 2
    assert algo.space.parse(view.min_code())[4] == 4


def test_progressive_widens_within_the_subspace():
    algo = make_algorithm(SAMPLERS['progressive'], num_subnets=2)
    view_dims = {d.name: d.options for d in algo.sampling_space.choice_dims()}
    algo.set_epoch(0)
    allowed = dict(zip(view_dims, algo.sampler.allowed_options()))
    assert allowed['stem.ratio'] == (2, )  # large end of (4, 3, 2)
    assert allowed['stage2.block0.mid_ratio'] == (4, 3)
    algo.set_epoch(3)
    assert algo.sampler.allowed_options() == list(view_dims.values())


def test_strict_fair_window_over_the_subspace():
    algo = make_algorithm(SAMPLERS['strict_fair'], num_subnets=5)
    assert algo.sampler.window_size == 5  # largest restricted dim
    window = algo.sampler.sample(5)
    names = [d.name for d in algo.space.choice_dims()]
    stage2 = names.index('stage2.block0.mid_ratio')
    assert sorted(algo.space.parse(c)[stage2] for c in window) == \
        [3, 4, 5, 6, 7]


def test_biased_size_ranks_within_the_subspace():
    algo = make_algorithm(SAMPLERS['biased'])
    sampler = algo.sampler
    codes = sampler.sample()
    sizes = [sampler.size(c) for c in codes]
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[0] == build_proxy('params').score(full_space(),
                                                   codes[0])


@pytest.mark.parametrize('name', ['uniform', 'sandwich', 'biased',
                                  'strict_fair', 'progressive'])
def test_sampler_state_round_trips(name):
    kwargs = {} if name in ('sandwich', 'biased') else dict(num_subnets=3)
    reference = make_algorithm(SAMPLERS[name], **kwargs)
    expected = steps(reference, 6)
    first = make_algorithm(SAMPLERS[name], **kwargs)
    got = steps(first, 3)
    state = json.loads(json.dumps(first.train_state()))
    other_seed = dict(SAMPLERS[name], seed=77)
    resumed = make_algorithm(other_seed, **kwargs)
    resumed.load_train_state(state)
    got += steps(resumed, 3, first_epoch=3)
    assert got == expected


def test_supernet_runs_a_code_outside_the_subspace():
    algo = make_algorithm(SAMPLERS['uniform'], num_subnets=2)
    outside = algo.space.max_code()
    assert not algo.sampling_space.contains(outside)
    arch = algo.supernet.set_arch(outside)
    assert arch == algo.space.decode(outside)
    logits = algo.supernet(torch.randn(2, 3, 16, 16))
    assert logits.shape == (2, 5)


def test_inplace_teacher_is_the_full_max_and_training_runs():
    algo = make_algorithm(SAMPLERS['sandwich'],
                          distiller=dict(type='InplaceDistiller'))
    codes = algo.step_codes()
    assert codes[0] == algo.space.max_code()
    assert not algo.sampling_space.contains(codes[0])
    assert all(algo.sampling_space.contains(c) for c in codes[1:])
    wrapper = OptimWrapper(torch.optim.SGD(algo.parameters(), lr=0.01))
    log = algo.train_step(batch(), wrapper)
    assert torch.isfinite(log['loss'])


def test_without_sampling_space_the_sampler_gets_the_full_space():
    cfg = dict(type='SupernetAlgorithm',
               supernet=dict(type='ResNetSupernet', space=TINY),
               sampler=dict(type='UniformSampler'),
               data_preprocessor=dict(type='mmpretrain.ClsDataPreprocessor',
                                      num_classes=5))
    algo = MODELS.build(cfg)
    assert algo.sampler.space is algo.space is algo.sampling_space


def write_codes(path, codes, extra=None):
    data = {f'arch{i}': {'arch': c} for i, c in enumerate(codes)}
    data.update(extra or {})
    path.write_text(json.dumps(data))
    return str(path)


def test_arch_file_sampling_space(tmp_path):
    full = full_space()
    view = RestrictedSpace(full, ranges=RANGES)
    rng = random.Random(11)
    path = write_codes(tmp_path / 'target.json',
                       [view.sample(rng) for _ in range(5)])
    algo = make_algorithm(SAMPLERS['sandwich'], sampling_space=dict(
        type='RestrictedSpace', arch_file=path))
    target = RestrictedSpace(full, arch_file=path)
    assert algo.sampling_space.choice_dims() == target.choice_dims()
    for step in steps(algo, 4):
        assert all(view.contains(c) for c in step)


def test_arch_file_with_a_bad_entry(tmp_path):
    rng = random.Random(12)
    full = full_space()
    path = write_codes(tmp_path / 'target.json',
                       [full.sample(rng) for _ in range(3)],
                       dict(broken={'arch': '99'}, empty={}))
    with pytest.raises(ArchFileError) as info:
        make_algorithm(SAMPLERS['uniform'], sampling_space=dict(
            type='RestrictedSpace', arch_file=path))
    assert [e.key for e in info.value.errors] == ['broken', 'empty']
    with pytest.warns(UserWarning, match='2 of 5 entries skipped'):
        algo = make_algorithm(SAMPLERS['uniform'], sampling_space=dict(
            type='RestrictedSpace', arch_file=path, skip_invalid=True))
    assert len(algo.sampler.sample(2)) == 2


@pytest.mark.parametrize('sampling_space,match', [
    (dict(type='RestrictedSpace', base='resnet48', ranges=RANGES), 'base'),
    (dict(ranges=RANGES), 'type'),
    (dict(type='RestrictedSpace', ranges={'stage2.depth': (4, )}),
     r'\[4\] not options of stage2.depth'),
    (dict(type='RestrictedSpace', ranges={'stem': (2, ),
                                          'stem.ratio': (3, )}),
     "no option left for choice dim 'stem.ratio'"),
])
def test_bad_sampling_space(sampling_space, match):
    with pytest.raises(ValueError, match=match):
        make_algorithm(SAMPLERS['uniform'], sampling_space=sampling_space)
