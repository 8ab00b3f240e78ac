import math

import pytest

from nasbench_cvpr.models.samplers import ProgressiveSampler


def test_widens_from_largest_end(space):
    sampler = ProgressiveSampler(space, start_fraction=0.5, epochs_to_full=10)
    dims = space.choice_dims()
    first = sampler.allowed_options()
    for d, opts in zip(dims, first):
        assert opts == d.options[-math.ceil(len(d.options) * 0.5):]
    sizes = [sum(map(len, first))]
    for epoch in (3, 7, 10, 15):
        sampler.set_epoch(epoch)
        sizes.append(sum(map(len, sampler.allowed_options())))
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]
    sampler.set_epoch(10)
    assert sampler.allowed_options() == [d.options for d in dims]


def test_samples_follow_the_epoch(space):
    sampler = ProgressiveSampler(space, start_fraction=0.3, epochs_to_full=2,
                                 seed=0)
    dims = space.choice_dims()
    seen0 = [set() for _ in dims]
    for code in sampler.sample(200):
        for s, v in zip(seen0, space.parse(code)):
            s.add(v)
    for s, opts in zip(seen0, sampler.allowed_options()):
        assert s - {None} <= set(opts)
    sampler.set_epoch(2)
    seen = [set() for _ in dims]
    for code in sampler.sample(400):
        for s, v in zip(seen, space.parse(code)):
            s.add(v)
    # every option possible at epochs_to_full, and more values than epoch 0
    assert sum(map(len, seen)) > sum(map(len, seen0))
    for s, d in zip(seen, dims):
        assert s - {None} == set(d.options)


def test_epoch_in_state(tiny_space):
    sampler = ProgressiveSampler(tiny_space, epochs_to_full=4)
    sampler.set_epoch(3)
    other = ProgressiveSampler(tiny_space, epochs_to_full=4)
    other.load_state_dict(sampler.state_dict())
    assert other.epoch == 3
    assert other.allowed_options() == sampler.allowed_options()


def test_zero_epochs_to_full_allows_all(tiny_space):
    sampler = ProgressiveSampler(tiny_space, start_fraction=0.1,
                                 epochs_to_full=0)
    assert sampler.allowed_options() == [d.options
                                         for d in tiny_space.choice_dims()]


@pytest.mark.parametrize('kwargs, name', [
    (dict(start_fraction=0), 'start_fraction'),
    (dict(start_fraction=1.5), 'start_fraction'),
    (dict(start_fraction='half'), 'start_fraction'),
    (dict(epochs_to_full=-1), 'epochs_to_full'),
])
def test_bad_args(tiny_space, kwargs, name):
    with pytest.raises(ValueError, match=name):
        ProgressiveSampler(tiny_space, **kwargs)


def test_bad_epoch(tiny_space):
    with pytest.raises(ValueError, match='epoch'):
        ProgressiveSampler(tiny_space).set_epoch(-1)
