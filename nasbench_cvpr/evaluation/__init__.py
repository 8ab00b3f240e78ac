"""Ranking metrics and plots for predicted vs. ground-truth arch scores."""
from .plots import plot_ranking
from .rank_metrics import match_mode, match_scores, ranking_metrics

__all__ = ['match_mode', 'match_scores', 'plot_ranking', 'ranking_metrics']
