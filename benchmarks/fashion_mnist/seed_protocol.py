"""Which standalone runs of a code make its ground truth: k seeds, failed
runs replaced by spare seeds.

Training fails now and then: among the 288 runs of the 6-seed generation
one run (arch45, seed 3) ended 2.3 points of EMA top-1 below its code's
median, where the seeds of a code usually differ by about 0.3 points, and
re-trained with the same seed it landed at the median. One such run moves
a 48-code Kendall tau by about 0.04. So a code keeps its ``main`` seeds,
except that a run whose judged value lies more than ``drop`` below the
median of the main seeds' values is *failed* and replaced by the first
spare seed (in order) that is not failed itself. The judged value is a
higher-is-better score of the run (by default EMA top-1 on the test set,
which the ground truth measures anyway; no training loss ever sees it).

The same rule serves the generation (which trains spare seeds only when a
run failed) and the analysis of stored runs (which has values for every
seed).
"""
import statistics
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Sequence

#: Score that judges a run, and the shortfall from the median that fails it.
DEFAULT_JUDGE = 'ema_acc'
DEFAULT_DROP = 0.01


@dataclass
class RunSelection:
    """The runs a code keeps, once its main seeds are judged.

    Attributes:
        kept: One seed per main seed, in main-seed order: the main seed, or
            the spare that replaced it. Empty while main seeds are missing.
        failed: Seeds judged failed (main or spare), in judging order.
        floor: Lowest judged value that passes (median of the main seeds
            minus ``drop``); None while main seeds are missing.
        pending: Seeds to train before the selection is final: missing main
            seeds, or the spares next in line for failed runs.
        unreplaced: Failed main seeds kept for want of spare seeds.
        replaced: ``{failed main seed: the spare seed kept instead}``.
    """
    kept: List[int] = field(default_factory=list)
    failed: List[int] = field(default_factory=list)
    floor: Optional[float] = None
    pending: List[int] = field(default_factory=list)
    unreplaced: List[int] = field(default_factory=list)
    replaced: Dict[int, int] = field(default_factory=dict)


def select_runs(judged: Mapping[int, float], main: Sequence[int],
                spares: Sequence[int] = (),
                drop: float = DEFAULT_DROP) -> RunSelection:
    """Apply the replacement rule to one code's finished runs.

    Args:
        judged: ``{seed: judged value}`` of the code's finished runs.
        main: The seeds every code trains.
        spares: Seeds that replace failed runs, tried in this order.
        drop: Largest tolerated shortfall from the median of the main
            seeds' values (0.01: one point of top-1).

    Returns:
        The selection; final when ``pending`` is empty.
    """
    missing = [s for s in main if s not in judged]
    if missing:
        return RunSelection(pending=missing)
    floor = statistics.median(judged[s] for s in main) - drop
    selection = RunSelection(kept=list(main), floor=floor)
    queue = iter(spares)
    for slot, seed in enumerate(main):
        if judged[seed] >= floor:
            continue
        selection.failed.append(seed)
        for spare in queue:
            if spare not in judged:
                selection.pending.append(spare)
                break
            if judged[spare] >= floor:
                selection.kept[slot] = spare
                selection.replaced[seed] = spare
                break
            selection.failed.append(spare)
        else:
            selection.unreplaced.append(seed)
    return selection
