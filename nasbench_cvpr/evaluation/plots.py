"""Scatter plots of predicted vs. ground-truth scores."""
from typing import Optional, Sequence

from ..utils import atomic_open
from .rank_metrics import ranking_metrics


def plot_ranking(pred: Sequence[float],
                 gt: Sequence[float],
                 out_path: str,
                 title: str = 'Ranking',
                 xlabel: str = 'predicted',
                 ylabel: str = 'ground truth',
                 metrics: Optional[dict] = None) -> str:
    """Save a labelled scatter plot of ``gt`` against ``pred`` as PNG.

    Kendall tau and Pearson (from ``metrics`` or computed here) are shown in
    the title. The file is written atomically: a temporary file in the same
    directory, then ``os.replace``. matplotlib is imported here, and the
    figure is drawn with the Agg canvas without touching pyplot's global
    backend.

    Returns:
        ``out_path``.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if metrics is None:
        metrics = ranking_metrics(pred, gt, topk=())
    fig = Figure(figsize=(5, 4.5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    ax.scatter(pred, gt, s=14, alpha=0.7, edgecolors='none')
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(f'{title}\nKendall tau = {metrics["kendall_tau"]:.4f}, '
                 f'Pearson = {metrics["pearson"]:.4f} '
                 f'(n = {metrics["n"]})', fontsize=10)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()

    with atomic_open(out_path, 'wb') as f:
        fig.savefig(f, format='png')
    return out_path
