"""Spot-check that the shipped ground truth regenerates: re-train a few
(code, seed) runs of the shipped log and compare them with the stored ones.

Usage::

    python benchmarks/fashion_mnist/check_regeneration.py
        [--count 3 | --pairs arch1:0 arch25:0 ...]
        [--log benchmarks/fashion_mnist/runs.jsonl]
        [--work-log work_dirs/fashion_bench/regeneration.jsonl]
        [--out work_dirs/fashion_bench/regeneration_check.json]
        [--workers 2] [--threads 1] [--tolerance 3]

Regenerating the whole ground truth takes about 12 core-hours; this trains
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
standard deviation ``sqrt(2) * sd``. A run passes when ``|z| <= --tolerance`` for
every metric (default 3: four metrics per run are checked, so a 2-sigma
band would fail a sound regeneration about one time in five). Exit status
0 when every run passes, 1 otherwise.
"""
import argparse
import math
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT  # noqa: E402
from make_ground_truth import (DEFAULT_LOG, METRICS, check_log,  # noqa
                               run, spread_order)
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
            z = diff / (math.sqrt(2) * sd) if sd > 0 else (
                0.0 if diff == 0 else math.copysign(math.inf, diff))
            row['metrics'][m] = dict(
                stored=old[m], regenerated=new[m], diff=diff, seed_sd=sd,
                z=z, within=abs(z) <= tolerance)
        row['within'] = all(v['within'] for v in row['metrics'].values())
        rows.append(row)
    return rows


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
    atomic_write_json(args.out, dict(log=os.path.relpath(
        os.path.abspath(args.log), ROOT), tolerance=args.tolerance,
        runs=rows))
    for row in rows:
        m = row['metrics']['ema_neg_ce']
        print(f'{row["key"]} seed {row["seed"]}: ema_neg_ce stored '
              f'{m["stored"]:.4f} regenerated {m["regenerated"]:.4f} '
              f'(z {m["z"]:+.2f}); largest |z| of the four metrics '
              f'{max(abs(v["z"]) for v in row["metrics"].values()):.2f}: '
              f'{"pass" if row["within"] else "FAIL"}')
    print(f'wrote {args.out}')
    return 0 if all(r['within'] for r in rows) else 1


if __name__ == '__main__':
    sys.exit(main())
