import pytest

from nasbench_cvpr.models.samplers import SandwichSampler


@pytest.mark.parametrize('n', [2, 4, 18, 30])
def test_max_min_then_random(space, n):
    sampler = SandwichSampler(space, n=n, seed=2)
    assert sampler.num_per_step == n
    for _ in range(2):
        codes = sampler.sample()
        assert len(codes) == n
        assert codes[0] == space.max_code()
        assert codes[1] == space.min_code()
        for code in codes:
            space.validate(code)
    if n == 18:
        assert len(set(codes[2:])) > 1


@pytest.mark.parametrize('n', [1, 0, -3, 2.0, None])
def test_n_below_two_rejected(tiny_space, n):
    with pytest.raises(ValueError, match='n must be'):
        SandwichSampler(tiny_space, n=n)


def test_num_must_match_n(tiny_space):
    sampler = SandwichSampler(tiny_space, n=5)
    assert len(sampler.sample(5)) == 5
    with pytest.raises(ValueError, match='num_per_step=5'):
        sampler.sample(4)
