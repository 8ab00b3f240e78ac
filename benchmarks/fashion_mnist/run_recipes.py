"""Train every recipe under one budget, score the benchmark codes, rank.

Usage (from the repository root)::

    python benchmarks/fashion_mnist/run_recipes.py [--budget 8]
        [--recipes spos ...] [--seeds 0 1 2] [--gt-key ema_neg_ce]
        [--work-dir work_dirs/fashion_bench/recipes] [--rank-only]
        [--gt benchmarks/fashion_mnist/ground_truth.json]
        [--reference benchmarks/fashion_mnist/reference_points.json]

Each recipe is a ``configs/supernet/fashion_*.py`` config on the benchmark's
space and task. Equal budget: every recipe gets the same number of subnet
passes per training image, ``max_epochs = max(1, round(budget / K))`` where K
is the subnets per step (the table states K x epochs). Few-shot and
grouped-sharing recipes continue another recipe's trained supernet (see
``CONTINUES``) for the epochs their config sets, on top of that budget; the
table names the recipe they continue. Each trained supernet
scores ``archs.json`` with every BN mode (``tools/eval_subnets.py``) and each
score (top-1 and -CE of the supernet) is compared with the ground truth's
``--gt-key`` (Kendall tau, Pearson), next to the reference points (split-half
reliability, best proxy). Finished steps are skipped, so the script resumes
where it stopped; the ranking numbers are recomputed from the saved scores on
every run (a new ground truth needs no retraining, only the score files,
which ranking copies into ``results/scores/`` to keep them with the table).
Each ranked row records a fingerprint of the ground truth it was ranked
against; a run whose score file is not on this machine keeps its figures
only if they belong to the ground truth ranked now, so one table never
mixes two ground truths (``--gt`` ranks against another file). Writes
``results/results.json``, ``results/results.md`` (the README table) and one
scatter plot per recipe into ``benchmarks/fashion_mnist/results/``. Wall
times include interpreter start-up.

Training seeds (``--seeds``, default 0): seed 0 is the configs' own
``randomness.seed`` and its runs live in ``WORK_DIR/NAME``; another seed S
trains with ``randomness.seed=S`` and ``model.sampler.seed=S`` (another
initialisation, data order and subnet sequence) into
``WORK_DIR/NAME/seedS`` (recorded under ``"seed_runs"`` of the recipe's
entry), and a continuing recipe then starts from its base's seed-S
checkpoint. The teacher and PiNAS stage 1 are shared by all seeds. With
more than one seed of a recipe, a third table gives the mean and standard
deviation of its tau over the seeds: one run of a recipe scatters by about
0.1 in tau, more than many recipes differ.

The ground truth is read here, after training, to rank the scores; it never
reaches a training process.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from typing import Optional

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

#: name -> (config, subnets per step K)
RECIPES = {
    'spos': ('fashion_spos.py', 1),
    'fairnas': ('fashion_fairnas.py', 5),
    'sandwich_inplace_kd': ('fashion_sandwich_inplace_kd.py', 4),
    'biased_by_size': ('fashion_biased.py', 4),
    'rdnas_rank_loss': ('fashion_rdnas_rankloss.py', 4),
    'official_baseline': ('fashion_official_baseline.py', 2),
    'pinas_stage2': ('fashion_pinas_stage2.py', 4),
    'fewshot_2nd': ('fashion_fewshot_2nd.py', 1),
    'grouped_4th': ('fashion_grouped_4th.py', 4),
}
#: recipes that continue another recipe's trained supernet: name -> (base
#: recipe, epochs set by the config). Their passes come on top of the base's
#: budget; the table compares them with their base.
CONTINUES = {
    'fewshot_2nd': ('spos', 3),
    'grouped_4th': ('sandwich_inplace_kd', 4),
}
BN_MODES = ('supernet', 'recalibrate', 'batch_stats')
SCORES = ('top1', 'neg_ce')
#: recipes that start from another run: name -> (config, checkpoint it makes)
PRE_STAGES = {
    'pinas_stage2': ('fashion_pinas_stage1.py',
                     'work_dirs/fashion_pinas_stage1/epoch_1.pth'),
}
#: recipes distilling from the frozen standalone teacher or starting from it
NEEDS_TEACHER = ('official_baseline', 'pinas_stage2', 'fewshot_2nd')
TEACHER = 'work_dirs/fashion_bench/teacher_max.pth'


def run(cmd: list, log: str) -> float:
    """Run a command, append its output to ``log``, return wall seconds."""
    start = time.perf_counter()
    with open(log, 'a') as f:
        subprocess.run(cmd, check=True, stdout=f, stderr=subprocess.STDOUT,
                       cwd=ROOT)
    return time.perf_counter() - start


def load_json(path: str, default=None):
    if not os.path.exists(path):
        return default
    with open(path) as f:
        return json.load(f)


def seed_path(path: str, seed: int) -> str:
    """Where seed ``seed`` keeps what seed 0 keeps at ``path`` (a work
    directory or a checkpoint in one): ``seedS`` below the directory."""
    if seed == 0:
        return path
    if path.endswith('.pth'):
        head, tail = os.path.split(path)
        return os.path.join(head, f'seed{seed}', tail)
    return os.path.join(path, f'seed{seed}')


def seed_run(entry: dict, seed: int) -> dict:
    """The part of a recipe's ``entry`` that holds the run of ``seed``
    (train time and scores): the entry itself for seed 0, as in results
    written before seeds existed."""
    if seed == 0:
        return entry
    return entry.setdefault('seed_runs', {}).setdefault(str(seed), {})


def train_and_score(name: str, budget: int, work_root: str, entry: dict,
                    seed: int = 0) -> None:
    """Train recipe ``name`` (and what it starts from) with training seed
    ``seed`` and score it with every BN mode; fills ``entry`` (the run of
    a seed other than 0: ``entry["seed_runs"][seed]``) with times and score
    files."""
    config, k = RECIPES[name]
    config = os.path.join('configs', 'supernet', config)
    work = seed_path(os.path.join(ROOT, work_root, name), seed)
    os.makedirs(work, exist_ok=True)
    log = os.path.join(work, 'bench.log')
    epochs = max(1, round(budget / k))
    base = None
    # a seed other than 0 changes the initialisation, the data order and
    # augmentation (randomness.seed) and the subnets drawn (the sampler's
    # own generator, seeded separately for exact resume)
    options = [f'randomness.seed={seed}', f'model.sampler.seed={seed}'
               ] if seed else []
    if name in CONTINUES:
        base, epochs = CONTINUES[name]
        base_ckpt = seed_path(config_load_from(config), seed)
        if not os.path.exists(os.path.join(ROOT, base_ckpt)):
            raise SystemExit(f'error: {name} continues {base}: run '
                             f'--recipes {base} --seeds {seed} first '
                             f'({base_ckpt} is missing)')
        if seed:
            options.append(f'load_from={base_ckpt}')
    entry.update(config=config, k=k, epochs=epochs, continues=base,
                 own_protocol=own_protocol(config))
    record = seed_run(entry, seed)
    record.setdefault('scores', {})
    if name in NEEDS_TEACHER and not os.path.exists(os.path.join(ROOT,
                                                                 TEACHER)):
        record['teacher_seconds'] = run(
            [sys.executable, 'benchmarks/fashion_mnist/train_teacher.py',
             '--out', TEACHER], log)
    if name in PRE_STAGES:
        pre_config, pre_ckpt = PRE_STAGES[name]
        if not os.path.exists(os.path.join(ROOT, pre_ckpt)):
            record['pre_stage_seconds'] = run(
                [sys.executable, 'tools/train.py',
                 os.path.join('configs', 'supernet', pre_config)], log)
    ckpt = os.path.join(work, f'epoch_{epochs}.pth')
    if not os.path.exists(ckpt):
        # a continuing recipe keeps its config's epochs and schedule
        if not base:
            options += [f'max_epochs={epochs}',
                        f'train_cfg.max_epochs={epochs}',
                        f'train_cfg.val_interval={epochs}',
                        f'param_scheduler.1.T_max={epochs}']
        record['train_seconds'] = run(
            [sys.executable, 'tools/train.py', config, '--work-dir', work]
            + (['--cfg-options', *options] if options else []), log)
    for mode in BN_MODES:
        out = os.path.join(work, f'scores_{mode}.json')
        if mode in record['scores'] and os.path.exists(out):
            continue
        seconds = run([sys.executable, 'tools/eval_subnets.py', config, ckpt,
                       '--arch-file', os.path.join(HERE, 'archs.json'),
                       '--out', out, '--bn-mode', mode, '--work-dir', work],
                      log)
        record['scores'][mode] = dict(
            file=os.path.relpath(out.replace('.json', '.metrics.json'), ROOT),
            score_seconds=seconds)


def config_load_from(config: str) -> str:
    """The ``load_from`` checkpoint of ``config``."""
    from mmengine.config import Config
    return Config.fromfile(os.path.join(ROOT, config)).load_from


def own_protocol(config: str) -> dict:
    """The recipe's own scoring protocol (``recipe_scoring_cfg`` of its
    config: BN mode and metric), as opposed to the benchmark's common
    one."""
    from mmengine.config import Config
    own = Config.fromfile(os.path.join(ROOT, config)).get(
        'recipe_scoring_cfg') or {}
    return dict(bn_mode=own.get('bn_mode', 'recalibrate'),
                score=own.get('score', 'top1'))


def keep_score_files(results: dict, out_dir: str) -> None:
    """Copy every run's score file that is on this machine into
    ``out_dir/scores/NAME[/seedS]/`` (kept in the repository, so the table
    can be ranked again against a new ground truth anywhere) and record the
    copy as the row's ``kept`` file.

    Args:
        results: ``results.json``.
        out_dir: The benchmark's results directory.
    """
    import shutil
    for name, entry in results.items():
        runs = [('', entry)] + [(f'seed{seed}', run_entry) for seed, run_entry
                                in entry.get('seed_runs', {}).items()]
        for sub, run_entry in runs:
            for row in run_entry.get('scores', {}).values():
                source = os.path.join(ROOT, row['file'])
                if not os.path.exists(source):
                    continue
                kept = os.path.join(out_dir, 'scores', name, sub,
                                    os.path.basename(row['file']))
                os.makedirs(os.path.dirname(kept), exist_ok=True)
                shutil.copyfile(source, kept)
                row['kept'] = os.path.relpath(kept, ROOT)


def load_scores(row: dict) -> Optional[dict]:
    """A run's per-code scores: its score file, else the copy kept in the
    repository (:func:`keep_score_files`); None if neither is here."""
    for path in (row['file'], row.get('kept')):
        if path:
            metrics = load_json(os.path.join(ROOT, path))
            if metrics is not None:
                return metrics
    return None


def gt_fingerprint(gt: dict, gt_key: str) -> str:
    """A short hash of the ranked values, ``{key: gt[key][gt_key]}``: the
    identity of the ground truth a row of the table was ranked against."""
    import hashlib
    values = json.dumps({key: e[gt_key] for key, e in gt.items()},
                        sort_keys=True)
    return hashlib.sha256(values.encode()).hexdigest()[:16]


def rank_scores(scores: dict, gt: dict, gt_key: str) -> tuple:
    """Kendall tau and Pearson of each BN mode's saved scores in ``scores``
    (one run of a recipe) against ``gt[gt_key]``, written into it with the
    ground truth's :func:`gt_fingerprint`. A run whose score file is
    neither on this machine nor kept in the repository (a run made
    elsewhere) keeps the figures recorded with it, if they were ranked
    against this ground truth.

    Returns:
        ``(ranked, stale)``: per BN mode whose file was read,
        ``(predicted top-1, truth, full top-1 ranking metrics)`` for
        plotting; and the BN modes whose file is missing and whose figures
        belong to another ground truth (or to none recorded).
    """
    from nasbench_cvpr.evaluation import ranking_metrics
    fingerprint = gt_fingerprint(gt, gt_key)
    ranked, stale = {}, []
    for mode, row in scores.items():
        metrics = load_scores(row)
        if metrics is None:
            if row.get('ground_truth') != fingerprint:
                stale.append(mode)
            continue
        keys = [key for key in gt if key in metrics]
        truth = [gt[key][gt_key] for key in keys]
        for score in SCORES:
            predicted = [metrics[key][score] for key in keys]
            m = ranking_metrics(predicted, truth)
            row[score] = dict(kendall_tau=m['kendall_tau'],
                              pearson=m['pearson'], n=m['n'])
            if score == 'top1':
                ranked[mode] = (predicted, truth, m)
        row['ground_truth'] = fingerprint
    return ranked, stale


def rank(results: dict, gt: dict, gt_key: str, out_dir: str) -> None:
    """Ranking metrics of every saved score file (every seed) against
    ``gt[gt_key]``, and a scatter plot per recipe (seed 0, recalibrated BN,
    top-1).

    Raises:
        SystemExit: If a run's score file is missing and its recorded
            figures were ranked against another ground truth: the table
            would mix two ground truths.
    """
    from nasbench_cvpr.evaluation import plot_ranking
    stale, plots = [], {}
    for name, entry in results.items():
        for seed, run_entry in entry.get('seed_runs', {}).items():
            _, modes = rank_scores(run_entry.get('scores', {}), gt, gt_key)
            stale += [f'{name} seed {seed} {mode}' for mode in modes]
        ranked, modes = rank_scores(entry.get('scores', {}), gt, gt_key)
        stale += [f'{name} {mode}' for mode in modes]
        if 'recalibrate' in ranked:
            plots[name] = ranked['recalibrate']
    if stale:
        raise SystemExit(
            f'error: {len(stale)} runs were ranked against another ground '
            'truth and their score files are not on this machine: '
            + ', '.join(stale) + '; rank against the ground truth they were '
            'ranked against (--gt), or train them again')
    for name, (predicted, truth, metrics) in plots.items():
        plot_ranking(predicted, truth, os.path.join(out_dir, f'{name}.png'),
                     title=f'{name} (recalibrated BN)',
                     xlabel='supernet top-1',
                     ylabel=f'standalone {gt_key} (mean of seeds)',
                     metrics=metrics)


def seed_table(results: dict) -> list:
    """Markdown lines: per recipe with runs of two or more training seeds,
    per BN mode, the mean and standard deviation of tau over the seeds
    (empty when no recipe has a second seed)."""
    import statistics
    lines = []
    for name, e in results.items():
        runs = {0: e}
        runs.update((int(k), v) for k, v in e.get('seed_runs', {}).items())
        if len(runs) < 2:
            continue
        for mode in BN_MODES:
            rows = [(s, r['scores'][mode]) for s, r in sorted(runs.items())
                    if 'top1' in r.get('scores', {}).get(mode, {})]
            if len(rows) < 2:
                continue
            cells = []
            for score in SCORES:
                taus = [row[score]['kendall_tau'] for _, row in rows]
                cells.append(f'{statistics.mean(taus):.3f} +- '
                             f'{statistics.stdev(taus):.3f}')
            seeds = ', '.join(str(s) for s, _ in rows)
            lines.append(f'| {name} | {mode} | {seeds} | {cells[0]} | '
                         f'{cells[1]} |')
    if not lines:
        return []
    return ['', 'Over training seeds (mean +- standard deviation of tau):',
            '', '| recipe | BN mode | seeds | tau (top-1) | tau (-CE) |',
            '|' + '---|' * 5] + lines


def reference_beside(gt_path: str) -> str:
    """The reference points of a ground-truth file: ``ground_truth<X>.json``
    -> ``reference_points<X>.json`` in the same directory."""
    folder, name = os.path.split(gt_path)
    suffix = name[len('ground_truth'):] if name.startswith(
        'ground_truth') else '.json'
    return os.path.join(folder, 'reference_points' + suffix)


def markdown_table(results: dict, refs: dict, gt_key: str,
                   gt_name: str = 'ground_truth.json') -> str:
    """README table: tau, Pearson, tau - best proxy, tau / reliability.

    Args:
        results: ``results.json`` (ranked).
        refs: The ground truth's reference points.
        gt_key: Ranked metric of the ground truth.
        gt_name: The ground-truth file, named in the header.
    """
    entry = refs.get('metrics', {}).get(gt_key, {})
    reliability = (entry.get('split_half') or {}).get('mean_tau')
    proxies = {n: m['kendall_tau']
               for n, m in entry.get('proxies', {}).items()}
    best = max(proxies, key=proxies.get) if proxies else None
    lines = [
        f'Ground truth: `{gt_key}` of `{gt_name}`, '
        f'{refs.get("num_seeds", "?")} seeds; '
        f'split-half reliability '
        + (f'{reliability:.3f}' if reliability is not None else 'n/a')
        + (f'; best proxy {best} tau {proxies[best]:.3f}' if best else ''),
        '',
        '| recipe | K x epochs | BN mode | tau (top-1) | Pearson | '
        'tau - best proxy | tau / reliability | tau (-CE) | train s | '
        'score s |', '|' + '---|' * 10
    ]
    for name, e in results.items():
        for mode, row in e.get('scores', {}).items():
            if 'top1' not in row:
                continue
            tau = row['top1']['kendall_tau']
            gap = f'{tau - proxies[best]:+.3f}' if best else 'n/a'
            rel = f'{tau / reliability:.2f}' if reliability else 'n/a'
            train = e.get('train_seconds')
            budget = f'{e["k"]} x {e["epochs"]}' + (
                f' after {e["continues"]}' if e.get('continues') else '')
            lines.append(
                f'| {name} | {budget} | {mode} | {tau:.3f} | '
                f'{row["top1"]["pearson"]:.3f} | {gap} | {rel} | '
                f'{row["neg_ce"]["kendall_tau"]:.3f} | '
                + (f'{train:.0f}' if train is not None else 'n/a') +
                f' | {row["score_seconds"]:.0f} |')
    lines += ['', "Each recipe scored with its own protocol (the solution's "
              'BN mode and metric, `recipe_scoring_cfg`):', '',
              '| recipe | own BN mode | own metric | tau | tau - best proxy |',
              '|' + '---|' * 5]
    for name, e in results.items():
        own = e.get('own_protocol')
        row = e.get('scores', {}).get(own['bn_mode'], {}) if own else {}
        key = 'top1' if own and own['score'] == 'top1' else 'neg_ce'
        if key not in row:
            continue
        tau = row[key]['kendall_tau']
        gap = f'{tau - proxies[best]:+.3f}' if best else 'n/a'
        lines.append(f'| {name} | {own["bn_mode"]} | {own["score"]} | '
                     f'{tau:.3f} | {gap} |')
    lines += seed_table(results)
    return '\n'.join(lines) + '\n'


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--budget', type=int, default=8,
                        help='subnet passes per training image (K x epochs)')
    parser.add_argument('--recipes', nargs='+', default=list(RECIPES),
                        choices=list(RECIPES))
    parser.add_argument('--seeds', type=int, nargs='+', default=[0],
                        help='training seeds (0: the configs\' own)')
    parser.add_argument('--gt-key', default='ema_neg_ce')
    parser.add_argument('--gt',
                        default=os.path.join(HERE, 'ground_truth.json'),
                        help='ground truth to rank against (default: the '
                        "benchmark's)")
    parser.add_argument('--reference', default=None,
                        help="its reference_points.py output (default: the "
                        "benchmark's, or beside a --gt file: "
                        'reference_points<suffix>.json)')
    parser.add_argument('--work-dir', default='work_dirs/fashion_bench/'
                        'recipes')
    parser.add_argument('--rank-only', action='store_true',
                        help='train and score nothing; re-rank saved scores')
    args = parser.parse_args(argv)
    bad = [seed for seed in args.seeds if seed < 0]
    if bad:
        parser.error(f'--seeds: {bad} must be >= 0')

    import nasbench_cvpr  # noqa: F401
    from nasbench_cvpr.utils import atomic_write_json, atomic_write_text

    out_dir = os.path.join(HERE, 'results')
    os.makedirs(out_dir, exist_ok=True)
    results_path = os.path.join(out_dir, 'results.json')
    results = load_json(results_path, {})
    if not args.rank_only:
        for seed in args.seeds:
            for name in args.recipes:
                train_and_score(name, args.budget, args.work_dir,
                                results.setdefault(name, {}), seed)
                atomic_write_json(results_path, results)
    # read only now: the ground truth ranks finished scores, nothing else
    gt = load_json(args.gt)
    if gt is None:
        raise SystemExit(f'error: {args.gt} is missing: run '
                         'benchmarks/fashion_mnist/make_ground_truth.py, '
                         'then this script with --rank-only')
    refs = load_json(args.reference or reference_beside(args.gt), {})
    keep_score_files(results, out_dir)
    rank(results, gt, args.gt_key, out_dir)
    atomic_write_json(results_path, results)
    table = markdown_table(results, refs, args.gt_key,
                           os.path.relpath(os.path.abspath(args.gt), ROOT))
    atomic_write_text(os.path.join(out_dir, 'results.md'), table)
    print(table)
    return 0


if __name__ == '__main__':
    sys.exit(main())
