"""Rank correlation between predicted scores and ground-truth accuracies.

Both inputs are "higher is better": a proxy such as params or FLOPs, or a
supernet accuracy, is compared with the stand-alone accuracy of each arch.
"""
import math
import numbers
from typing import Dict, List, Mapping, Sequence, Tuple

import numpy as np
from scipy import stats

from ..spaces.arch_file import INVALID_KEY


def _top_indices(values: np.ndarray, k: int) -> set:
    """Indices of the ``k`` largest values; ties keep input order."""
    return set(np.argsort(-values, kind='stable')[:k].tolist())


def ranking_metrics(pred: Sequence[float],
                    gt: Sequence[float],
                    topk: Sequence[int] = (5, 10)) -> Dict[str, float]:
    """Kendall tau, Pearson, Spearman and top-k overlap of two score lists.

    Args:
        pred: Predicted scores, one per arch (higher = predicted better).
        gt: Ground-truth scores of the same archs, in the same order.
        topk: Sizes ``k`` of the top-k overlaps; sizes larger than the number
            of archs are left out of the result.

    Returns:
        ``{"n", "kendall_tau", "pearson", "spearman", "top{k}_overlap"...}``.
        ``kendall_tau`` is scipy's default tau-b (ties counted in both
        variables). ``top{k}_overlap`` is the fraction of the true top-k
        (by ``gt``) that are also in the top-k by ``pred``; equal scores are
        ranked in input order. A correlation is ``nan`` when one side is
        constant.

    Raises:
        ValueError: on lists of different lengths, fewer than 2 archs,
            non-finite values or a non-positive ``k``.
    """
    p = np.asarray(pred, dtype=float)
    g = np.asarray(gt, dtype=float)
    if p.ndim != 1 or g.ndim != 1 or len(p) != len(g):
        raise ValueError(f'pred and gt must be 1-D lists of the same length, '
                         f'got shapes {p.shape} and {g.shape}')
    n = len(p)
    if n < 2:
        raise ValueError(f'need at least 2 archs to rank, got {n}')
    if not (np.isfinite(p).all() and np.isfinite(g).all()):
        raise ValueError('pred and gt must be finite numbers')
    for k in topk:
        if int(k) != k or k < 1:
            raise ValueError(f'top-k sizes must be positive integers, got {k}')
    result = dict(n=n)
    if p.min() == p.max() or g.min() == g.max():
        # scipy warns and returns nan on constant input; say so quietly.
        result.update(kendall_tau=math.nan, pearson=math.nan,
                      spearman=math.nan)
    else:
        result['kendall_tau'] = float(stats.kendalltau(p, g)[0])
        result['pearson'] = float(stats.pearsonr(p, g)[0])
        result['spearman'] = float(stats.spearmanr(p, g)[0])
    for k in topk:
        k = int(k)
        if k > n:
            continue
        common = _top_indices(p, k) & _top_indices(g, k)
        result[f'top{k}_overlap'] = len(common) / k
    return result


def _entries(file_dict: Mapping[str, dict]) -> Dict[str, dict]:
    """The arch entries of a loaded file, without a top-level "invalid"."""
    return {k: v for k, v in file_dict.items() if k != INVALID_KEY}


def _codes(entries: Mapping[str, dict]) -> Dict[str, str]:
    """code -> key of its first entry (entries without a code are skipped)."""
    first = {}
    for key, entry in entries.items():
        code = entry.get('arch') if isinstance(entry, dict) else None
        if isinstance(code, str):
            first.setdefault(code, key)
    return first


def match_mode(pred_file_dict: Mapping[str, dict],
               gt_file_dict: Mapping[str, dict]) -> str:
    """``'key'`` or ``'arch'``: how :func:`match_scores` pairs the entries.

    Entries are matched by key unless the two files share fewer keys than
    distinct ``"arch"`` codes; then they are matched by code.
    """
    pred, gt = _entries(pred_file_dict), _entries(gt_file_dict)
    by_key = len(pred.keys() & gt.keys())
    by_arch = len(_codes(pred).keys() & _codes(gt).keys())
    return 'key' if by_key >= by_arch else 'arch'


def _value(entries: Mapping[str, dict], key: str, field: str,
           side: str) -> float:
    entry = entries[key]
    if not isinstance(entry, dict) or field not in entry:
        raise ValueError(f'{side} entry {key!r} has no {field!r} field')
    value = entry[field]
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not math.isfinite(value):
        raise ValueError(f'{side} entry {key!r}: {field!r} must be a finite '
                         f'number, got {value!r}')
    return float(value)


def match_scores(pred_file_dict: Mapping[str, dict],
                 gt_file_dict: Mapping[str, dict],
                 pred_key: str = 'acc',
                 gt_key: str = 'acc'
                 ) -> Tuple[List[str], List[float], List[float]]:
    """Pair the scores of two arch files ``{key: {"arch", <score>...}}``.

    Matching rule: entries are paired by key, unless the files share fewer
    keys than distinct ``"arch"`` codes (e.g. the same archs numbered
    differently); then they are paired by code, the first entry of each code
    in either file being used (see :func:`match_mode`). A top-level
    ``"invalid"`` entry is ignored. Unmatched entries are ignored.

    Args:
        pred_file_dict: Loaded prediction file (e.g. ``arch_stats.py`` output
            or supernet accuracies).
        gt_file_dict: Loaded ground-truth file.
        pred_key: Score field of the prediction entries.
        gt_key: Score field of the ground-truth entries.

    Returns:
        ``(keys, pred_values, gt_values)`` in ground-truth file order; the
        keys are the ground-truth keys.

    Raises:
        ValueError: if fewer than 2 entries match (naming both file sizes),
            or a matched entry lacks the requested field or holds a value
            that is not a finite number (naming the field and the entry).
    """
    pred, gt = _entries(pred_file_dict), _entries(gt_file_dict)
    mode = match_mode(pred, gt)
    if mode == 'key':
        pairs = [(k, k) for k in gt if k in pred]
    else:
        pred_codes = _codes(pred)
        pairs = [(pred_codes[code], gt_key_)
                 for code, gt_key_ in _codes(gt).items()
                 if code in pred_codes]
    if len(pairs) < 2:
        raise ValueError(
            f'only {len(pairs)} entries match (by {mode}) between the '
            f'prediction file ({len(pred)} entries) and the ground-truth file '
            f'({len(gt)} entries); need at least 2')
    keys, pred_values, gt_values = [], [], []
    for pk, gk in pairs:
        pred_values.append(_value(pred, pk, pred_key, 'prediction'))
        gt_values.append(_value(gt, gk, gt_key, 'ground-truth'))
        keys.append(gk)
    return keys, pred_values, gt_values
