from collections import Counter

import pytest

from nasbench_cvpr.models.samplers import FairStream, StrictFairSampler
from nasbench_cvpr.spaces import ResNet20Space


def test_window_size_is_max_options(space):
    sampler = StrictFairSampler(space)
    assert sampler.window_size == max(len(d.options)
                                      for d in space.choice_dims())


@pytest.mark.parametrize('chunk', [1, 3, None])
def test_each_option_once_per_window(space, chunk):
    sampler = StrictFairSampler(space, seed=5)
    dims = space.choice_dims()
    L = sampler.window_size
    for _ in range(3):  # three consecutive windows
        codes = []
        while len(codes) < L:
            codes += sampler.sample(min(chunk or L, L - len(codes)))
        columns = list(zip(*(space.parse(c) for c in codes)))
        checked = 0
        for dim, column in zip(dims, columns):
            if None in column:  # inactive somewhere: value dropped by space
                continue
            counts = Counter(column)
            k = len(dim.options)
            assert set(counts) <= set(dim.options)
            if k == L:
                assert sorted(column) == sorted(dim.options)
                checked += 1
            else:
                assert set(counts.values()) <= {L // k, -(-L // k)}
                assert sum(counts.values()) == L
        assert checked > 0


def test_fair_stream_counts_for_fewer_options():
    stream = FairStream([(1, 2, 3, 4, 5), (7, 8)])
    import random
    rng = random.Random(0)
    for _ in range(4):
        window = [stream.draw(rng) for _ in range(5)]
        assert sorted(v[0] for v in window) == [1, 2, 3, 4, 5]
        counts = Counter(v[1] for v in window)
        assert sorted(counts.values()) == [2, 3]


def test_fair_stream_rejects_empty_dims():
    with pytest.raises(ValueError, match='option'):
        FairStream([(1, 2), ()])


def test_with_min_puts_the_min_code_first_then_a_window():
    space = ResNet20Space()
    sampler = StrictFairSampler(space, seed=2, with_min=True)
    for _ in range(3):
        codes = sampler.sample(17)
        assert len(codes) == 17 and codes[0] == space.min_code()
        columns = zip(*(space.parse(c) for c in codes[1:]))
        for dim, column in zip(space.choice_dims(), columns):
            assert sorted(Counter(column).values()) == \
                [16 // len(dim.options)] * len(dim.options), dim.name


def test_with_min_continues_the_same_stream(tiny_space):
    plain = StrictFairSampler(tiny_space, seed=5)
    with_min = StrictFairSampler(tiny_space, seed=5, with_min=True)
    stream = plain.sample(11)  # (5 - 1) + (2 - 1) + (7 - 1)
    got = []
    for num in (5, 2, 7):
        codes = with_min.sample(num)
        assert codes[0] == tiny_space.min_code()
        got += codes[1:]
    assert got == stream


def test_with_min_needs_two_codes(tiny_space):
    sampler = StrictFairSampler(tiny_space, with_min=True)
    with pytest.raises(ValueError, match='num >= 2'):
        sampler.sample(1)
    assert len(sampler.sample(2)) == 2


@pytest.mark.parametrize('value', [1, 'yes', None])
def test_with_min_must_be_bool(tiny_space, value):
    with pytest.raises(ValueError, match='with_min must be a bool'):
        StrictFairSampler(tiny_space, with_min=value)


def test_with_min_default_off(tiny_space):
    sampler = StrictFairSampler(tiny_space, seed=1)
    assert not sampler.with_min and 'with_min' not in repr(sampler)
    assert 'with_min=True' in repr(StrictFairSampler(tiny_space,
                                                     with_min=True))
    assert sampler.sample(1) == StrictFairSampler(tiny_space,
                                                  seed=1).sample(1)


def test_with_min_in_an_inplace_kd_step():
    # the CVPR 2021 3rd place's strict-fair variant: the algorithm puts the
    # inplace teacher (max) first, so a step is max + min + one window
    from nasbench_cvpr.registry import MODELS
    algo = MODELS.build(dict(
        type='SupernetAlgorithm',
        supernet=dict(type='ResNetSupernet', space=dict(type='ResNet20Space')),
        sampler=dict(type='StrictFairSampler', with_min=True, seed=0),
        num_subnets=17, distiller=dict(type='InplaceDistiller')))
    space = algo.space
    reference = StrictFairSampler(space, seed=0)
    for _ in range(2):
        codes = algo.step_codes()
        assert len(codes) == 18
        assert codes[:2] == [space.max_code(), space.min_code()]
        assert codes[2:] == reference.sample(16)
