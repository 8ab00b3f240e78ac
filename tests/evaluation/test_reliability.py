import numpy as np
import pytest

from nasbench_cvpr.evaluation import (balanced_splits, residual_tau,
                                      size_adjusted_ceilings, split_half)
from nasbench_cvpr.evaluation.reliability import plain_tau, split_name


def test_balanced_splits():
    assert [split_name(s) for s in balanced_splits(4)] == [
        '01|23', '02|13', '03|12']
    assert len(balanced_splits(6)) == 10
    # odd counts leave one seed out in turn: 3 seeds -> 0|1, 0|2, 1|2
    assert [split_name(s) for s in balanced_splits(3)] == ['0|1', '0|2',
                                                          '1|2']
    assert balanced_splits(1) == []


def test_split_half_means_each_half():
    per_seed = [[1, 3, 10, 0], [2, 2, 0, 0], [3, 1, 5, 5]]
    seen = {}

    def measure(a, b):
        seen[len(seen)] = (a.tolist(), b.tolist())
        return float(len(seen))

    out = split_half(per_seed, measure)
    assert out == {'01|23': 1.0, '02|13': 2.0, '03|12': 3.0}
    assert seen[0] == ([2, 2, 2], [5, 0, 5])
    with pytest.raises(ValueError, match='same seed count'):
        split_half([[1, 2], [3]], measure)


def test_ceilings_are_the_measures_between_halves():
    rng = np.random.default_rng(0)
    flops = rng.uniform(1, 10, size=16)
    truth = np.log(flops) + rng.normal(0, 0.2, size=16)
    per_seed = truth[:, None] + rng.normal(0, 0.1, size=(16, 4))
    ceilings = size_adjusted_ceilings(per_seed, flops, num_strata=2)
    a, b = per_seed[:, [0, 1]].mean(1), per_seed[:, [2, 3]].mean(1)
    assert ceilings['residual_tau']['splits']['01|23'] == pytest.approx(
        residual_tau(a, b, flops))
    for name, entry in ceilings.items():
        assert entry['mean_tau'] == pytest.approx(
            np.mean(list(entry['splits'].values())))
        assert 0 < entry['mean_tau'] <= 1, name
    # seeds that agree exactly: every ceiling is 1
    same = np.repeat(truth[:, None], 4, axis=1)
    assert all(e['mean_tau'] == pytest.approx(1.0) for e in
               size_adjusted_ceilings(same, flops, 2).values())
    assert size_adjusted_ceilings(same[:, :1], flops, 2)['partial_tau'] \
        is None


def test_plain_tau_is_kendall():
    assert plain_tau(np.array([1, 2, 3, 4]),
                     np.array([1, 3, 2, 4])) == pytest.approx(2 / 3)
