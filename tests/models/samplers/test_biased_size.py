import random
import statistics

import pytest

from nasbench_cvpr.models.proxies import count_flops, count_params
from nasbench_cvpr.models.samplers import BiasedSizeSampler


def params(space, code):
    return count_params(space.decode(code))


def test_keeps_the_largest_candidates(space):
    sampler = BiasedSizeSampler(space, num_candidates=50, keep=4,
                                uniform_every=0, seed=11)
    codes = sampler.sample()
    # recompute the candidates: the sampler draws them first with its rng
    rng = random.Random(11)
    candidates = [space.sample(rng) for _ in range(50)]
    sizes = sorted((params(space, c) for c in candidates), reverse=True)
    assert [params(space, c) for c in codes] == sizes[:4]
    assert set(codes) <= set(candidates)


def test_returned_codes_above_uniform_median(space):
    sampler = BiasedSizeSampler(space, num_candidates=60, keep=4,
                                uniform_every=0, seed=4)
    rng = random.Random(1000)
    median = statistics.median(params(space, space.sample(rng))
                               for _ in range(60))
    for _ in range(3):
        assert all(params(space, c) >= median for c in sampler.sample())


def test_uniform_code_every_nth_call(tiny_space):
    sampler = BiasedSizeSampler(tiny_space, num_candidates=10, keep=2,
                                uniform_every=3)
    lengths = [len(sampler.sample()) for _ in range(7)]
    assert lengths == [2, 2, 3, 2, 2, 3, 2]
    assert sampler.state_dict()['calls'] == 7


def test_flops_proxy(tiny_space):
    sampler = BiasedSizeSampler(tiny_space, num_candidates=30, keep=3,
                                uniform_every=0, proxy='flops', seed=3)
    codes = sampler.sample()
    rng = random.Random(3)
    candidates = [tiny_space.sample(rng) for _ in range(30)]
    sizes = sorted((count_flops(tiny_space.decode(c)) for c in candidates),
                   reverse=True)
    assert [count_flops(tiny_space.decode(c)) for c in codes] == sizes[:3]


@pytest.mark.parametrize('kwargs, name', [
    (dict(keep=0), 'keep'),
    (dict(num_candidates=0), 'num_candidates'),
    (dict(num_candidates=3, keep=4), 'num_candidates'),
    (dict(uniform_every=-1), 'uniform_every'),
    (dict(proxy='latency'), 'proxy'),
])
def test_bad_args(tiny_space, kwargs, name):
    with pytest.raises(ValueError, match=name):
        BiasedSizeSampler(tiny_space, **kwargs)


def test_num_must_match_keep(tiny_space):
    sampler = BiasedSizeSampler(tiny_space, num_candidates=10, keep=2)
    assert len(sampler.sample(2)) == 2
    with pytest.raises(ValueError, match='num'):
        sampler.sample(3)


def test_distinct_sizes_keeps_one_code_per_size():
    from nasbench_cvpr.spaces import build_space
    space = build_space('resnet48')  # channel_sum needs width ratios
    sampler = BiasedSizeSampler(space, num_candidates=200, keep=4,
                                uniform_every=0, proxy='channel_sum',
                                distinct_sizes=True, seed=3)
    from nasbench_cvpr.models.proxies import build_proxy
    size = build_proxy('channel_sum')
    rng = random.Random(3)
    candidates = [space.sample(rng) for _ in range(200)]
    distinct = sorted({size(space, c) for c in candidates}, reverse=True)
    codes = sampler.sample()
    assert [size(space, c) for c in codes] == distinct[:4]
    # the first drawn code of each size
    for code in codes:
        same = [c for c in candidates if size(space, c) == size(space, code)]
        assert code == same[0]
