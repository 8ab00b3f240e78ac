import math

import numpy as np
import pytest

from nasbench_cvpr.evaluation import (flops_strata, partial_tau,
                                      residual_tau, size_adjusted_metrics,
                                      size_residual, stratified_tau)

FLOPS5 = [10.0, 20.0, 30.0, 40.0, 50.0]


def test_rank_residual_by_hand():
    # ranks 1..5 on 1..5: truth ranks [1, 3, 2, 5, 4] have mean 3 and
    # covariance 8 / 10 with FLOPs ranks: line 0.6 + 0.8 x = [1.4, 2.2, 3.0,
    # 3.8, 4.6], residual [-0.4, 0.8, -1.0, 1.2, -0.6].
    residual = size_residual([0.1, 0.3, 0.2, 0.5, 0.4], FLOPS5)
    assert residual == pytest.approx([-0.4, 0.8, -1.0, 1.2, -0.6])
    # [2, 1, 4, 3, 5] has the same line, residual [0.6, -1.2, 1.0, -0.8,
    # 0.4]: only pairs (0, 4) and (1, 3) of 10 agree, tau (2 - 8) / 10
    assert size_residual([2, 1, 4, 3, 5], FLOPS5) == pytest.approx(
        [0.6, -1.2, 1.0, -0.8, 0.4])
    assert residual_tau([2, 1, 4, 3, 5], [0.1, 0.3, 0.2, 0.5, 0.4],
                        FLOPS5) == pytest.approx(-0.6)


def test_log_residual_by_hand():
    # values [0, 2, 1, 3] on log FLOPs [0, 1, 2, 3]: line 0.3 + 0.8 x
    flops = np.exp([0.0, 1.0, 2.0, 3.0])
    assert size_residual([0, 2, 1, 3], flops, fit='log') == pytest.approx(
        [-0.3, 0.9, -0.9, 0.3])
    with pytest.raises(ValueError, match='fit must be one of'):
        size_residual([0, 2, 1, 3], flops, fit='cubic')


def test_residual_tau_counts_pairs():
    # truth residual [-0.4, 0.8, -1.0, 1.2, -0.6] (above); prediction ranks
    # [1, 3, 2, 4, 5] have covariance 9 / 10: line 0.3 + 0.9 x, residual
    # [-0.2, 0.9, -1.0, 0.1, 0.2]. Of the 10 pairs, (0, 4), (1, 3) and
    # (3, 4) are ordered differently: tau (7 - 3) / 10.
    gt = [0.1, 0.3, 0.2, 0.5, 0.4]
    assert residual_tau(gt, gt, FLOPS5) == pytest.approx(1.0)
    pred = [1, 3, 2, 4, 5]
    rp = size_residual(pred, FLOPS5)
    rg = size_residual(gt, FLOPS5)
    assert rp == pytest.approx([-0.2, 0.9, -1.0, 0.1, 0.2])
    pairs = [(i, j) for i in range(5) for j in range(i + 1, 5)]
    assert [p for p in pairs if (rp[p[0]] - rp[p[1]]) *
            (rg[p[0]] - rg[p[1]]) < 0] == [(0, 4), (1, 3), (3, 4)]
    assert residual_tau(pred, gt, FLOPS5) == pytest.approx(0.4)


@pytest.mark.parametrize('transform', [
    lambda f: f, np.log, lambda f: f ** 2 + 7, lambda f: -np.sqrt(f)])
def test_scores_that_are_flops_add_nothing(transform):
    rng = np.random.default_rng(0)
    flops = rng.uniform(1e6, 5e7, size=48)
    gt = np.log(flops) + rng.normal(0, 0.3, size=48)
    pred = transform(flops)
    assert residual_tau(pred, gt, flops) == 0.0
    assert partial_tau(pred, gt, flops) == 0.0
    # only log FLOPs themselves are a line in log FLOPs
    if transform is np.log:
        assert residual_tau(pred, gt, flops, fit='log') == 0.0


def test_truth_that_is_flops_leaves_nothing_to_rank():
    flops = [1.0, 2.0, 3.0, 4.0, 5.0]
    assert math.isnan(residual_tau([3, 1, 2, 5, 4], flops, flops))
    assert math.isnan(partial_tau([3, 1, 2, 5, 4], flops, flops))


def test_partial_tau_by_hand():
    # tau(x, z) = tau(y, z) = 2/3 (one swap each), tau(x, y) = 1/3:
    # (1/3 - 4/9) / sqrt((5/9)(5/9)) = -1/5
    z = [1, 2, 3, 4]
    x = [1, 2, 4, 3]
    y = [2, 1, 3, 4]
    assert partial_tau(x, y, z) == pytest.approx(-0.2)


def test_strata_and_stratified_tau_by_hand():
    flops = [8, 7, 6, 5, 4, 3, 2, 1]  # strata: codes 7 6 5 4 | 3 2 1 0
    assert [s.tolist() for s in flops_strata(flops, 2)] == [[7, 6, 5, 4],
                                                           [3, 2, 1, 0]]
    # 10 codes in 4 strata: 3 3 2 2, ties kept in input order
    sizes = [len(s) for s in flops_strata([1] * 10, 4)]
    assert sizes == [3, 3, 2, 2]
    assert flops_strata([1] * 10, 4)[0].tolist() == [0, 1, 2]
    # low stratum: one swap of 4 (tau 2/3); high stratum: reversed (-1)
    ascending = [1, 2, 3, 4, 5, 6, 7, 8]
    pred = [1, 2, 3, 4, 1, 2, 3, 4]
    gt = [1, 2, 4, 3, 4, 3, 2, 1]
    value = stratified_tau(pred, gt, ascending, num_strata=2)
    assert value == pytest.approx((2 / 3 - 1) / 2)
    # the same codes listed in another order
    order = [5, 0, 7, 2, 6, 1, 4, 3]
    assert stratified_tau([pred[i] for i in order], [gt[i] for i in order],
                          [ascending[i] for i in order],
                          num_strata=2) == pytest.approx(value)
    with pytest.raises(ValueError, match='2 archs per stratum'):
        flops_strata(flops, 5)


def test_stratum_with_constant_truth_is_left_out():
    flops = [1, 2, 3, 4, 5, 6]
    pred = [1, 2, 3, 1, 2, 3]
    gt = [5, 5, 5, 1, 2, 3]  # first stratum: constant truth
    assert stratified_tau(pred, gt, flops, num_strata=2) == pytest.approx(1)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match='one value per arch, got 3, 3 and 2'):
        residual_tau([1, 2, 3], [1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match='flops must be positive'):
        partial_tau([1, 2, 3], [1, 2, 3], [0, 1, 2])
    with pytest.raises(ValueError, match='finite'):
        stratified_tau([1, math.nan, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4], 2)
    with pytest.raises(ValueError, match='at least 3 archs'):
        residual_tau([1, 2], [1, 2], [1, 2])


def test_all_three_together():
    rng = np.random.default_rng(1)
    flops = rng.uniform(1, 10, size=24)
    gt = np.log(flops) + rng.normal(0, 0.2, size=24)
    pred = gt + rng.normal(0, 0.05, size=24)
    m = size_adjusted_metrics(pred, gt, flops, num_strata=3)
    assert m == dict(residual_tau=residual_tau(pred, gt, flops),
                     partial_tau=partial_tau(pred, gt, flops),
                     stratified_tau=stratified_tau(pred, gt, flops, 3))
    assert all(0.5 < v <= 1 for v in m.values())


def test_too_few_archs_for_the_strata():
    m = size_adjusted_metrics([1, 3, 2, 4, 6], [1, 3, 2, 5, 4],
                              [1, 2, 3, 4, 5], num_strata=4)
    assert math.isnan(m['stratified_tau'])
    assert not math.isnan(m['residual_tau'])
