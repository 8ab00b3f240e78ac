import math

import numpy as np
import pytest

from nasbench_cvpr.evaluation.comparison import (combined_with_size,
                                                 difference_to_baseline)


def test_combined_ranker_adds_ranks():
    # ranks [3, 1, 2] + 0.5 x ranks [1, 2, 3]
    assert combined_with_size([0.9, 0.1, 0.5], [10, 20, 30],
                              weight=0.5).tolist() == [3.5, 2.0, 3.5]
    # ties share their ranks
    assert combined_with_size([1, 1, 2], [1, 2, 3]).tolist() == [2.5, 3.5,
                                                                 6.0]
    with pytest.raises(ValueError, match='got 3 and 2'):
        combined_with_size([1, 2, 3], [1, 2])


def test_difference_to_baseline():
    rng = np.random.default_rng(0)
    gt = rng.normal(size=48)
    flops = gt + rng.normal(0, 1.0, size=48)
    close = [gt + rng.normal(0, 0.05, size=48) for _ in range(3)]
    d = difference_to_baseline(close, flops, gt, num_boot=200)
    assert d['n_seeds'] == 3 and d['mean_tau'] > 0.9
    assert d['mean_diff'] == pytest.approx(d['mean_tau'] - d['baseline_tau'])
    assert d['se_total'] == pytest.approx(math.hypot(d['se_seeds'],
                                                     d['se_codes']))
    assert d['beats'] and d['beats_on_codes']
    # the baseline itself: no difference, never "beats"
    same = difference_to_baseline([flops, flops, flops], flops, gt,
                                  num_boot=50)
    assert same['mean_diff'] == 0.0 and not same['beats']
    assert not same['beats_on_codes']
    # one seed: no seeds' error, so no verdict
    one = difference_to_baseline(close[:1], flops, gt, num_boot=50)
    assert math.isnan(one['se_seeds']) and not one['beats']
    # the bootstrap is seeded
    assert difference_to_baseline(close, flops, gt, num_boot=50) == \
        difference_to_baseline(close, flops, gt, num_boot=50)
    with pytest.raises(ValueError, match='one score per'):
        difference_to_baseline([gt[:10]], flops, gt)
