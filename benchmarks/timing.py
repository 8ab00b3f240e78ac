"""Summaries of side-by-side timings shared by the speed benchmarks."""
import statistics
import time
from typing import Callable, Dict, List, Tuple

#: Per item (code or step), one time per repeat, for one path.
Times = List[List[float]]


def timed_pair(candidate: Callable[[], object],
               baseline: Callable[[], object],
               turn: int) -> Tuple[float, float]:
    """Seconds of one call of each, back to back; ``candidate`` first on
    even turns. The call that runs second finds its inputs in the CPU
    caches, so alternating the order favours neither."""
    def seconds(fn: Callable[[], object]) -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    if turn % 2 == 0:
        first = seconds(candidate)
        return first, seconds(baseline)
    second = seconds(baseline)
    return seconds(candidate), second


def compare(candidate: Times, baseline: Times) -> Dict[str, float]:
    """Ratios of ``candidate`` to ``baseline`` timed as interleaved pairs.

    Args:
        candidate: ``candidate[i][r]``: item ``i``, repeat ``r``.
        baseline: The same layout; ``baseline[i][r]`` ran right before or
            after ``candidate[i][r]``.

    Returns:
        ``paired_median``: the median over all (item, repeat) pairs of the
        pair's ratio. The two runs of a pair are adjacent in time, so a
        burst of load from other processes hits both or, when it hits one,
        makes an outlier that the median ignores.
        ``fastest``: sum over items of each path's fastest repeat (the
        ``timeit`` convention), as a ratio.
        ``means``: ratio of total times.
        ``candidate_best``/``baseline_best``: mean over items of the
        fastest repeat, in seconds.
    """
    pairs = [c / b for cs, bs in zip(candidate, baseline)
             for c, b in zip(cs, bs)]
    best_c = sum(min(t) for t in candidate)
    best_b = sum(min(t) for t in baseline)
    return dict(
        paired_median=statistics.median(pairs),
        fastest=best_c / best_b,
        means=sum(map(sum, candidate)) / sum(map(sum, baseline)),
        candidate_best=best_c / len(candidate),
        baseline_best=best_b / len(baseline))


def ratio_line(stats: Dict[str, float], item: str) -> str:
    """The benchmark's headline: the paired median, the others beside."""
    return (f'ratio supernet/static: {stats["paired_median"]:.3f} (median of '
            f'back-to-back pairs; fastest per {item} {stats["fastest"]:.3f}; '
            f'ratio of means {stats["means"]:.3f})')
