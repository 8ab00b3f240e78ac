"""Does a ranker beat a size proxy? Differences of tau over training seeds.

One supernet run scatters by about 0.1 in Kendall tau, more than most
recipes differ, so a recipe is judged by the mean over several training
seeds, and the difference to a baseline ranker (FLOPs) by its standard
error. Two sources of error are counted:

* **seeds**: the spread of the difference over the training seeds,
  ``sd / sqrt(n)``;
* **codes**: the benchmark's codes are a sample of the space; a paired
  bootstrap over codes (the same resampled codes for every seed and for the
  baseline) gives the error of the seed-mean difference.

Their root sum of squares is the total. A ranker beats the baseline on
the benchmark's codes when its mean difference exceeds twice the seeds'
error, and beats it on the space when it exceeds twice the total.
"""
import math
from typing import Dict, Sequence

import numpy as np
from scipy import stats


def combined_with_size(pred: Sequence[float], flops: Sequence[float],
                       weight: float = 1.0) -> np.ndarray:
    """A ranker that adds the size proxy to a supernet's score at scoring
    time: ``rank(pred) + weight * rank(flops)`` (ties averaged).

    Ranks make the two scales comparable without fitting anything to the
    ground truth; ``weight`` 1 gives both the same say.

    Args:
        pred: The supernet's scores (higher = better).
        flops: The codes' FLOPs.
        weight: Weight of the FLOPs ranks.
    """
    if len(pred) != len(flops):
        raise ValueError(f'pred and flops must have one value per arch, got '
                         f'{len(pred)} and {len(flops)}')
    return stats.rankdata(pred) + weight * stats.rankdata(flops)


def _tau(x: np.ndarray, y: np.ndarray) -> float:
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return math.nan
    return float(stats.kendalltau(x, y)[0])


def difference_to_baseline(runs: Sequence[Sequence[float]],
                           baseline: Sequence[float], gt: Sequence[float],
                           num_boot: int = 1000, seed: int = 0
                           ) -> Dict[str, float]:
    """Kendall tau of each run minus the baseline's, with standard errors.

    Args:
        runs: One score list per training seed, the codes in ``gt`` order.
        baseline: The baseline ranker's scores (e.g. FLOPs).
        gt: Ground truth.
        num_boot: Bootstrap resamples of the codes.
        seed: Seed of the bootstrap.

    Returns:
        ``n_seeds``, ``mean_tau``, ``baseline_tau``, ``mean_diff``,
        ``se_seeds`` (nan with one seed), ``se_codes``, ``se_total``,
        ``beats_on_codes`` (``mean_diff > 2 * se_seeds``) and ``beats``
        (``mean_diff > 2 * se_total``); False when the error is unknown.

    Raises:
        ValueError: With no runs or lists of different lengths.
    """
    runs = [np.asarray(r, dtype=float) for r in runs]
    g = np.asarray(gt, dtype=float)
    b = np.asarray(baseline, dtype=float)
    if not runs or any(len(r) != len(g) for r in runs) or len(b) != len(g):
        raise ValueError('need at least one run, each with one score per '
                         'ground-truth code, and a baseline of the same '
                         'length')
    base_tau = _tau(b, g)
    diffs = np.array([_tau(r, g) - base_tau for r in runs])
    rng = np.random.default_rng(seed)
    boot = []
    for _ in range(num_boot):
        idx = rng.integers(0, len(g), size=len(g))
        base = _tau(b[idx], g[idx])
        boot.append(np.mean([_tau(r[idx], g[idx]) - base for r in runs]))
    boot = np.array([d for d in boot if not math.isnan(d)])
    se_seeds = float(np.std(diffs, ddof=1) / math.sqrt(len(diffs))) \
        if len(diffs) > 1 else math.nan
    se_codes = float(np.std(boot, ddof=1)) if len(boot) > 1 else math.nan
    se_total = math.sqrt(se_seeds ** 2 + se_codes ** 2)
    mean_diff = float(np.mean(diffs))
    return dict(n_seeds=len(runs), mean_tau=base_tau + mean_diff,
                baseline_tau=base_tau, mean_diff=mean_diff,
                se_seeds=se_seeds, se_codes=se_codes, se_total=se_total,
                beats_on_codes=bool(not math.isnan(se_seeds)
                                    and mean_diff > 2 * se_seeds),
                beats=bool(not math.isnan(se_total)
                           and mean_diff > 2 * se_total))
