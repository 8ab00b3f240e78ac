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

Every ranked run also gets its residual, partial and stratified tau given
FLOPs (``nasbench_cvpr.evaluation.size_adjusted``) and the tau of the
combined ranker (supernet ranks + FLOPs ranks, a ranker that uses the size
proxy at scoring time). The table over seeds gives, per recipe and scoring
protocol (its own, recalibrated top-1 and -CE, per-batch statistics -CE),
the mean and standard deviation of each; recipes with at least 3 seeds are
compared with FLOPs (``results/flops_comparison.json``): the mean tau
difference with its standard error over seeds and over codes, and the
residual tau as a fraction of its ceiling (the ground truth's split-half of
the same measure, from the reference points).

Invocations that train different recipes may run at the same time: each
writes its recipe's entry, and the ranking, under a lock on
``results.json``.

The ground truth is read here, after training, to rank the scores; it never
reaches a training process.
"""
import argparse
import contextlib
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
    # not a paper recipe: the official baseline with a FLOPs-guided rank loss
    'official_rank_loss': ('fashion_official_baseline_rankloss.py', 2),
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
#: scoring protocols of the table over seeds, besides each recipe's own:
#: (BN mode, score)
SEED_PROTOCOLS = (('recalibrate', 'top1'), ('recalibrate', 'neg_ce'),
                  ('batch_stats', 'neg_ce'))
#: FLOPs strata of the stratified tau (as in reference_points.py)
NUM_STRATA = 4
#: training seeds a row needs before it is judged against FLOPs
MIN_SEEDS = 3
#: recipes that start from another run: name -> (config, checkpoint it makes)
PRE_STAGES = {
    'pinas_stage2': ('fashion_pinas_stage1.py',
                     'work_dirs/fashion_pinas_stage1/epoch_1.pth'),
}
#: recipes distilling from the frozen standalone teacher or starting from it
NEEDS_TEACHER = ('official_baseline', 'pinas_stage2', 'fewshot_2nd',
                 'official_rank_loss')
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


def flops_by_key(gt: dict) -> dict:
    """``{key: FLOPs}`` of the ground truth's codes in the benchmark space."""
    sys.path.insert(0, HERE)
    try:
        from common import fashion_space
    finally:
        sys.path.pop(0)
    from nasbench_cvpr.models.proxies import count_flops
    space = fashion_space()
    return {key: float(count_flops(space.decode(entry['arch'])))
            for key, entry in gt.items()}


def score_figures(predicted: list, truth: list, flops: list) -> dict:
    """The figures of one score list: Kendall tau, Pearson, the
    size-adjusted measures (``nasbench_cvpr.evaluation.size_adjusted``) and
    the tau of the combined ranker (supernet ranks + FLOPs ranks)."""
    from nasbench_cvpr.evaluation import (ranking_metrics,
                                          size_adjusted_metrics)
    from nasbench_cvpr.evaluation.comparison import combined_with_size
    m = ranking_metrics(predicted, truth, topk=())
    figures = dict(kendall_tau=m['kendall_tau'], pearson=m['pearson'],
                   n=m['n'])
    figures.update(size_adjusted_metrics(predicted, truth, flops,
                                         NUM_STRATA))
    figures['combined_tau'] = ranking_metrics(
        combined_with_size(predicted, flops), truth, topk=())['kendall_tau']
    return figures


def rank_scores(scores: dict, gt: dict, gt_key: str,
                flops: Optional[dict] = None) -> tuple:
    """Kendall tau, Pearson, residual, partial and stratified tau given
    FLOPs, and the combined ranker's tau (:func:`score_figures`) of each BN
    mode's saved scores in ``scores`` (one run of a recipe) against
    ``gt[gt_key]``, written into it with the ground truth's
    :func:`gt_fingerprint`. A run whose score file is neither on this
    machine nor kept in the repository (a run made elsewhere) keeps the
    figures recorded with it, if they were ranked against this ground
    truth.

    Returns:
        ``(ranked, stale)``: per BN mode whose file was read,
        ``(predicted top-1, truth, full top-1 ranking metrics)`` for
        plotting; and the BN modes whose file is missing and whose figures
        belong to another ground truth (or to none recorded).
    """
    fingerprint = gt_fingerprint(gt, gt_key)
    flops = flops if flops is not None else flops_by_key(gt)
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
            row[score] = score_figures(predicted, truth,
                                       [flops[key] for key in keys])
            if score == 'top1':
                ranked[mode] = (predicted, truth, row[score])
        row['ground_truth'] = fingerprint
    return ranked, stale


def rank(results: dict, gt: dict, gt_key: str, out_dir: str,
         flops: Optional[dict] = None) -> None:
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
    flops = flops if flops is not None else flops_by_key(gt)
    for name, entry in results.items():
        for seed, run_entry in entry.get('seed_runs', {}).items():
            _, modes = rank_scores(run_entry.get('scores', {}), gt, gt_key,
                                   flops)
            stale += [f'{name} seed {seed} {mode}' for mode in modes]
        ranked, modes = rank_scores(entry.get('scores', {}), gt, gt_key,
                                    flops)
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


def seed_runs_of(entry: dict) -> dict:
    """``{seed: run}`` of a recipe's entry (seed 0 is the entry itself)."""
    runs = {0: entry}
    runs.update((int(k), v) for k, v in entry.get('seed_runs', {}).items())
    return dict(sorted(runs.items()))


def protocols_of(entry: dict) -> list:
    """``(BN mode, score, own)`` of the rows over seeds: the recipe's own
    protocol first, then :data:`SEED_PROTOCOLS` not already listed."""
    own = entry.get('own_protocol')
    out = [(own['bn_mode'], own['score'], True)] if own else []
    out += [(mode, score, False) for mode, score in SEED_PROTOCOLS
            if not own or (mode, score) != (own['bn_mode'], own['score'])]
    return out


#: figures averaged over seeds, and their column names
SEED_MEASURES = (('kendall_tau', 'tau'), ('residual_tau', 'residual tau'),
                 ('partial_tau', 'partial tau'),
                 ('stratified_tau', 'stratified tau'),
                 ('combined_tau', 'tau of FLOPs + supernet'))
SCORE_NAMES = {'top1': 'top-1', 'neg_ce': '-CE'}


def _mean_sd(values: list) -> str:
    import statistics
    values = [v for v in values if v is not None and v == v]
    if len(values) < 2:
        return 'n/a'
    return f'{statistics.mean(values):.3f} +- {statistics.stdev(values):.3f}'


def seed_table(results: dict) -> list:
    """Markdown lines: per recipe with runs of two or more training seeds,
    per scoring protocol (its own, then :data:`SEED_PROTOCOLS`), the mean
    and standard deviation over the seeds of plain tau, the size-adjusted
    measures and the combined ranker's tau (empty when no recipe has a
    second seed)."""
    lines = []
    for name, e in results.items():
        runs = seed_runs_of(e)
        for mode, score, own in protocols_of(e):
            rows = [(seed, r['scores'][mode][score]) for seed, r in
                    runs.items()
                    if score in r.get('scores', {}).get(mode, {})]
            if len(rows) < 2:
                continue
            cells = [_mean_sd([row.get(key) for _, row in rows])
                     for key, _ in SEED_MEASURES]
            seeds = ', '.join(str(seed) for seed, _ in rows)
            label = f'{mode}, {SCORE_NAMES[score]}' + (' (own)' if own
                                                       else '')
            lines.append(f'| {name} | {label} | {seeds} | '
                         + ' | '.join(cells) + ' |')
    if not lines:
        return []
    return ['', 'Over training seeds (mean +- standard deviation over the '
            'seeds; "own": the recipe\'s own protocol):', '',
            '| recipe | BN mode, score | seeds | '
            + ' | '.join(title for _, title in SEED_MEASURES) + ' |',
            '|' + '---|' * (3 + len(SEED_MEASURES))] + lines


def flops_comparison(results: dict, gt: dict, gt_key: str,
                     refs: dict, flops_map: Optional[dict] = None) -> list:
    """Does a recipe beat FLOPs? Per recipe and protocol with at least
    :data:`MIN_SEEDS` seeds whose score files are here, the supernet's
    ranking and the combined ranker (supernet ranks + FLOPs ranks) against
    FLOPs (:func:`nasbench_cvpr.evaluation.comparison.
    difference_to_baseline`: standard errors over seeds and over codes),
    and the mean residual tau as a fraction of its ceiling.

    Returns:
        One dict per recipe, protocol and ranker.
    """
    from nasbench_cvpr.evaluation import residual_tau
    from nasbench_cvpr.evaluation.comparison import (combined_with_size,
                                                     difference_to_baseline)
    keys = list(gt)
    truth = [gt[key][gt_key] for key in keys]
    flops_map = flops_map if flops_map is not None else flops_by_key(gt)
    flops = [flops_map[key] for key in keys]
    size_adjusted = refs.get('metrics', {}).get(gt_key, {}).get(
        'size_adjusted') or {}
    ceiling = ((size_adjusted.get('ceilings') or {}).get('residual_tau')
               or {}).get('mean_tau')
    out = []
    for name, e in results.items():
        for mode, score, own in protocols_of(e):
            runs, seeds = [], []
            for seed, r in seed_runs_of(e).items():
                row = r.get('scores', {}).get(mode)
                metrics = load_scores(row) if row else None
                if metrics is None or any(key not in metrics for key in keys):
                    continue
                runs.append([metrics[key][score] for key in keys])
                seeds.append(seed)
            if len(runs) < MIN_SEEDS:
                continue
            rankers = dict(supernet=runs, combined=[
                list(combined_with_size(r, flops)) for r in runs])
            for ranker, lists in rankers.items():
                diff = difference_to_baseline(lists, flops, truth)
                residual = sum(residual_tau(r, truth, flops)
                               for r in lists) / len(lists)
                out.append(dict(
                    recipe=name, bn_mode=mode, score=score, own=own,
                    ranker=ranker, seeds=seeds, residual_tau=residual,
                    residual_ceiling=ceiling,
                    residual_fraction=(residual / ceiling
                                       if ceiling else None), **diff))
    return out


def comparison_table(rows: list) -> list:
    """Markdown lines of :func:`flops_comparison`, best mean tau first."""
    if not rows:
        return []
    lines = ['', f'Against FLOPs (>= {MIN_SEEDS} seeds): mean tau - FLOPs '
             'tau and its standard error over seeds and over codes (paired '
             'bootstrap); it beats FLOPs on these codes when the difference '
             'exceeds 2 x the seeds\' error, and on the space when it '
             'exceeds 2 x the total error; residual tau as a fraction of '
             'its ceiling (goal >= 0.5). "combined": supernet ranks + FLOPs '
             'ranks, a ranker that uses the size proxy at scoring time.', '',
             '| recipe | BN mode, score | ranker | seeds | tau | tau - FLOPs '
             '| SE seeds | SE codes | beats FLOPs (codes) | beats FLOPs '
             '(space) | residual tau | residual / ceiling |',
             '|' + '---|' * 12]
    for r in sorted(rows, key=lambda r: -r['mean_tau']):
        label = f'{r["bn_mode"]}, {SCORE_NAMES[r["score"]]}' + (
            ' (own)' if r['own'] else '')
        fraction = r['residual_fraction']
        lines.append(
            f'| {r["recipe"]} | {label} | {r["ranker"]} | '
            f'{len(r["seeds"])} | {r["mean_tau"]:.3f} | '
            f'{r["mean_diff"]:+.3f} | {r["se_seeds"]:.3f} | '
            f'{r["se_codes"]:.3f} | '
            f'{"yes" if r["beats_on_codes"] else "no"} | '
            f'{"yes" if r["beats"] else "no"} | '
            f'{r["residual_tau"]:.3f} | '
            + ('n/a' if fraction is None else f'{fraction:.2f}') + ' |')
    return lines


def reference_beside(gt_path: str) -> str:
    """The reference points of a ground-truth file: ``ground_truth<X>.json``
    -> ``reference_points<X>.json`` in the same directory."""
    folder, name = os.path.split(gt_path)
    suffix = name[len('ground_truth'):] if name.startswith(
        'ground_truth') else '.json'
    return os.path.join(folder, 'reference_points' + suffix)


def markdown_table(results: dict, refs: dict, gt_key: str,
                   gt_name: str = 'ground_truth.json',
                   comparison: Optional[list] = None) -> str:
    """README tables: per run, tau, Pearson, tau - best proxy, tau /
    reliability and residual tau; per recipe, the figures over seeds; and
    the comparison with FLOPs.

    Args:
        results: ``results.json`` (ranked).
        refs: The ground truth's reference points.
        gt_key: Ranked metric of the ground truth.
        gt_name: The ground-truth file, named in the header.
        comparison: :func:`flops_comparison` rows, if computed.
    """
    entry = refs.get('metrics', {}).get(gt_key, {})
    reliability = (entry.get('split_half') or {}).get('mean_tau')
    proxies = {n: m['kendall_tau']
               for n, m in entry.get('proxies', {}).items()}
    best = max(proxies, key=proxies.get) if proxies else None
    ceiling = (((entry.get('size_adjusted') or {}).get('ceilings') or {})
               .get('residual_tau') or {}).get('mean_tau')
    lines = [
        f'Ground truth: `{gt_key}` of `{gt_name}`, '
        f'{refs.get("num_seeds", "?")} seeds; '
        f'split-half reliability '
        + (f'{reliability:.3f}' if reliability is not None else 'n/a')
        + (f'; best proxy {best} tau {proxies[best]:.3f}' if best else '')
        + (f'; residual tau ceiling {ceiling:.3f}' if ceiling else ''),
        '',
        '| recipe | K x epochs | BN mode | tau (top-1) | Pearson | '
        'tau - best proxy | tau / reliability | tau (-CE) | '
        'residual tau (top-1) | residual tau (-CE) | train s | '
        'score s |', '|' + '---|' * 12
    ]

    def figure(row: dict, score: str, key: str) -> str:
        value = row.get(score, {}).get(key)
        return 'n/a' if value is None or value != value else f'{value:.3f}'

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
                f'{figure(row, "top1", "residual_tau")} | '
                f'{figure(row, "neg_ce", "residual_tau")} | '
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
    lines += comparison_table(comparison or [])
    return '\n'.join(lines) + '\n'


@contextlib.contextmanager
def results_lock(results_path: str):
    """Hold an exclusive lock on ``results_path`` (a file beside it) while
    the body reads, changes and writes it: invocations that train other
    recipes at the same time keep each other's entries."""
    import fcntl
    with open(results_path + '.lock', 'a') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def save_entry(results_path: str, name: str, entry: dict) -> dict:
    """Write recipe ``name``'s ``entry`` into ``results_path``, read again
    under :func:`results_lock`, and return the whole file.

    Args:
        results_path: ``results.json``.
        name: The recipe.
        entry: Its entry (every seed's runs).
    """
    from nasbench_cvpr.utils import atomic_write_json
    with results_lock(results_path):
        results = load_json(results_path, {})
        results[name] = entry
        atomic_write_json(results_path, results)
    return results


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
    if not args.rank_only:
        for seed in args.seeds:
            for name in args.recipes:
                entry = load_json(results_path, {}).get(name, {})
                train_and_score(name, args.budget, args.work_dir, entry,
                                seed)
                save_entry(results_path, name, entry)
    # read only now: the ground truth ranks finished scores, nothing else
    gt = load_json(args.gt)
    if gt is None:
        raise SystemExit(f'error: {args.gt} is missing: run '
                         'benchmarks/fashion_mnist/make_ground_truth.py, '
                         'then this script with --rank-only')
    refs = load_json(args.reference or reference_beside(args.gt), {})
    with results_lock(results_path):
        results = load_json(results_path, {})
        keep_score_files(results, out_dir)
        flops = flops_by_key(gt)
        rank(results, gt, args.gt_key, out_dir, flops)
        atomic_write_json(results_path, results)
    comparison = flops_comparison(results, gt, args.gt_key, refs, flops)
    atomic_write_json(os.path.join(out_dir, 'flops_comparison.json'),
                      comparison)
    table = markdown_table(results, refs, args.gt_key,
                           os.path.relpath(os.path.abspath(args.gt), ROOT),
                           comparison)
    atomic_write_text(os.path.join(out_dir, 'results.md'), table)
    print(table)
    return 0


if __name__ == '__main__':
    sys.exit(main())
