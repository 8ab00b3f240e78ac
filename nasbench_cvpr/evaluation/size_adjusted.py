"""Rank agreement beyond size: what a ranking adds to a FLOPs count.

Within a channel/depth space, accuracy grows with size: on the Fashion-MNIST
benchmark log FLOPs explain about 80% of the variance of the standalone
-CE, and FLOPs alone reach a plain Kendall tau close to the ground truth's
own reliability. Plain tau then cannot tell a supernet that ranks by size
from one that knows more. Three measures take size out:

* **residual tau**: Kendall tau between the residuals of both sides after a
  least-squares fit on size;
* **partial tau**: Kendall's partial tau of prediction and truth given
  FLOPs;
* **stratified tau**: codes sorted by FLOPs into equal strata, Kendall tau
  within each stratum, averaged.

The residual fit (``fit``) is ``'rank'`` by default: each side's ranks are
fitted on the ranks of FLOPs, so the measure does not change under any
increasing transform of the scores, the truth or the FLOPs, and a
prediction that is a monotone function of FLOPs (FLOPs, log FLOPs) gets
exactly 0. ``'log'`` fits the values themselves on log FLOPs; on the
benchmark it gives nearly the same figures for accuracies, which are close
to linear in log FLOPs, but not for scores of another shape: raw FLOPs, a
convex function of log FLOPs, get residual tau -0.19 against the benchmark's
truth, so ``'log'`` is offered for comparison only.
"""
import math
from typing import Dict, List, Sequence

import numpy as np
from scipy import stats

#: residual fits of :func:`size_residual`
RESIDUAL_FITS = ('rank', 'log')
#: the names :func:`size_adjusted_metrics` returns
SIZE_ADJUSTED_NAMES = ('residual_tau', 'partial_tau', 'stratified_tau')


def _vector(values: Sequence[float], name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1 or not np.isfinite(array).all():
        raise ValueError(f'{name} must be a 1-D list of finite numbers')
    return array


def _check(pred: Sequence[float], gt: Sequence[float],
           flops: Sequence[float]) -> tuple:
    p, g, f = (_vector(pred, 'pred'), _vector(gt, 'gt'),
               _vector(flops, 'flops'))
    if not len(p) == len(g) == len(f):
        raise ValueError(f'pred, gt and flops must have one value per arch, '
                         f'got {len(p)}, {len(g)} and {len(f)}')
    if len(p) < 3:
        raise ValueError(f'need at least 3 archs to take size out, got '
                         f'{len(p)}')
    if (f <= 0).any():
        raise ValueError('flops must be positive')
    return p, g, f


def _tau(x: np.ndarray, y: np.ndarray) -> float:
    """Kendall tau-b, nan when a side is constant (scipy would warn)."""
    if x.min() == x.max() or y.min() == y.max():
        return math.nan
    return float(stats.kendalltau(x, y)[0])


def size_residual(values: Sequence[float], flops: Sequence[float],
                  fit: str = 'rank') -> np.ndarray:
    """What is left of ``values`` after a least-squares line on size.

    Args:
        values: One score per arch.
        flops: The archs' multiply-accumulates (positive).
        fit: ``'rank'``: ranks of ``values`` (ties averaged) on ranks of
            ``flops``; ``'log'``: ``values`` on ``log(flops)``.

    Returns:
        The residuals; exact zeros (not rounding noise) where the fit is
        exact, e.g. values that are a monotone function of FLOPs under
        ``'rank'``.

    Raises:
        ValueError: On an unknown ``fit``.
    """
    if fit == 'rank':
        y = stats.rankdata(values)
        x = stats.rankdata(flops)
    elif fit == 'log':
        y = np.asarray(values, dtype=float)
        x = np.log(np.asarray(flops, dtype=float))
    else:
        raise ValueError(f'fit must be one of {RESIDUAL_FITS}, got {fit!r}')
    design = np.stack([np.ones_like(x), x], axis=1)
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coef
    scale = max(1.0, float(np.abs(y).max()))
    residual[np.abs(residual) <= 1e-9 * scale] = 0.0
    return residual


def residual_tau(pred: Sequence[float], gt: Sequence[float],
                 flops: Sequence[float], fit: str = 'rank') -> float:
    """Kendall tau of the two sides' :func:`size_residual`.

    Args:
        pred: Predicted scores (higher = better).
        gt: Ground truth of the same archs.
        flops: Their FLOPs.
        fit: See :func:`size_residual`.

    Returns:
        The tau; 0.0 when the prediction has no residual (it ranks by size
        alone, so it adds nothing to size), nan when the truth has none.
    """
    p, g, f = _check(pred, gt, flops)
    rp, rg = size_residual(p, f, fit), size_residual(g, f, fit)
    if not rg.any():
        return math.nan
    if not rp.any():
        return 0.0
    return _tau(rp, rg)


def partial_tau(pred: Sequence[float], gt: Sequence[float],
                flops: Sequence[float]) -> float:
    """Kendall's partial tau of ``pred`` and ``gt`` given ``flops``.

    ``(t_pg - t_pf t_gf) / sqrt((1 - t_pf^2) (1 - t_gf^2))`` with Kendall
    tau-b for each pair.

    Returns:
        The partial tau; 0.0 when the prediction orders every pair as FLOPs
        do (or exactly against them), nan when the truth does.
    """
    p, g, f = _check(pred, gt, flops)
    t_pg, t_pf, t_gf = _tau(p, g), _tau(p, f), _tau(g, f)
    if any(math.isnan(t) for t in (t_pg, t_pf, t_gf)):
        return math.nan
    if abs(t_gf) >= 1.0 - 1e-12:
        return math.nan
    if abs(t_pf) >= 1.0 - 1e-12:
        return 0.0
    return (t_pg - t_pf * t_gf) / math.sqrt((1 - t_pf ** 2) *
                                            (1 - t_gf ** 2))


def flops_strata(flops: Sequence[float], num_strata: int) -> List[np.ndarray]:
    """Indices of the archs in ``num_strata`` strata of near-equal size, by
    increasing FLOPs (ties in input order; the first strata take one more
    arch when the count does not divide).

    Raises:
        ValueError: If a stratum would hold fewer than 2 archs.
    """
    f = _vector(flops, 'flops')
    if num_strata < 1 or len(f) < 2 * num_strata:
        raise ValueError(f'{num_strata} strata of {len(f)} archs: need at '
                         'least 1 stratum and 2 archs per stratum')
    order = np.argsort(f, kind='stable')
    return list(np.array_split(order, num_strata))


def stratified_tau(pred: Sequence[float], gt: Sequence[float],
                   flops: Sequence[float], num_strata: int = 4) -> float:
    """Mean Kendall tau within FLOPs strata (:func:`flops_strata`).

    Returns:
        The mean over the strata whose tau is defined (neither side
        constant within it); nan if none is.
    """
    p, g, f = _check(pred, gt, flops)
    taus = [_tau(p[s], g[s]) for s in flops_strata(f, num_strata)]
    taus = [t for t in taus if not math.isnan(t)]
    return float(np.mean(taus)) if taus else math.nan


def size_adjusted_metrics(pred: Sequence[float], gt: Sequence[float],
                          flops: Sequence[float], num_strata: int = 4,
                          fit: str = 'rank') -> Dict[str, float]:
    """Residual, partial and stratified tau of one prediction.

    Args:
        pred: Predicted scores (higher = better).
        gt: Ground truth of the same archs.
        flops: Their FLOPs.
        num_strata: Strata of :func:`stratified_tau`.
        fit: Residual fit of :func:`residual_tau`.

    Returns:
        ``{"residual_tau", "partial_tau", "stratified_tau"}``; the
        stratified tau is nan when there are fewer than 2 archs per
        stratum.
    """
    enough = len(gt) >= 2 * num_strata
    return dict(residual_tau=residual_tau(pred, gt, flops, fit),
                partial_tau=partial_tau(pred, gt, flops),
                stratified_tau=stratified_tau(pred, gt, flops, num_strata)
                if enough else math.nan)
