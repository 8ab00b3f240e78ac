import pytest

from nasbench_cvpr.models.samplers import (SandwichSampler, UniformSampler,
                                           build_sampler)
from nasbench_cvpr.registry import SAMPLERS
from nasbench_cvpr.spaces import ResNet20Space


def test_build_from_config(tiny_space):
    sampler = build_sampler(dict(type='SandwichSampler', n=6, seed=3),
                            tiny_space)
    assert isinstance(sampler, SandwichSampler)
    assert sampler.space is tiny_space and sampler.n == 6
    assert len(sampler.sample()) == 6


def test_space_alias_and_instance_passthrough():
    sampler = build_sampler(dict(type='UniformSampler'), 'resnet20')
    assert isinstance(sampler.space, ResNet20Space)
    assert build_sampler(sampler, 'resnet48') is sampler


def test_every_sampler_registered():
    for name in ('UniformSampler', 'StrictFairSampler', 'SandwichSampler',
                 'BiasedSizeSampler', 'ParamWeightedSampler',
                 'RestrictedRangeSampler', 'ProgressiveSampler',
                 'FixedListSampler', 'StagedRangeSampler'):
        assert SAMPLERS.get(name) is not None
    assert SAMPLERS.get('UniformSampler') is UniformSampler


def test_unknown_type_lists_known(tiny_space):
    with pytest.raises(KeyError, match='UniformSampler'):
        build_sampler(dict(type='NoSuchSampler'), tiny_space)
    with pytest.raises(TypeError, match='type'):
        build_sampler(dict(n=4), tiny_space)


def test_bad_arg_propagates(tiny_space):
    with pytest.raises(ValueError, match='n must be'):
        build_sampler(dict(type='SandwichSampler', n=1), tiny_space)
