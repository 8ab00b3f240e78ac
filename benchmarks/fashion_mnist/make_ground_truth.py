"""Standalone-train every code of the arch set: the benchmark's ground truth.

Usage::

    python benchmarks/fashion_mnist/make_ground_truth.py
        [--archs benchmarks/fashion_mnist/archs.json] [--seeds 0 1 2 3]
        [--spare-seeds 4 5 6 7] [--failed-drop 0.01]
        [--log benchmarks/fashion_mnist/runs.jsonl]
        [--out benchmarks/fashion_mnist/ground_truth.json]
        [--workers 2] [--threads 1] [--data-root data/fashion_mnist]

Every code trains once per seed of ``--seeds``. A run whose EMA top-1 lies
more than ``--failed-drop`` below the median of its code's ``--seeds`` runs
has failed (a rare failure of training, see :mod:`seed_protocol`): it is
replaced by the code's first spare seed (``--spare-seeds``, in order) whose
run does not fail too; spares are trained only for such codes.
``--spare-seeds`` with no value keeps failed runs.

Every (code, seed) run trains from scratch with ``standalone_train.py`` in
one of ``--workers`` processes (``--threads`` torch threads each) and is
appended by the parent as one JSON line to ``--log`` as soon as it finishes
(write, flush, fsync). The log is the benchmark's raw data (it is kept in the
repository): re-running the command resumes, skipping finished (key, seed)
pairs; a torn last line is dropped; a log written with other settings is
refused; runs of other seeds in the log are left out. Runs go two seeds at a
time over codes spread across the size range (:func:`job_order`), so an
interrupted generation holds a usable subset; replacement runs come last.
A run's result does not depend on the worker that ran it or on the order.

When every code's runs are final, ``--out`` gets::

    {key: {"arch": code, "acc": ..., "neg_ce": ..., "ema_acc": ...,
           "ema_neg_ce": ..., "<metric>_seeds": [per kept run],
           "seeds": [the kept runs' seeds, one per --seeds entry],
           "failed_seeds": [...]  # only where a run failed}}

(each metric the mean over the kept runs) and ``--meta`` (default OUT with
``.meta.json``) the command, seeds, settings, the replaced runs, times and
the core-hours of every run the ground truth needed (failed ones included).
``--partial`` trains nothing and writes a provisional pair of files from the
runs finished so far: the longest prefix of ``--seeds`` that at least
``--min-codes`` codes have finished, over those codes, without replacing
failed runs (``"partial": true`` in the meta file).
"""
import argparse
import os
import platform
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import HERE, ROOT, fashion_space  # noqa: E402
from seed_protocol import DEFAULT_DROP, DEFAULT_JUDGE, select_runs  # noqa
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


def selections(keys: list, records: list, seeds: list, spares: list = (),
               drop: float = DEFAULT_DROP) -> dict:
    """``{key: RunSelection}`` of every code from its finished runs.

    Args:
        keys: The codes' keys.
        records: Finished runs (``key``, ``seed`` and the judged score).
        seeds: Seeds every code trains.
        spares: Seeds that replace failed runs, in order.
        drop: Shortfall from the median of ``seeds`` that fails a run.
    """
    judged = {}
    for r in records:
        judged.setdefault(r['key'], {})[r['seed']] = r[DEFAULT_JUDGE]
    return {key: select_runs(judged.get(key, {}), seeds, spares, drop)
            for key in keys}


def pending_runs(keys: list, records: list, seeds: list, spares: list = (),
                 drop: float = DEFAULT_DROP) -> list:
    """(key, seed) pairs still to train: missing runs of ``seeds`` in
    :func:`job_order`, then the spare runs that failed runs call for."""
    done = {(r['key'], r['seed']) for r in records}
    main = [pair for pair in job_order(keys, seeds) if pair not in done]
    chosen = selections(keys, records, seeds, spares, drop)
    extra = [(key, s) for key in keys for s in chosen[key].pending
             if s not in seeds]
    return main + extra


def aggregate(archs: dict, records: list, seeds: list, spares: list = (),
              drop: float = DEFAULT_DROP, chosen: dict = None) -> dict:
    """The ground truth from finished records: per code the mean over its
    kept runs (see :mod:`seed_protocol`); every selection must be final.
    ``chosen``: the :func:`selections` of these records, if already made."""
    by_pair = {(r['key'], r['seed']): r for r in records}
    if chosen is None:
        chosen = selections(list(archs), records, seeds, spares, drop)
    out = {}
    for key, entry in archs.items():
        selection = chosen[key]
        if selection.pending:
            raise ValueError(f'{key}: seeds {selection.pending} not trained')
        runs = [by_pair[(key, s)] for s in selection.kept]
        item = dict(arch=entry['arch'])
        for m in METRICS:
            values = [r[m] for r in runs]
            item[m] = sum(values) / len(values)
            item[f'{m}_seeds'] = values
        item['seeds'] = list(selection.kept)
        if selection.failed:
            item['failed_seeds'] = list(selection.failed)
        out[key] = item
    return out


def ground_truth_runs(gt: dict) -> set:
    """(key, seed) pairs of every run a ground truth was made from: its
    kept runs and its failed ones."""
    return {(key, s) for key, entry in gt.items()
            for s in entry['seeds'] + entry.get('failed_seeds', [])}


def run(archs: dict, seeds: list, log: str, settings: dict, workers: int,
        threads: int, data_root: str, spares: list = (),
        drop: float = DEFAULT_DROP) -> list:
    """Train every missing run, then the replacements of failed runs, round
    by round until every code's selection is final; returns all records."""
    from nasbench_cvpr.utils import read_jsonl
    records = read_jsonl(log, repair=True)
    check_log(records, archs, settings, log)
    keys = list(archs)
    todo = pending_runs(keys, records, seeds, spares, drop)
    print(f'{len(records)} runs in {log}, {len(todo)} to do', flush=True)
    if not todo:
        return records

    def rounds(train):
        nonlocal records, todo
        while todo:
            jobs = [(k, archs[k]['arch'], s, settings) for k, s in todo]
            records = _append_all(train(jobs), records, log, len(jobs))
            todo = pending_runs(keys, records, seeds, spares, drop)
            if todo:
                print(f'{len(todo)} spare runs replace failed runs',
                      flush=True)
        return records

    if workers == 0:  # in this process, in order
        _init_worker(threads, data_root)
        return rounds(lambda jobs: map(_train, jobs))
    import multiprocessing as mp
    ctx = mp.get_context('spawn')  # no forked torch thread pools
    with ctx.Pool(workers, initializer=_init_worker,
                  initargs=(threads, data_root)) as pool:
        return rounds(lambda jobs: pool.imap_unordered(_train, jobs))


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
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2, 3],
                        help='seeds every code trains (default: 0 1 2 3)')
    parser.add_argument('--spare-seeds', type=int, nargs='*',
                        default=[4, 5, 6, 7],
                        help='seeds that replace failed runs, in order '
                        '(default: 4 5 6 7; none: keep failed runs)')
    parser.add_argument('--failed-drop', type=float, default=DEFAULT_DROP,
                        help='EMA top-1 shortfall from the median of a '
                        "code's --seeds runs that fails a run (default: "
                        f'{DEFAULT_DROP})')
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
    if not 0 <= args.failed_drop < 1:
        parser.error(f'--failed-drop {args.failed_drop}: expected a top-1 '
                     'shortfall in [0, 1), e.g. 0.01 for 1 point')
    for name, values in (('--seeds', args.seeds),
                         ('--spare-seeds', args.spare_seeds)):
        if any(s < 0 for s in values) or len(set(values)) != len(values):
            parser.error(f'{name} {values}: expected distinct seeds >= 0')
    if set(args.seeds) & set(args.spare_seeds):
        parser.error(f'--spare-seeds {args.spare_seeds} repeat a seed of '
                     f'--seeds {args.seeds}')
    import torch

    from nasbench_cvpr.spaces import load_arch_file
    from nasbench_cvpr.utils import atomic_write_json
    start = time.time()
    archs = load_arch_file(args.archs)
    settings = dict(DEFAULT_SETTINGS)
    if args.epochs is not None:
        settings['epochs'] = args.epochs
    seeds, spares = list(args.seeds), list(args.spare_seeds)
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
        spares = []
    else:
        records = run(archs, seeds, args.log, settings, args.workers,
                      args.threads, args.data_root, spares, args.failed_drop)
    chosen = selections(list(archs), records, seeds, spares,
                        args.failed_drop)
    gt = aggregate(archs, records, seeds, chosen=chosen)
    atomic_write_json(args.out, gt)
    # the cost counts every run the ground truth needed, failed ones too
    needed = ground_truth_runs(gt)
    used = [r for r in records if (r['key'], r['seed']) in needed]
    seconds = [r['seconds'] for r in used]
    meta = dict(
        command=' '.join(['python', 'benchmarks/fashion_mnist/'
                          'make_ground_truth.py'] + list(
                              argv if argv is not None else sys.argv[1:])),
        archs=os.path.relpath(os.path.abspath(args.archs), ROOT),
        num_archs=len(archs), seeds=seeds, settings=settings,
        partial=bool(args.partial),
        failed_runs=dict(
            judge=DEFAULT_JUDGE, drop=args.failed_drop, spare_seeds=spares,
            replaced=[dict(key=k, seed=main, by=spare,
                           floor=chosen[k].floor)
                      for k in archs
                      for main, spare in chosen[k].replaced.items()],
            unreplaced=[dict(key=k, seed=s) for k in archs
                        for s in chosen[k].unreplaced]),
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
    failed = meta['failed_runs']
    kept_failed = ', kept for want of spares: ' + ', '.join(
        f'{r["key"]} seed {r["seed"]}' for r in failed['unreplaced']) \
        if failed['unreplaced'] else ''
    print(f'wrote {args.out} ({len(gt)} archs x {len(seeds)} seeds; '
          f'{len(failed["replaced"])} failed runs replaced: ' + (', '.join(
              f'{r["key"]} seed {r["seed"]} by seed {r["by"]}'
              for r in failed['replaced']) or 'none') + kept_failed +
          f'); {meta["num_runs"]} runs, {meta["core_hours"]} core-hours of '
          'training')
    return 0


if __name__ == '__main__':
    sys.exit(main())
