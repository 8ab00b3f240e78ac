"""Standalone-train every code of the arch set: the benchmark's ground truth.

Usage::

    python benchmarks/fashion_mnist/make_ground_truth.py
        [--archs benchmarks/fashion_mnist/archs.json] [--seeds 0 1 2 3 4 5]
        [--log benchmarks/fashion_mnist/runs.jsonl]
        [--out benchmarks/fashion_mnist/ground_truth.json]
        [--workers 2] [--threads 1] [--data-root data/fashion_mnist]

Every (code, seed) run trains from scratch with ``standalone_train.py`` in
one of ``--workers`` processes (``--threads`` torch threads each) and is
appended by the parent as one JSON line to ``--log`` as soon as it finishes
(write, flush, fsync). The log is the benchmark's raw data (it is kept in the
repository): re-running the command resumes, skipping finished (key, seed)
pairs; a torn last line is dropped; a log written with other settings is
refused. Runs go two seeds at a time over codes spread across the size
range (:func:`job_order`), so an interrupted generation holds a usable subset.
A run's result does not depend on the worker that ran it or on the order.

When every pair is done, ``--out`` gets::

    {key: {"arch": code, "acc": ..., "neg_ce": ..., "ema_acc": ...,
           "ema_neg_ce": ..., "<metric>_seeds": [per seed, --seeds order]}}

(each metric the mean over seeds) and ``--meta`` (default OUT with
``.meta.json``) the command, seeds, settings, times and core-hours.
``--partial`` trains nothing and writes a provisional pair of files from the
runs finished so far: the longest prefix of ``--seeds`` that at least
``--min-codes`` codes have finished, over those codes (``"partial": true`` in
the meta file).
"""
import argparse
import os
import platform
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import HERE, ROOT, fashion_space  # noqa: E402
from standalone_train import DEFAULT_SETTINGS  # noqa: E402

#: Scores of a run, each averaged over seeds in the ground truth.
METRICS = ('acc', 'neg_ce', 'ema_acc', 'ema_neg_ce')
DEFAULT_LOG = os.path.join(HERE, 'runs.jsonl')

_WORKER = {}


def _init_worker(threads: int, data_root: str) -> None:
    import torch
    torch.set_num_threads(threads)
    from standalone_train import load_fashion_mnist
    _WORKER['space'] = fashion_space()
    _WORKER['data'] = load_fashion_mnist(data_root)


def _train(job: tuple) -> dict:
    import torch

    from standalone_train import train_code
    key, code, seed, settings = job
    result = train_code(_WORKER['space'], code, seed, _WORKER['data'],
                        settings)
    return dict(key=key, arch=code, seed=seed, settings=settings,
                torch_threads=torch.get_num_threads(), **result)


def spread_order(keys: list) -> list:
    """``keys`` (in size order) reordered so that every prefix spreads over
    the whole list: positions in van der Corput (bit-reversal) order."""
    n = len(keys)
    bits = max(1, (n - 1).bit_length())
    order = sorted(range(n), key=lambda i: int(
        format(i, f'0{bits}b')[::-1], 2))
    return [keys[i] for i in order]


def job_order(keys: list, seeds: list) -> list:
    """(key, seed) pairs in training order: seeds two at a time, and within
    a pair of seeds the codes in :func:`spread_order`, both seeds of a code
    together. An interrupted generation thus holds codes from the whole size
    range with two seeds each, enough for a seed-vs-seed check."""
    order = []
    for i in range(0, len(seeds), 2):
        pair = seeds[i:i + 2]
        order += [(k, s) for k in spread_order(keys) for s in pair]
    return order


def partial_selection(records: list, keys: list, seeds: list,
                      min_codes: int) -> tuple:
    """Seeds and codes of a provisional ground truth from unfinished runs.

    Takes the longest prefix of ``seeds`` that at least ``min_codes`` codes
    have finished every seed of, and those codes (in ``keys`` order).

    Returns:
        ``(seeds, keys)``; ``([], [])`` when not even the first seed has
        ``min_codes`` codes.
    """
    done = {(r['key'], r['seed']) for r in records}
    best = ([], [])
    for n in range(1, len(seeds) + 1):
        have = [k for k in keys if all((k, s) in done for s in seeds[:n])]
        if len(have) < min_codes:
            break
        best = (seeds[:n], have)
    return best


def check_log(records: list, archs: dict, settings: dict, log: str) -> None:
    """Refuse a log made with other settings or other codes."""
    for r in records:
        if r['settings'] != settings:
            raise SystemExit(
                f'error: {log} holds runs with other settings '
                f'({r["settings"]} != {settings}); use another --log')
        if r['key'] in archs and r['arch'] != archs[r['key']]['arch']:
            raise SystemExit(f'error: {log}: {r["key"]} is {r["arch"]} there '
                             f'but {archs[r["key"]]["arch"]} in the arch file')


def aggregate(archs: dict, records: list, seeds: list) -> dict:
    """The ground truth from finished records (every pair must be there)."""
    by_pair = {(r['key'], r['seed']): r for r in records}
    out = {}
    for key, entry in archs.items():
        runs = [by_pair[(key, s)] for s in seeds]
        item = dict(arch=entry['arch'])
        for m in METRICS:
            values = [r[m] for r in runs]
            item[m] = sum(values) / len(values)
            item[f'{m}_seeds'] = values
        out[key] = item
    return out


def run(archs: dict, seeds: list, log: str, settings: dict, workers: int,
        threads: int, data_root: str) -> list:
    """Train every missing (key, seed) pair; returns all records."""
    from nasbench_cvpr.utils import read_jsonl
    records = read_jsonl(log, repair=True)
    check_log(records, archs, settings, log)
    done = {(r['key'], r['seed']) for r in records}
    jobs = [(k, archs[k]['arch'], s, settings) for k, s in job_order(
        list(archs), seeds) if (k, s) not in done]
    print(f'{len(done)} runs in {log}, {len(jobs)} to do', flush=True)
    if not jobs:
        return records
    if workers == 0:  # in this process, in order
        _init_worker(threads, data_root)
        finished = map(_train, jobs)
        return _append_all(finished, records, log, len(jobs))
    import multiprocessing as mp
    ctx = mp.get_context('spawn')  # no forked torch thread pools
    with ctx.Pool(workers, initializer=_init_worker,
                  initargs=(threads, data_root)) as pool:
        return _append_all(pool.imap_unordered(_train, jobs), records, log,
                           len(jobs))


def _append_all(finished, records: list, log: str, total: int) -> list:
    """Append each finished run to the log as it arrives."""
    from nasbench_cvpr.utils import append_jsonl
    for i, record in enumerate(finished):
        append_jsonl(log, record)
        records.append(record)
        print(f'[{i + 1}/{total}] {record["key"]} seed {record["seed"]}: '
              f'top-1 {record["acc"]:.4f} EMA top-1 {record["ema_acc"]:.4f} '
              f'EMA CE {-record["ema_neg_ce"]:.4f} '
              f'({record["seconds"]:.0f} s)', flush=True)
    return records


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--archs', default=os.path.join(HERE, 'archs.json'))
    parser.add_argument('--seeds', type=int, nargs='+',
                        default=[0, 1, 2, 3, 4, 5])
    parser.add_argument('--log', default=DEFAULT_LOG)
    parser.add_argument('--out', default=os.path.join(HERE,
                                                      'ground_truth.json'))
    parser.add_argument('--meta', default=None)
    parser.add_argument('--workers', type=int, default=2,
                        help='training processes (0: in this process)')
    parser.add_argument('--threads', type=int, default=1,
                        help='torch threads per worker')
    parser.add_argument('--data-root',
                        default=os.path.join(ROOT, 'data', 'fashion_mnist'))
    parser.add_argument('--partial', action='store_true',
                        help='train nothing; write a provisional ground '
                        'truth from the runs finished so far')
    parser.add_argument('--min-codes', type=int, default=16,
                        help='with --partial: fewest codes to keep')
    parser.add_argument('--epochs', type=int, default=None,
                        help=f'override epochs ({DEFAULT_SETTINGS["epochs"]})')
    args = parser.parse_args(argv)
    import torch

    from nasbench_cvpr.spaces import load_arch_file
    from nasbench_cvpr.utils import atomic_write_json
    start = time.time()
    archs = load_arch_file(args.archs)
    settings = dict(DEFAULT_SETTINGS)
    if args.epochs is not None:
        settings['epochs'] = args.epochs
    seeds = list(args.seeds)
    if args.partial:
        from nasbench_cvpr.utils import read_jsonl
        records = read_jsonl(args.log)
        check_log(records, archs, settings, args.log)
        seeds, keys = partial_selection(records, list(archs), seeds,
                                        args.min_codes)
        if not seeds:
            raise SystemExit(f'error: fewer than {args.min_codes} codes have '
                             f'finished seed {args.seeds[0]} in {args.log}')
        archs = {k: archs[k] for k in keys}
    else:
        records = run(archs, seeds, args.log, settings, args.workers,
                      args.threads, args.data_root)
    gt = aggregate(archs, records, seeds)
    atomic_write_json(args.out, gt)
    used = [r for r in records if r['key'] in archs and r['seed'] in seeds]
    seconds = [r['seconds'] for r in used]
    meta = dict(
        command=' '.join(['python', 'benchmarks/fashion_mnist/'
                          'make_ground_truth.py'] + list(
                              argv if argv is not None else sys.argv[1:])),
        archs=os.path.relpath(os.path.abspath(args.archs), ROOT),
        num_archs=len(archs), seeds=seeds, settings=settings,
        partial=bool(args.partial),
        trainer='benchmarks/fashion_mnist/standalone_train.py (plain torch '
        'loop, StandaloneResNet, Fashion-MNIST IDX files)',
        torch=torch.__version__, torch_threads=args.threads,
        python=platform.python_version(), machine=platform.machine(),
        num_runs=len(used),
        # CPU time where recorded (wall time on a busy machine overstates
        # the cost), else wall time x threads
        core_hours=round(sum(
            r.get('cpu_seconds', r['seconds'] * r['torch_threads'])
            for r in used) / 3600, 2),
        train_seconds_per_run=dict(
            mean=round(sum(seconds) / len(seconds), 1),
            min=round(min(seconds), 1), max=round(max(seconds), 1)),
        wall_seconds_last_invocation=round(time.time() - start, 1))
    atomic_write_json(args.meta or os.path.splitext(args.out)[0] +
                      '.meta.json', meta)
    print(f'wrote {args.out} ({len(gt)} archs x {len(seeds)} seeds); '
          f'{meta["core_hours"]} core-hours of training')
    return 0


if __name__ == '__main__':
    sys.exit(main())
