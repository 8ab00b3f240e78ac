"""How many codes and seeds the benchmark needs to judge rankings beyond size.

Usage::

    python benchmarks/fashion_mnist/residual_design.py
        [--gt benchmarks/fashion_mnist/results/ground_truth_6seeds.json]
        [--scores A.metrics.json B.metrics.json [--score-key neg_ce]]
        [--boot 500] [--out benchmarks/fashion_mnist/results/residual_design.json]

Measures, on a ground truth with per-seed values (``ema_neg_ce_seeds``):

* **ceiling by seeds per half**: each measure (plain, residual, partial and
  stratified tau) between the means of two disjoint halves of h seeds, over
  every choice of 2h stored seeds and every balanced split of them, for
  h = 1 .. k/2; then the Spearman-Brown projection to larger halves. Tau is
  turned into a correlation by Greiner's relation r = sin(pi tau / 2), the
  single-seed correlation r1 is fitted to the measured halves
  (r_h = h r1 / (1 + (h - 1) r1)) and projected back to tau;
* **standard error by code count**: bootstrap over codes of the largest
  half-split ceiling, drawing n codes with replacement for several n, and
  the fitted ``se * sqrt(n)`` (a tau's variance falls as 1/n);
* with ``--scores``, the paired bootstrap error of the difference of two
  rankings' residual tau against the ground truth (the same codes drawn for
  both): what separating two recipes by 0.1 needs;
* the cost of each design (codes x seeds), from the mean CPU time of the
  runs in ``--cost-log`` (re-trained with the current trainer), counting
  only runs the stored log does not have.

Prints a Markdown report and writes the numbers to ``--out``. Nothing here
trains; it reads stored runs only.
"""
import argparse
import itertools
import json
import math
import os
import sys
from typing import Callable, Dict, List

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import HERE, fashion_space  # noqa: E402

METRIC = 'ema_neg_ce'
MEASURES = ('kendall_tau', 'residual_tau', 'partial_tau', 'stratified_tau')


def measure_fns(flops: np.ndarray, num_strata: int = 4
                ) -> Dict[str, Callable]:
    """``{name: f(a, b)}``: plain tau and the size-adjusted measures."""
    from nasbench_cvpr.evaluation import (partial_tau, residual_tau,
                                          stratified_tau)
    from nasbench_cvpr.evaluation.reliability import plain_tau
    return dict(
        kendall_tau=plain_tau,
        residual_tau=lambda a, b: residual_tau(a, b, flops),
        partial_tau=lambda a, b: partial_tau(a, b, flops),
        stratified_tau=lambda a, b: stratified_tau(a, b, flops, num_strata))


def half_splits(num_seeds: int, half: int) -> List[tuple]:
    """Every (first, second) pair of disjoint ``half``-seed sets, each
    unordered pair once."""
    out = []
    for chosen in itertools.combinations(range(num_seeds), 2 * half):
        for first in itertools.combinations(chosen, half):
            second = tuple(i for i in chosen if i not in first)
            if first < second:
                out.append((first, second))
    return out


def ceiling_by_half(per_seed: np.ndarray, fns: Dict[str, Callable]
                    ) -> Dict[str, Dict[int, float]]:
    """``{measure: {h: mean over splits of the measure between h-seed
    halves}}`` for h = 1 .. k/2."""
    k = per_seed.shape[1]
    out = {name: {} for name in fns}
    for half in range(1, k // 2 + 1):
        splits = half_splits(k, half)
        for name, fn in fns.items():
            out[name][half] = float(np.mean([
                fn(per_seed[:, list(a)].mean(1), per_seed[:, list(b)].mean(1))
                for a, b in splits]))
    return out


def spearman_brown(taus: Dict[int, float], halves: List[int]) -> dict:
    """Fit the single-seed correlation to measured halves and project.

    Args:
        taus: ``{h: measured tau between h-seed halves}``.
        halves: Half sizes to project to.

    Returns:
        ``{"r1", "projected": {h: tau}}``.
    """
    measured = {h: math.sin(math.pi * t / 2) for h, t in taus.items()}
    grid = np.linspace(0.001, 0.999, 999)

    def predicted(r1, h):
        return h * r1 / (1 + (h - 1) * r1)

    errors = [sum((predicted(r1, h) - r) ** 2 for h, r in measured.items())
              for r1 in grid]
    r1 = float(grid[int(np.argmin(errors))])
    return dict(r1=r1, projected={
        h: 2 / math.pi * math.asin(predicted(r1, h)) for h in halves})


def bootstrap_se(n_codes: int, draws: int, stat: Callable[[np.ndarray],
                                                           float],
                 total: int, seed: int = 0) -> float:
    """Standard deviation of ``stat(indices)`` over ``draws`` resamples of
    ``n_codes`` indices drawn with replacement from ``range(total)``."""
    rng = np.random.default_rng(seed)
    values = [stat(rng.integers(0, total, size=n_codes))
              for _ in range(draws)]
    values = [v for v in values if not math.isnan(v)]
    return float(np.std(values, ddof=1))


def design_costs(stored_seeds: int, stored_codes: int, cpu_per_run: float,
                 designs: List[tuple]) -> List[dict]:
    """Core-hours of the runs each (codes, seeds) design adds to a log
    holding ``stored_seeds`` seeds of ``stored_codes`` codes."""
    out = []
    for codes, seeds in designs:
        new_runs = (stored_codes * max(0, seeds - stored_seeds)
                    + max(0, codes - stored_codes) * seeds)
        out.append(dict(codes=codes, seeds=seeds, new_runs=new_runs,
                        core_hours=new_runs * cpu_per_run / 3600))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--gt', default=os.path.join(
        HERE, 'results', 'ground_truth_6seeds.json'))
    parser.add_argument('--scores', nargs=2, default=None,
                        help='two score files whose residual-tau '
                        'difference is bootstrapped')
    parser.add_argument('--score-key', default='neg_ce')
    parser.add_argument('--cost-log', default=os.path.join(
        HERE, 'results', 'regeneration_runs_seed0.jsonl'),
        help='runs of the current trainer whose CPU time prices a run')
    parser.add_argument('--boot', type=int, default=500)
    parser.add_argument('--out', default=os.path.join(
        HERE, 'results', 'residual_design.json'))
    args = parser.parse_args(argv)
    if args.boot < 10:
        parser.error(f'--boot {args.boot}: need at least 10 resamples')
    import torch
    torch.set_num_threads(1)
    from nasbench_cvpr.evaluation import residual_tau
    from nasbench_cvpr.models.proxies import count_flops
    from nasbench_cvpr.spaces import load_arch_file
    from nasbench_cvpr.utils import atomic_write_json

    gt = load_arch_file(args.gt)
    keys = list(gt)
    space = fashion_space()
    flops = np.array([count_flops(space.decode(gt[k]['arch'])) for k in keys],
                     dtype=float)
    per_seed = np.array([gt[k][f'{METRIC}_seeds'] for k in keys])
    n, k = per_seed.shape
    fns = measure_fns(flops)
    by_half = ceiling_by_half(per_seed, fns)
    halves = [1, 2, 3, 4, 5, 6]
    projection = {name: spearman_brown(values, halves)
                  for name, values in by_half.items()}

    # standard error of the k/2 vs k/2 residual ceiling, by code count
    top = k // 2
    splits = half_splits(k, top)

    def ceiling_stat(idx: np.ndarray, name: str) -> float:
        sub = flops[idx]
        fn = measure_fns(sub)[name]
        return float(np.mean([fn(per_seed[idx][:, list(a)].mean(1),
                                 per_seed[idx][:, list(b)].mean(1))
                              for a, b in splits]))

    sizes = sorted({max(16, n // 2), (3 * n) // 4, n})
    se_by_codes = {}
    for name in ('residual_tau', 'kendall_tau'):
        se = {m: bootstrap_se(m, args.boot,
                              lambda idx, nm=name: ceiling_stat(idx, nm), n)
              for m in sizes}
        scale = float(np.mean([v * math.sqrt(m) for m, v in se.items()]))
        se_by_codes[name] = dict(measured=se, se_times_sqrt_n=scale,
                                 projected={m: scale / math.sqrt(m)
                                            for m in (48, 72, 96, 144)})

    difference = None
    if args.scores:
        truth = per_seed.mean(1)
        lists = []
        for path in args.scores:
            scores = load_arch_file(path)
            lists.append(np.array([scores[key][args.score_key]
                                   for key in keys]))

        def diff(idx: np.ndarray) -> float:
            return (residual_tau(lists[0][idx], truth[idx], flops[idx])
                    - residual_tau(lists[1][idx], truth[idx], flops[idx]))

        se = bootstrap_se(n, args.boot, diff, n)
        difference = dict(
            files=args.scores, score_key=args.score_key,
            value=diff(np.arange(n)), se=se,
            projected={m: se * math.sqrt(n / m) for m in (48, 72, 96, 144)})

    cost_runs = [json.loads(line) for line in open(args.cost_log)
                 if line.strip()]
    cpu = float(np.mean([r['cpu_seconds'] for r in cost_runs]))
    designs = design_costs(k, n, cpu, [(48, 8), (72, 8), (80, 8), (96, 6),
                                       (96, 8)])
    report = dict(gt=os.path.relpath(args.gt), metric=METRIC, codes=n,
                  seeds=k, ceiling_by_half=by_half,
                  spearman_brown=projection, se_by_codes=se_by_codes,
                  recipe_difference=difference,
                  cpu_seconds_per_run=cpu, cost_runs=len(cost_runs),
                  designs=designs)
    atomic_write_json(args.out, report)
    print(markdown(report))
    return 0


def markdown(report: dict) -> str:
    """The report as Markdown tables."""
    halves = sorted(next(iter(report['ceiling_by_half'].values())),
                    key=int)
    lines = [f'{report["codes"]} codes x {report["seeds"]} seeds of '
             f'`{report["gt"]}` ({report["metric"]})', '',
             '| measure | ' + ' | '.join(f'{h} vs {h} seeds (measured)'
                                         for h in halves)
             + ' | 4 vs 4 (projected) | 5 vs 5 (projected) |',
             '|' + '---|' * (len(halves) + 3)]
    for name, values in report['ceiling_by_half'].items():
        projected = report['spearman_brown'][name]['projected']
        lines.append(f'| {name} | ' + ' | '.join(
            f'{values[h]:.3f}' for h in halves) + ' | '
            + f'{projected[4]:.3f} | {projected[5]:.3f} |')
    lines += ['', 'Standard error of the half-split ceiling over codes '
              '(bootstrap; measured at the drawn code counts, projected by '
              '1/sqrt(n)):', '', '| measure | measured | projected 48 / 72 '
              '/ 96 / 144 codes |', '|---|---|---|']
    for name, entry in report['se_by_codes'].items():
        measured = ', '.join(f'{m}: {v:.3f}' for m, v in
                             entry['measured'].items())
        projected = ' / '.join(f'{v:.3f}' for v in
                               entry['projected'].values())
        lines.append(f'| {name} | {measured} | {projected} |')
    diff = report.get('recipe_difference')
    if diff:
        lines += ['', f'Residual tau difference of two rankings '
                  f'({", ".join(diff["files"])}, {diff["score_key"]}): '
                  f'{diff["value"]:+.3f}, paired bootstrap SE '
                  f'{diff["se"]:.3f}; projected SE at 48 / 72 / 96 / 144 '
                  'codes: ' + ' / '.join(f'{v:.3f}' for v in
                                         diff['projected'].values())]
    lines += ['', f'Cost of a design: new runs x {report["cpu_seconds_per_run"]:.0f}'
              f' CPU s (mean of {report["cost_runs"]} runs of the current '
              'trainer)', '', '| codes | seeds | new runs | core-hours |',
              '|---|---|---|---|']
    for d in report['designs']:
        lines.append(f'| {d["codes"]} | {d["seeds"]} | {d["new_runs"]} | '
                     f'{d["core_hours"]:.1f} |')
    return '\n'.join(lines)


if __name__ == '__main__':
    sys.exit(main())
