"""Standalone-train every code of the arch set: the benchmark's ground truth.

Usage::

    python benchmarks/consistency/make_ground_truth.py
        [--archs benchmarks/consistency/archs.json] [--seeds 0 1 2]
        [--log work_dirs/consistency/ground_truth.jsonl]
        [--out benchmarks/consistency/ground_truth.json]
        [--meta benchmarks/consistency/ground_truth.meta.json]
        [--epochs N] [--threads 1]

Every (code, seed) run is trained from scratch in this process with the plain
torch loop of ``standalone_train.py`` (same network builder and data as
``configs/standalone/digits_tiny.py``) and appended as one JSON line to the
log as soon as it finishes (write + flush + fsync). Re-running the command
resumes: finished (key, seed) pairs found in the log are skipped (a torn last
line is dropped); a log written with other settings is refused. When every
pair is done, ``--out`` gets the challenge-format file::

    {key: {"arch": code, "acc": mean top-1 over seeds,
           "neg_ce": mean of -cross-entropy over seeds,
           "acc_seeds": [...], "neg_ce_seeds": [...]}}

(seeds in ``--seeds`` order) and ``--meta`` the command, seeds, settings and
times.
"""
import argparse
import json
import os
import platform
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import HERE, ROOT, tiny_space  # noqa: E402
from standalone_train import DEFAULT_SETTINGS  # noqa: E402

DEFAULT_LOG = os.path.join(ROOT, 'work_dirs', 'consistency',
                           'ground_truth.jsonl')


def read_log(path: str) -> list:
    """Complete records of a JSONL log; a torn last line is cut off."""
    if not os.path.exists(path):
        return []
    with open(path, 'rb') as f:
        raw = f.read()
    keep = raw[:raw.rfind(b'\n') + 1]  # up to the last complete line
    if len(keep) != len(raw):
        with open(path, 'r+b') as f:
            f.truncate(len(keep))
    records = []
    for line in keep.decode().splitlines():
        if line.strip():
            records.append(json.loads(line))
    return records


def append_record(path: str, record: dict) -> None:
    """Append one JSON line and make it durable before returning."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, 'a') as f:
        f.write(json.dumps(record, sort_keys=True) + '\n')
        f.flush()
        os.fsync(f.fileno())


def aggregate(archs: dict, records: list, seeds: list) -> dict:
    """The challenge-format ground truth from finished records."""
    by_pair = {(r['key'], r['seed']): r for r in records}
    out = {}
    for key, entry in archs.items():
        runs = [by_pair[(key, s)] for s in seeds]
        acc = [r['acc'] for r in runs]
        neg_ce = [r['neg_ce'] for r in runs]
        out[key] = dict(arch=entry['arch'], acc=sum(acc) / len(acc),
                        neg_ce=sum(neg_ce) / len(neg_ce), acc_seeds=acc,
                        neg_ce_seeds=neg_ce)
    return out


def run(archs: dict, seeds: list, log: str, settings: dict,
        verbose: bool = True) -> list:
    """Train every missing (key, seed) pair; returns all records."""
    import torch

    from standalone_train import load_task, train_code
    records = read_log(log)
    for r in records:
        if r['settings'] != settings:
            raise SystemExit(
                f'error: {log} holds runs with other settings '
                f'({r["settings"]} != {settings}); use another --log')
        if r['key'] in archs and r['arch'] != archs[r['key']]['arch']:
            raise SystemExit(f'error: {log}: {r["key"]} is {r["arch"]} there '
                             f'but {archs[r["key"]]["arch"]} in the arch file')
    done = {(r['key'], r['seed']) for r in records}
    todo = [(k, s) for s in seeds for k in archs if (k, s) not in done]
    if verbose:
        print(f'{len(done)} runs in {log}, {len(todo)} to do', flush=True)
    if not todo:
        return records
    space = tiny_space()
    data = load_task(settings)
    for i, (key, seed) in enumerate(todo):
        code = archs[key]['arch']
        result = train_code(space, code, seed, data, settings)
        record = dict(key=key, arch=code, seed=seed, settings=settings,
                      torch_threads=torch.get_num_threads(), **result)
        append_record(log, record)
        records.append(record)
        if verbose:
            print(f'[{i + 1}/{len(todo)}] {key} seed {seed}: '
                  f'acc {result["acc"]:.4f} CE {result["ce"]:.4f} '
                  f'({result["seconds"]:.1f} s)', flush=True)
    return records


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--archs', default=os.path.join(HERE, 'archs.json'))
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--log', default=DEFAULT_LOG)
    parser.add_argument('--out', default=os.path.join(HERE,
                                                      'ground_truth.json'))
    parser.add_argument('--meta', default=None,
                        help='sidecar JSON (default: OUT with .meta.json)')
    parser.add_argument('--epochs', type=int, default=None,
                        help=f'override epochs ({DEFAULT_SETTINGS["epochs"]})')
    parser.add_argument('--threads', type=int, default=1,
                        help='torch threads (1: results do not depend on '
                        'the machine\'s core count)')
    args = parser.parse_args(argv)
    import torch
    torch.set_num_threads(args.threads)
    from nasbench_cvpr.spaces import load_arch_file
    from nasbench_cvpr.utils import atomic_write_json

    start = time.time()
    archs = load_arch_file(args.archs)
    settings = dict(DEFAULT_SETTINGS)
    if args.epochs is not None:
        settings['epochs'] = args.epochs
    records = run(archs, list(args.seeds), args.log, settings)
    gt = aggregate(archs, records, list(args.seeds))
    atomic_write_json(args.out, gt)
    used = [r for r in records
            if r['key'] in archs and r['seed'] in args.seeds]
    seconds = [r['seconds'] for r in used]
    meta = dict(
        command=' '.join(['python', 'benchmarks/consistency/'
                          'make_ground_truth.py'] + list(
                              argv if argv is not None else sys.argv[1:])),
        archs=os.path.relpath(os.path.abspath(args.archs), ROOT),
        num_archs=len(archs), seeds=list(args.seeds),
        epochs=settings['epochs'], settings=settings,
        trainer='benchmarks/consistency/standalone_train.py (plain torch '
        'loop, StandaloneResNet, DigitsDataset)',
        torch=torch.__version__, torch_threads=args.threads,
        python=platform.python_version(), machine=platform.machine(),
        num_runs=len(used), train_seconds_total=round(sum(seconds), 1),
        train_seconds_per_run=dict(
            mean=round(sum(seconds) / len(seconds), 2),
            min=round(min(seconds), 2), max=round(max(seconds), 2)),
        wall_seconds_last_invocation=round(time.time() - start, 1))
    atomic_write_json(args.meta or os.path.splitext(args.out)[0] +
                      '.meta.json', meta)
    print(f'wrote {args.out} ({len(gt)} archs x {len(args.seeds)} seeds); '
          f'{meta["train_seconds_total"]} s of training')
    return 0


if __name__ == '__main__':
    sys.exit(main())
