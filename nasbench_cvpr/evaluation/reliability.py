"""How reproducible a ground truth of several seeds is: split halves.

A ground truth is the mean over k standalone runs (seeds) per code. Its
split-half reliability is a measure (Kendall tau, or a size-adjusted one)
between the means of two disjoint halves of the seeds, averaged over every
balanced split: how well a k/2-seed ground truth agrees with another one,
a lower bound for the k-seed mean. No supernet ranking can be expected to
agree with the truth much better than the truth agrees with itself, so
these are the ceilings of the ranking measures.
"""
import itertools
from typing import Callable, Dict, List, Sequence, Tuple

import numpy as np

from .rank_metrics import ranking_metrics
from .size_adjusted import SIZE_ADJUSTED_NAMES, size_adjusted_metrics

Split = Tuple[Tuple[int, ...], Tuple[int, ...]]


def balanced_splits(num_seeds: int) -> List[Split]:
    """Every split of the seeds into two halves of ``num_seeds // 2``.

    Each split comes once: with an even count, the half holding seed 0
    first; an odd count leaves one seed out of each split in turn.
    """
    half = num_seeds // 2
    if half < 1:
        return []
    out = []
    for first in itertools.combinations(range(num_seeds), half):
        if 0 not in first and num_seeds % 2 == 0:
            continue  # the same split as its complement
        rest = [i for i in range(num_seeds) if i not in first]
        for second in itertools.combinations(rest, half):
            if num_seeds % 2 == 0 or first < second:
                out.append((first, second))
    return out


def split_name(split: Split) -> str:
    """``"01|23"``: the seed indices of each half."""
    return '|'.join(''.join(map(str, half)) for half in split)


def split_half(per_seed: Sequence[Sequence[float]],
               measure: Callable[[np.ndarray, np.ndarray], float]
               ) -> Dict[str, float]:
    """``measure(mean of one half, mean of the other)`` for every balanced
    split (:func:`balanced_splits`).

    Args:
        per_seed: ``[code][seed]`` values, the same seed count per code.
        measure: Agreement of two per-code score lists.

    Returns:
        ``{split name: value}``; empty with fewer than 2 seeds.
    """
    counts = {len(row) for row in per_seed}
    if len(counts) != 1:
        raise ValueError(f'per_seed must be a [code][seed] table with the '
                         f'same seed count per code, got counts '
                         f'{sorted(counts)}')
    values = np.asarray(per_seed, dtype=float)
    return {split_name(s): measure(values[:, list(s[0])].mean(axis=1),
                                   values[:, list(s[1])].mean(axis=1))
            for s in balanced_splits(values.shape[1])}


def plain_tau(a: np.ndarray, b: np.ndarray) -> float:
    """Kendall tau-b of two score lists (the plain reliability)."""
    return ranking_metrics(a, b, topk=())['kendall_tau']


def size_adjusted_ceilings(per_seed: Sequence[Sequence[float]],
                           flops: Sequence[float], num_strata: int = 4,
                           fit: str = 'rank') -> Dict[str, dict]:
    """Split-half reliability of each size-adjusted measure: the ceiling
    of a ranking's residual, partial and stratified tau.

    Args:
        per_seed: ``[code][seed]`` values.
        flops: The codes' FLOPs.
        num_strata: Strata of the stratified tau.
        fit: Residual fit (see :mod:`.size_adjusted`).

    Returns:
        ``{measure: {"mean_tau", "splits": {name: value}}}`` for each of
        :data:`SIZE_ADJUSTED_NAMES`; None per measure with fewer than 2
        seeds.
    """
    values = np.asarray(per_seed, dtype=float)
    per_split = split_half(values, lambda a, b: size_adjusted_metrics(
        a, b, flops, num_strata, fit))
    out = {}
    for name in SIZE_ADJUSTED_NAMES:
        splits = {s: m[name] for s, m in per_split.items()}
        out[name] = dict(mean_tau=float(np.mean(list(splits.values()))),
                         splits=splits) if splits else None
    return out
