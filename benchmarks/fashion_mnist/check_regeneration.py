"""Spot-check that the shipped ground truth regenerates: re-train a few
(code, seed) runs of the shipped log and compare them with the stored ones.

Usage::

    python benchmarks/fashion_mnist/check_regeneration.py
        [--count 3 | --pairs arch1:0 arch25:0 ...]
        [--log benchmarks/fashion_mnist/runs.jsonl]
        [--work-log work_dirs/fashion_bench/regeneration.jsonl]
        [--out work_dirs/fashion_bench/regeneration_check.json]
        [--workers 2] [--threads 1] [--tolerance 3]

Regenerating the whole ground truth takes hours (its meta file states the
CPU time of the runs as generated); this trains
``--count`` runs (by default one per size range: codes in the same spread
order as the generation, seeds in turn) with the documented command's
trainer and settings, appending them to ``--work-log`` as they finish (a
re-run resumes). For each run and metric it reports the stored value, the
regenerated one, their difference and ``z``: that difference over
``sqrt(2) * sd``, where ``sd`` is the code's standard deviation over its
other stored seeds (at least two). Training is deterministic for a seed on
one machine, but oneDNN may pick other kernels on another processor, and
one changed rounding sends SGD elsewhere: a regenerated run is then a fresh
draw from the code's seed distribution, and the difference of two draws has
standard deviation ``sqrt(2) * sd``. A run is within the spread when
``|z| <= --tolerance`` for every metric (default 3).

Even two stored seeds of one code exceed that now and then: ``sd`` comes
from a handful of seeds (heavy tails) and four metrics are checked per run.
So the check also computes the same statistic for every ordered pair of
stored seeds of the checked codes (``sd`` from the code's remaining seeds)
and reports how often those exceed the tolerance: the rate a sound
regeneration should show. The check passes (exit status 0) when the number
of runs outside is not significantly above that rate (one-sided binomial
test, p >= 0.01); with fewer than four stored seeds per code there is no
such rate, and every run must be within.
"""
import argparse
import json
import math
import os
import statistics
import sys
from typing import Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import HERE, ROOT  # noqa: E402
from make_ground_truth import (DEFAULT_LOG, METRICS, check_log,  # noqa
                               ground_truth_runs, run, spread_order)
from standalone_train import DEFAULT_SETTINGS  # noqa: E402


def pick_pairs(stored: list, count: int) -> list:
    """``count`` (key, seed) pairs of ``stored`` spread over the codes (in
    the generation's spread order) with the seeds taken in turn.

    Args:
        stored: Records of the shipped log (``key`` and ``seed`` are read).
        count: How many pairs to pick (at most one per code).
    """
    keys = list(dict.fromkeys(r['key'] for r in stored))
    seeds = sorted({r['seed'] for r in stored})
    done = {(r['key'], r['seed']) for r in stored}
    pairs = []
    for i, key in enumerate(spread_order(keys)[:count]):
        turn = seeds[i % len(seeds):] + seeds[:i % len(seeds)]
        seed = next((s for s in turn if (key, s) in done), None)
        if seed is not None:
            pairs.append((key, seed))
    return pairs


def parse_pair(text: str) -> tuple:
    """``KEY:SEED`` -> ``(KEY, SEED)`` (an argparse type).

    Args:
        text: The command-line word.
    """
    key, sep, seed = text.rpartition(':')
    if not sep or not key or not seed.isdigit():
        raise argparse.ArgumentTypeError(f'{text!r}: expected KEY:SEED')
    return key, int(seed)


def draw_z(diff: float, sd: float) -> float:
    """A difference of two draws of one code in units of its spread:
    ``diff / (sqrt(2) * sd)`` (``0`` or signed infinity when ``sd`` is 0).

    Args:
        diff: The difference of the two values.
        sd: Standard deviation of the code's other seeds.
    """
    if sd > 0:
        return diff / (math.sqrt(2) * sd)
    return 0.0 if diff == 0 else math.copysign(math.inf, diff)


def compare(stored: list, regenerated: list, tolerance: float) -> list:
    """One row per regenerated run: per metric the stored and regenerated
    values, the difference, the standard deviation ``sd`` of the code's
    other stored seeds (neither value being compared enters it),
    ``z = diff / (sqrt(2) * sd)`` and whether ``|z| <= tolerance``.

    Args:
        stored: Records of the shipped log.
        regenerated: Re-trained records of some of its (key, seed) pairs.
        tolerance: Largest ``|z|`` of a passing metric.
    """
    rows = []
    for new in regenerated:
        key, seed = new['key'], new['seed']
        runs = [r for r in stored if r['key'] == key]
        old = next(r for r in runs if r['seed'] == seed)
        row = dict(key=key, seed=seed, arch=new['arch'],
                   cpu_seconds=new.get('cpu_seconds'), metrics={})
        for m in METRICS:
            sd = statistics.stdev([r[m] for r in runs if r['seed'] != seed])
            diff = new[m] - old[m]
            z = draw_z(diff, sd)
            row['metrics'][m] = dict(
                stored=old[m], regenerated=new[m], diff=diff, seed_sd=sd,
                z=z, within=abs(z) <= tolerance)
        row['within'] = all(v['within'] for v in row['metrics'].values())
        rows.append(row)
    return rows


def seed_pair_rate(stored: list, keys: list, tolerance: float
                   ) -> Optional[float]:
    """How often two stored seeds of one code are more than ``tolerance``
    apart in the check's own ``z`` (``sd`` from the code's other seeds).

    Args:
        stored: Records of the shipped log.
        keys: The checked codes.
        tolerance: Largest ``|z|`` counted as within.

    Returns:
        The fraction of ordered seed pairs (over ``keys`` with at least four
        stored seeds) with some metric beyond ``tolerance``; ``None`` when
        no code has four.
    """
    outside = total = 0
    for key in dict.fromkeys(keys):
        runs = {r['seed']: r for r in stored if r['key'] == key}
        if len(runs) < 4:
            continue
        for a in runs:
            for b in runs:
                if a == b:
                    continue
                rest = [runs[s] for s in runs if s not in (a, b)]
                z = [draw_z(runs[a][m] - runs[b][m],
                            statistics.stdev([r[m] for r in rest]))
                     for m in METRICS]
                total += 1
                outside += max(map(abs, z)) > tolerance
    return outside / total if total else None


def verdict(rows: list, rate: Optional[float]) -> dict:
    """Whether the regenerated runs are as close to the stored ones as the
    stored seeds are to each other.

    Args:
        rows: :func:`compare` rows.
        rate: :func:`seed_pair_rate` of the checked codes.

    Returns:
        ``outside`` (runs with some metric beyond the tolerance), ``runs``,
        ``seed_pair_rate``, ``p_value`` (one-sided binomial: at least
        ``outside`` of ``runs`` at that rate; ``None`` without a rate) and
        ``passed`` (``p_value >= 0.01``, or every run within).
    """
    outside = sum(not row['within'] for row in rows)
    p_value = None
    if rate is not None:
        from scipy.stats import binomtest
        p_value = float(binomtest(outside, len(rows), rate,
                                  alternative='greater').pvalue)
    passed = outside == 0 if p_value is None else p_value >= 0.01
    return dict(outside=outside, runs=len(rows), seed_pair_rate=rate,
                p_value=p_value, passed=passed)


def cost_summary(stored: list, rows: list,
                 needed: Optional[set] = None) -> Optional[dict]:
    """CPU time of the regenerated runs against the stored runs of the same
    codes, and what the whole generation would cost at that rate.

    Args:
        stored: Records of the shipped log.
        rows: :func:`compare` rows (``cpu_seconds`` of each regenerated run).
        needed: (key, seed) pairs of the stored runs the ground truth needs
            (its kept and failed runs); None: every stored run.

    Returns:
        ``None`` when a regenerated run lacks ``cpu_seconds``, a checked
        code has no stored run with it, or a stored run has neither it nor
        ``seconds``. Else ``regenerated_cpu_seconds`` and
        ``stored_cpu_seconds`` (for the stored ones, the mean over the
        code's seeds that record CPU time, summed over the checked runs),
        their ``ratio``, ``stored_core_hours`` (the ``needed`` stored runs;
        wall time where an early run lacks CPU time, as the meta file counts
        them) and
        ``projected_core_hours`` (that total times the ratio).
    """
    per_code = {}
    for r in stored:
        if r.get('cpu_seconds') is not None:
            per_code.setdefault(r['key'], []).append(r['cpu_seconds'])
    spent = [r.get('cpu_seconds', r.get('seconds')) for r in stored
             if needed is None or (r['key'], r['seed']) in needed]
    if (not rows or None in spent
            or any(row['cpu_seconds'] is None or row['key'] not in per_code
                   for row in rows)):
        return None
    new = sum(row['cpu_seconds'] for row in rows)
    old = sum(statistics.mean(per_code[row['key']]) for row in rows)
    total = sum(spent) / 3600
    return dict(regenerated_cpu_seconds=new, stored_cpu_seconds=old,
                ratio=new / old, stored_core_hours=total,
                projected_core_hours=total * new / old)


def needed_runs(gt_path: str) -> Optional[set]:
    """(key, seed) pairs of the runs a ground-truth file was made from, its
    kept and failed runs; None if the file is missing or does not name them.

    Args:
        gt_path: A ``make_ground_truth.py`` output.
    """
    if not os.path.exists(gt_path):
        return None
    with open(gt_path) as f:
        gt = json.load(f)
    if not all('seeds' in entry for entry in gt.values()):
        return None
    return ground_truth_runs(gt)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--log', default=DEFAULT_LOG)
    parser.add_argument('--count', type=int, default=3)
    parser.add_argument('--pairs', type=parse_pair, nargs='+', default=None)
    parser.add_argument('--work-log', default=os.path.join(
        ROOT, 'work_dirs', 'fashion_bench', 'regeneration.jsonl'))
    parser.add_argument('--out', default=os.path.join(
        ROOT, 'work_dirs', 'fashion_bench', 'regeneration_check.json'))
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--tolerance', type=float, default=3.0,
                        help='largest |z| of a passing metric')
    parser.add_argument('--data-root',
                        default=os.path.join(ROOT, 'data', 'fashion_mnist'))
    parser.add_argument('--gt', default=os.path.join(HERE,
                                                     'ground_truth.json'),
                        help='the ground truth whose runs the cost projection '
                        'counts (if missing: every run of --log)')
    args = parser.parse_args(argv)
    from nasbench_cvpr.utils import atomic_write_json, read_jsonl
    stored = read_jsonl(args.log)
    if not stored:
        raise SystemExit(f'error: {args.log} holds no runs')
    settings = dict(DEFAULT_SETTINGS)
    check_log(stored, {}, settings, args.log)
    done = {(r['key'], r['seed']) for r in stored}
    pairs = args.pairs or pick_pairs(stored, args.count)
    missing = [f'{k}:{s}' for k, s in pairs if (k, s) not in done]
    if missing:
        raise SystemExit(f'error: not in {args.log}: {", ".join(missing)}')
    few = [k for k, _ in pairs if sum(r['key'] == k for r in stored) < 3]
    if few:
        raise SystemExit(f'error: fewer than 3 seeds in {args.log} (the '
                         f'spread needs two besides the checked one): '
                         f'{", ".join(sorted(set(few)))}')
    codes = {r['key']: r['arch'] for r in stored}
    new = []
    # one generation per seed: ``run`` trains every (code, seed) it is given
    for seed in sorted({s for _, s in pairs}):
        archs = {k: dict(arch=codes[k]) for k, s in pairs if s == seed}
        new += [r for r in run(archs, [seed], args.work_log, settings,
                               args.workers, args.threads, args.data_root)
                if r['key'] in archs and r['seed'] == seed]
    rows = compare(stored, new, args.tolerance)
    cost = cost_summary(stored, rows, needed_runs(args.gt))
    result = verdict(rows, seed_pair_rate(stored, [r['key'] for r in rows],
                                          args.tolerance))
    atomic_write_json(args.out, dict(log=os.path.relpath(
        os.path.abspath(args.log), ROOT), tolerance=args.tolerance,
        verdict=result, cost=cost, runs=rows))
    for row in rows:
        m = row['metrics']['ema_neg_ce']
        print(f'{row["key"]} seed {row["seed"]}: ema_neg_ce stored '
              f'{m["stored"]:.4f} regenerated {m["regenerated"]:.4f} '
              f'(z {m["z"]:+.2f}); largest |z| of the four metrics '
              f'{max(abs(v["z"]) for v in row["metrics"].values()):.2f}: '
              f'{"within" if row["within"] else "outside"}')
    rate = result['seed_pair_rate']
    print(f'{result["outside"]} of {result["runs"]} runs outside |z| <= '
          f'{args.tolerance:g}' + ('' if rate is None else
          f'; stored seed pairs of these codes are outside at rate '
          f'{rate:.3f}, binomial p {result["p_value"]:.3f}') + ': '
          + ('PASS' if result['passed'] else 'FAIL'))
    if cost is not None:
        print(f'CPU time: {cost["regenerated_cpu_seconds"]:.0f} s '
              f'regenerated against {cost["stored_cpu_seconds"]:.0f} s for '
              f'the same codes when stored (ratio {cost["ratio"]:.3f}); the '
              f'runs of the ground truth ({cost["stored_core_hours"]:.2f} '
              f'core-hours stored) would take '
              f'{cost["projected_core_hours"]:.2f} at this rate')
    print(f'wrote {args.out}')
    return 0 if result['passed'] else 1


if __name__ == '__main__':
    sys.exit(main())
