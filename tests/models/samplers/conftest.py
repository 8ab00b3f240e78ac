"""Shared fixtures of the sampler tests: spaces and one factory per sampler."""
import json
import random

import pytest

from nasbench_cvpr.models.samplers import (BiasedSizeSampler,
                                           FixedListSampler,
                                           ParamWeightedSampler,
                                           ProgressiveSampler,
                                           RestrictedRangeSampler,
                                           SandwichSampler,
                                           StagedRangeSampler,
                                           StrictFairSampler, UniformSampler)
from nasbench_cvpr.spaces import ResNet20Space, ResNet48Space

SPACE_NAMES = ['resnet48', 'resnet20', 'tiny']
SAMPLER_NAMES = ['uniform', 'strict_fair', 'strict_fair_min', 'sandwich',
                 'sandwich_fair', 'biased', 'weighted', 'restricted',
                 'restricted_fair', 'progressive', 'fixed_list', 'staged',
                 'staged_fair']


@pytest.fixture(params=SPACE_NAMES)
def space(request):
    """Each of the two challenge spaces and the tiny untied space."""
    if request.param == 'resnet48':
        return ResNet48Space()
    if request.param == 'resnet20':
        return ResNet20Space()
    return request.getfixturevalue('tiny_space')


def write_arch_file(path, codes):
    """Write ``codes`` in the challenge format; return the path as str."""
    data = {f'arch{i + 1}': {'arch': c} for i, c in enumerate(codes)}
    path.write_text(json.dumps(data))
    return str(path)


@pytest.fixture
def arch_file(tmp_path):
    """Factory: an arch file of 8 random codes of ``space`` (seed 123)."""
    def make(space, num=8, seed=123):
        rng = random.Random(seed)
        return write_arch_file(tmp_path / f'archs_{seed}.json',
                               [space.sample(rng) for _ in range(num)])
    return make


def top_bounds(space, k):
    """``(lo, hi)`` values of the ``k`` large-network-end options of every
    dim (the pair form of ``ranges``, valid in every space)."""
    return [(min(d.options[-k:]), max(d.options[-k:]))
            for d in space.choice_dims()]


def generic_stages(space):
    """Three stages that fit every space: the max code only, then the two
    largest options of every dim from epoch 3, then everything from 6 (the
    shared state test saves at epoch 4 and resumes through the switch)."""
    return [dict(start_epoch=0, ranges=top_bounds(space, 1)),
            dict(start_epoch=3, ranges=top_bounds(space, 2)),
            dict(start_epoch=6, ranges={})]


@pytest.fixture
def make_sampler(arch_file):
    """Factory: ``make_sampler(name, space, seed)``, small sizes for speed."""
    def make(name, space, seed=0):
        if name == 'uniform':
            return UniformSampler(space, seed=seed)
        if name == 'strict_fair':
            return StrictFairSampler(space, seed=seed)
        if name == 'strict_fair_min':
            return StrictFairSampler(space, seed=seed, with_min=True)
        if name == 'sandwich':
            return SandwichSampler(space, n=4, seed=seed)
        if name == 'sandwich_fair':
            return SandwichSampler(space, n=5, seed=seed, middle='strict_fair')
        if name == 'biased':
            return BiasedSizeSampler(space, num_candidates=20, keep=3,
                                     uniform_every=2, seed=seed)
        if name == 'weighted':
            return ParamWeightedSampler(space, num_candidates=8, seed=seed)
        if name == 'restricted':
            return RestrictedRangeSampler(space, arch_file(space), seed=seed)
        if name == 'restricted_fair':
            return RestrictedRangeSampler(space, arch_file(space),
                                          base='strict_fair', seed=seed)
        if name == 'progressive':
            return ProgressiveSampler(space, start_fraction=0.3,
                                      epochs_to_full=4, seed=seed)
        if name == 'fixed_list':
            return FixedListSampler(space, arch_file(space), num_codes=5,
                                    seed=seed)
        if name == 'staged':
            return StagedRangeSampler(space, generic_stages(space), seed=seed)
        if name == 'staged_fair':
            return StagedRangeSampler(space, generic_stages(space),
                                      base='strict_fair', seed=seed)
        raise ValueError(name)
    return make


def step(sampler, epoch=None):
    """One training step: sets the epoch if given, then samples."""
    if epoch is not None:
        sampler.set_epoch(epoch)
    if sampler.num_per_step is None:
        return sampler.sample(3)
    return sampler.sample()
