from collections import Counter

import pytest

from nasbench_cvpr.models.samplers import FairStream, StrictFairSampler


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
