"""Ranking metrics and plots for predicted vs. ground-truth arch scores."""
from .plots import plot_ranking
from .rank_metrics import match_mode, match_scores, ranking_metrics
from .reliability import (balanced_splits, size_adjusted_ceilings,
                          split_half)
from .size_adjusted import (RESIDUAL_FITS, SIZE_ADJUSTED_NAMES, flops_strata,
                            partial_tau, residual_tau, size_adjusted_metrics,
                            size_residual, stratified_tau)

__all__ = [
    'RESIDUAL_FITS', 'SIZE_ADJUSTED_NAMES', 'balanced_splits',
    'flops_strata', 'match_mode', 'match_scores', 'partial_tau',
    'plot_ranking', 'ranking_metrics', 'residual_tau',
    'size_adjusted_ceilings', 'size_adjusted_metrics', 'size_residual',
    'split_half', 'stratified_tau'
]
