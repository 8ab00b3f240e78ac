"""Behaviour every sampler shares: determinism, state, validity."""
import io

import pytest
import torch

from .conftest import SAMPLER_NAMES, step


def run(sampler, steps, first_epoch=0):
    """Codes of ``steps`` steps, one epoch each (exercises set_epoch)."""
    return [step(sampler, first_epoch + i) for i in range(steps)]


@pytest.mark.parametrize('name', SAMPLER_NAMES)
def test_same_seed_same_sequence(name, space, make_sampler):
    a = run(make_sampler(name, space, seed=7), 4)
    b = run(make_sampler(name, space, seed=7), 4)
    assert a == b
    assert run(make_sampler(name, space, seed=8), 4) != a


@pytest.mark.parametrize('name', SAMPLER_NAMES)
def test_every_code_valid(name, space, make_sampler):
    sampler = make_sampler(name, space, seed=1)
    for codes in run(sampler, 6):
        assert codes and all(isinstance(c, str) for c in codes)
        for code in codes:
            space.validate(code)


@pytest.mark.parametrize('name', SAMPLER_NAMES)
def test_state_dict_round_trip_through_torch_save(name, space, make_sampler):
    reference = make_sampler(name, space, seed=3)
    expected = run(reference, 10)

    first = make_sampler(name, space, seed=3)
    got = run(first, 5)
    buf = io.BytesIO()
    torch.save(first.state_dict(), buf)
    buf.seek(0)
    state = torch.load(buf, weights_only=True)

    resumed = make_sampler(name, space, seed=99)  # seed must not matter
    resumed.load_state_dict(state)
    # the epoch is restored from the state; continue from epoch 5
    got += run(resumed, 5, first_epoch=5)
    assert got == expected


@pytest.mark.parametrize('name', SAMPLER_NAMES)
def test_state_dict_is_plain(name, make_sampler, tiny_space):
    import json
    sampler = make_sampler(name, tiny_space)
    step(sampler)
    state = sampler.state_dict()
    assert json.loads(json.dumps(state)) == state
    assert state['type'] == type(sampler).__name__


def test_load_state_of_other_type_fails(make_sampler, tiny_space):
    state = make_sampler('uniform', tiny_space).state_dict()
    with pytest.raises(ValueError, match='UniformSampler'):
        make_sampler('strict_fair', tiny_space).load_state_dict(state)


def test_load_state_of_other_space_fails(make_sampler, tiny_space):
    from nasbench_cvpr.spaces import ResNet20Space
    sampler = make_sampler('strict_fair', ResNet20Space())
    step(sampler)
    with pytest.raises(ValueError, match='choice dims'):
        make_sampler('strict_fair', tiny_space).load_state_dict(
            sampler.state_dict())


def test_bad_rng_state_fails(make_sampler, tiny_space):
    sampler = make_sampler('uniform', tiny_space)
    with pytest.raises(ValueError, match='rng'):
        sampler.load_state_dict({'type': 'UniformSampler', 'rng': [1, 2]})


@pytest.mark.parametrize('name', ['uniform', 'strict_fair', 'weighted',
                                  'restricted', 'progressive', 'fixed_list',
                                  'staged', 'staged_fair'])
def test_count_driven_sample_needs_positive_num(name, make_sampler,
                                                tiny_space):
    sampler = make_sampler(name, tiny_space)
    assert sampler.num_per_step is None
    assert len(sampler.sample(5)) == 5
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match='num'):
            sampler.sample(bad)
    with pytest.raises(ValueError, match='num is required'):
        sampler.sample()


def test_space_must_be_built(make_sampler):
    from nasbench_cvpr.models.samplers import UniformSampler
    with pytest.raises(ValueError, match='space'):
        UniformSampler(dict(type='ResNet48Space'))
    with pytest.raises(ValueError, match='seed'):
        from nasbench_cvpr.spaces import ResNet20Space
        UniformSampler(ResNet20Space(), seed='0')


def test_chunking_does_not_change_uniform_or_fair_stream(space, make_sampler):
    for name in ('uniform', 'strict_fair'):
        whole = make_sampler(name, space).sample(12)
        sampler = make_sampler(name, space)
        parts = sampler.sample(5) + sampler.sample(4) + sampler.sample(3)
        assert parts == whole
