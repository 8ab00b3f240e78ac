"""Reference points of the Fashion-MNIST benchmark: reliability and proxies.

Usage::

    python benchmarks/fashion_mnist/reference_points.py
        [--gt benchmarks/fashion_mnist/ground_truth.json]
        [--out benchmarks/fashion_mnist/reference_points.json]

Everything is recomputed from the per-seed values stored in the ground truth
(``<metric>_seeds``: one value per kept run, a failed run's place taken by
its replacement), for each metric (final or EMA weights, top-1 or -CE):

* seed-vs-seed Kendall tau, every pair of seeds, and their mean: how well one
  standalone run ranks the codes like another one;
* split-half reliability: Kendall tau between the mean of half of the seeds
  and the mean of the other half, averaged over every balanced split (3
  splits of 4 seeds, 10 of 6): how reproducible a k/2-seed ground truth
  is, a lower bound for the shipped k-seed mean;
* proxies without training (parameters, MACs, Zen-score): Kendall tau,
  Pearson and Spearman against the k-seed mean;
* failed runs among the kept ones: runs whose EMA top-1 lies more than
  ``--failed-drop`` (1 point) below the median of their code's values, far
  outside the usual seed spread (about 0.3 points). Listed only. The
  generation (``make_ground_truth.py``) already replaces such runs by spare
  seeds; the runs it judged failed are listed too (``generation_failed``);
* for a ground truth of more than 4 seeds per code (e.g. every seed of the
  run log, ``make_ground_truth.py --seeds 0 1 2 3 4 5 --spare-seeds``):
  what the generation's protocol would give, the first 4 seeds with a
  failed one replaced by the next passing seed, and the split-half of the
  4 kept runs (``replaced_failed``), and the same averaged over every
  choice of 4 of the stored seeds (``replaced_failed_seed_choices``).

Prints a Markdown table and writes the numbers to ``--out`` (read by
``tools/analyze_ranking.py --reference``).
"""
import argparse
import itertools
import os
import statistics
import sys
from typing import Dict, List, Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import HERE, fashion_space  # noqa: E402
from seed_protocol import DEFAULT_DROP, DEFAULT_JUDGE, select_runs  # noqa

METRICS = ('ema_neg_ce', 'ema_acc', 'neg_ce', 'acc')
PROXIES = ('params', 'flops', 'zen')
#: FLOPs strata of the stratified tau (12 codes each of the 48) and the
#: residual fit (see nasbench_cvpr.evaluation.size_adjusted)
NUM_STRATA = 4
RESIDUAL_FIT = 'rank'


def _mean(values: List[float]) -> Optional[float]:
    return sum(values) / len(values) if values else None


def seed_pairs(gt: dict, metric: str) -> Dict[str, float]:
    """Kendall tau of every pair of seeds, ``{"i-j": tau}``."""
    from nasbench_cvpr.evaluation import ranking_metrics
    keys = list(gt)
    k = len(gt[keys[0]][f'{metric}_seeds'])
    return {
        f'{i}-{j}': ranking_metrics(
            [gt[key][f'{metric}_seeds'][i] for key in keys],
            [gt[key][f'{metric}_seeds'][j] for key in keys])['kendall_tau']
        for i, j in itertools.combinations(range(k), 2)
    }


def per_seed_table(gt: dict, metric: str) -> List[List[float]]:
    """``[code][seed]`` values of ``metric``, in ground-truth order."""
    return [gt[key][f'{metric}_seeds'] for key in gt]


def split_half(gt: dict, metric: str) -> Dict[str, float]:
    """Tau between the means of two disjoint halves of the seeds, for every
    balanced split (each split once: the half holding seed 0 comes first).
    An odd seed count leaves one seed out of each split in turn."""
    from nasbench_cvpr.evaluation import reliability
    return reliability.split_half(per_seed_table(gt, metric),
                                  reliability.plain_tau)


def failed_runs(gt: dict, metric: str = 'ema_acc',
                drop: float = 0.01) -> List[dict]:
    """Runs more than ``drop`` below the median of their code's seeds.

    Args:
        gt: Ground truth with ``<metric>_seeds`` per code.
        metric: Higher-is-better per-seed value to judge.
        drop: Largest tolerated shortfall from the code's median.

    Returns:
        ``{"key", "seed_index", "value", "median"}`` per flagged run, in
        ground-truth order.
    """
    out = []
    for key, entry in gt.items():
        values = entry[f'{metric}_seeds']
        median = statistics.median(values)
        out.extend(dict(key=key, seed_index=i, value=v, median=median)
                   for i, v in enumerate(values) if v < median - drop)
    return out


def kept_seeds(gt: dict, k: int = 4, judge: str = DEFAULT_JUDGE,
               drop: float = DEFAULT_DROP) -> tuple:
    """Seed indices the k-seed protocol of :mod:`seed_protocol` keeps,
    applied to stored values: the first ``k`` seeds are the main ones,
    later seeds the spares.

    Args:
        gt: Ground truth with per-seed values.
        k: Seeds kept per code.
        judge: Higher-is-better value that marks a failed run.
        drop: Largest tolerated shortfall from the median.

    Returns:
        ``({key: [seed index, ...]}, replaced, unreplaced)``: the kept
        indices, the runs replaced, and the failed runs left in for want of
        spares.
    """
    kept, replaced, unreplaced = {}, 0, 0
    for key, entry in gt.items():
        judged = entry[f'{judge}_seeds']
        selection = select_runs(dict(enumerate(judged)), range(k),
                                range(k, len(judged)), drop)
        kept[key] = selection.kept
        replaced += len(selection.replaced)
        unreplaced += len(selection.unreplaced)
    return kept, replaced, unreplaced


def split_half_with_replacement(gt: dict, metric: str, k: int = 4,
                                judge: str = 'ema_acc',
                                drop: float = 0.01,
                                kept: Optional[tuple] = None
                                ) -> Optional[dict]:
    """Split-half of the k-seed protocol of :func:`kept_seeds`.

    Args:
        gt: Ground truth with per-seed values.
        metric: Value whose split-half is computed.
        k: Seeds kept per code (even).
        judge: Higher-is-better value that marks a failed run.
        drop: Largest tolerated shortfall from the median.
        kept: :func:`kept_seeds` output, if already computed.

    Returns:
        ``mean_tau`` over the balanced splits of the kept runs, the
        ``splits``, ``replaced`` and ``unreplaced`` (see
        :func:`kept_seeds`), or None with fewer than ``k`` seeds.
    """
    first = next(iter(gt.values()))
    if len(first[f'{metric}_seeds']) < k or k < 2:
        return None
    seeds, replaced, unreplaced = kept or kept_seeds(gt, k, judge, drop)
    halves = split_half({key: {f'{metric}_seeds': [
        entry[f'{metric}_seeds'][i] for i in seeds[key]]}
        for key, entry in gt.items()}, metric)
    return dict(k=k, judge=judge, drop=drop, replaced=replaced,
                unreplaced=unreplaced,
                mean_tau=_mean(list(halves.values())), splits=halves)


def protocol_over_seed_choices(gt: dict, metric: str, k: int = 4,
                               judge: str = DEFAULT_JUDGE,
                               drop: float = DEFAULT_DROP
                               ) -> Optional[dict]:
    """:func:`split_half_with_replacement` for every choice of ``k`` main
    seeds among the stored ones (the others, in order, as spares), and the
    plain split-half of the same ``k`` seeds: how much the protocol's
    figure depends on which seeds a generation happens to draw.

    Args:
        gt: Ground truth with more than ``k`` seeds per code.
        metric: Value whose split-half is computed.
        k: Main seeds per code (even).
        judge: Higher-is-better value that marks a failed run.
        drop: Largest tolerated shortfall from the median.

    Returns:
        ``choices`` (how many), ``mean_tau``, ``min_tau``, ``max_tau`` with
        replacement and ``plain_mean_tau`` without; None with at most ``k``
        seeds.
    """
    first = next(iter(gt.values()))
    n = len(first[f'{metric}_seeds'])
    if n <= k or k < 2:
        return None
    with_rule, plain = [], []
    for main in itertools.combinations(range(n), k):
        order = list(main) + [i for i in range(n) if i not in main]
        chosen = {key: {f'{m}_seeds': [entry[f'{m}_seeds'][i] for i in order]
                        for m in {metric, judge}}
                  for key, entry in gt.items()}
        with_rule.append(split_half_with_replacement(
            chosen, metric, k, judge, drop)['mean_tau'])
        plain.append(_mean(list(split_half({key: {
            f'{metric}_seeds': e[f'{metric}_seeds'][:k]}
            for key, e in chosen.items()}, metric).values())))
    return dict(choices=len(with_rule), mean_tau=_mean(with_rule),
                min_tau=min(with_rule), max_tau=max(with_rule),
                plain_mean_tau=_mean(plain))


def proxy_scores(gt: dict) -> Dict[str, List[float]]:
    """``{proxy: [score per key]}``, zero-cost scores of the untrained nets."""
    from nasbench_cvpr.models.proxies import build_proxy
    space = fashion_space()
    return {name: [build_proxy(name)(space, gt[key]['arch']) for key in gt]
            for name in PROXIES}


def size_adjusted_points(gt: dict, metric: str,
                         proxies: Dict[str, List[float]]) -> dict:
    """Ceilings (split-half) of the residual, partial and stratified tau of
    ``metric`` given FLOPs, and the proxies' own figures against the
    k-seed mean.

    Args:
        gt: Ground truth with per-seed values.
        metric: The ranked value.
        proxies: :func:`proxy_scores` (its ``flops`` are the size).
    """
    from nasbench_cvpr.evaluation import (size_adjusted_ceilings,
                                          size_adjusted_metrics)
    flops = proxies['flops']
    truth = [gt[key][metric] for key in gt]
    return dict(
        num_strata=NUM_STRATA, fit=RESIDUAL_FIT,
        ceilings=size_adjusted_ceilings(per_seed_table(gt, metric), flops,
                                        NUM_STRATA, RESIDUAL_FIT),
        proxies={name: size_adjusted_metrics(scores, truth, flops,
                                             NUM_STRATA, RESIDUAL_FIT)
                 for name, scores in proxies.items()})


def reference_points(gt: dict, failed_drop: float = 0.01) -> dict:
    """All reference numbers of a ground truth (see the module docstring).

    Args:
        gt: Ground truth with per-seed values.
        failed_drop: Shortfall in EMA top-1 that marks a failed run.
    """
    from nasbench_cvpr.evaluation import ranking_metrics
    first = next(iter(gt.values()))
    metrics = [m for m in METRICS if f'{m}_seeds' in first]
    proxies = proxy_scores(gt)
    result = dict(num_archs=len(gt),
                  num_seeds=len(first[f'{metrics[0]}_seeds']), metrics={})
    for m in metrics:
        pairs = seed_pairs(gt, m)
        halves = split_half(gt, m)
        truth = [gt[key][m] for key in gt]
        result['metrics'][m] = dict(
            seed_vs_seed=dict(mean_tau=_mean(list(pairs.values())),
                              pairs=pairs) if pairs else None,
            split_half=dict(mean_tau=_mean(list(halves.values())),
                            splits=halves) if halves else None,
            range=[min(truth), max(truth)],
            proxies={name: ranking_metrics(scores, truth)
                     for name, scores in proxies.items()},
            size_adjusted=size_adjusted_points(gt, m, proxies))
    if 'ema_acc_seeds' in first:
        result['failed_runs'] = dict(metric='ema_acc', drop=failed_drop,
                                     runs=failed_runs(gt, 'ema_acc',
                                                      failed_drop))
        if result['num_seeds'] > 4:  # stored spares to replace from
            kept = kept_seeds(gt, 4, 'ema_acc', failed_drop)
            result['replaced_failed'] = {
                m: split_half_with_replacement(gt, m, 4, 'ema_acc',
                                               failed_drop, kept)
                for m in metrics}
            result['replaced_failed_seed_choices'] = {
                m: protocol_over_seed_choices(gt, m, 4, 'ema_acc',
                                              failed_drop)
                for m in metrics}
    if any('failed_seeds' in entry for entry in gt.values()):
        result['generation_failed'] = [
            dict(key=key, failed_seeds=entry['failed_seeds'],
                 seeds=entry['seeds'])
            for key, entry in gt.items() if 'failed_seeds' in entry]
    return result


def size_adjusted_markdown(ref: dict) -> List[str]:
    """Lines of the size-adjusted table: per measure, the ceiling and the
    proxies' figures, one column per metric."""
    ms = [m for m in ref['metrics'] if 'size_adjusted' in ref['metrics'][m]]
    if not ms:
        return []
    first = ref['metrics'][ms[0]]['size_adjusted']
    lines = ['', f'Beyond size (FLOPs): residual tau ({first["fit"]} fit), '
             f'partial tau, stratified tau ({first["num_strata"]} strata); '
             'ceiling = split-half of the same measure', '',
             '| measure | ' + ' | '.join(ms) + ' |',
             '| --- |' + ' --- |' * len(ms)]
    from nasbench_cvpr.evaluation import SIZE_ADJUSTED_NAMES
    for measure in SIZE_ADJUSTED_NAMES:
        rows = [('ceiling', lambda e: (e['ceilings'][measure] or {}).get(
            'mean_tau'))] + [(name, lambda e, n=name: e['proxies'][n][
                measure]) for name in PROXIES]
        for label, get in rows:
            cells = []
            for m in ms:
                value = get(ref['metrics'][m]['size_adjusted'])
                cells.append('n/a' if value is None or value != value
                             else f'{value:.3f}')
            lines.append(f'| {measure}: {label} | ' + ' | '.join(cells)
                         + ' |')
    return lines


def markdown(ref: dict) -> str:
    """The README table: one row per reference, one column per metric."""
    ms = list(ref['metrics'])
    lines = [f'{ref["num_archs"]} archs, {ref["num_seeds"]} seeds; Kendall '
             f'tau against the {ref["num_seeds"]}-seed mean', '',
             '| reference | ' + ' | '.join(ms) + ' |',
             '| --- |' + ' --- |' * len(ms)]

    def row(name, get):
        cells = []
        for m in ms:
            value = get(ref['metrics'][m])
            cells.append('n/a' if value is None else f'{value:.3f}')
        lines.append(f'| {name} | ' + ' | '.join(cells) + ' |')

    row('split-half reliability', lambda e: (e['split_half'] or {}).get(
        'mean_tau'))
    row('seed vs seed', lambda e: (e['seed_vs_seed'] or {}).get('mean_tau'))
    for name in PROXIES:
        row(name, lambda e, n=name: e['proxies'][n]['kendall_tau'])
    lines += size_adjusted_markdown(ref)
    failed = ref.get('failed_runs')
    if failed is not None:
        runs = ', '.join(f'{r["key"]} seed index {r["seed_index"]} '
                         f'({r["value"]:.4f} vs median {r["median"]:.4f})'
                         for r in failed['runs']) or 'none'
        lines += ['', f'Failed runs ({failed["metric"]} more than '
                  f'{failed["drop"]:g} below their code\'s median): {runs}']
    generation = ref.get('generation_failed')
    if generation:
        lines += ['', 'Runs the generation judged failed: ' + ', '.join(
            f'{r["key"]} seeds {r["failed_seeds"]} (kept seeds {r["seeds"]})'
            for r in generation)]
    replaced = {m: e for m, e in (ref.get('replaced_failed') or {}).items()
                if e is not None}
    if replaced:
        lines += ['', 'First 4 seeds, failed runs replaced by later seeds: '
                  'split-half ' + ', '.join(
                      f'{m} {e["mean_tau"]:.3f}' for m, e in
                      replaced.items()) + ' ('
                  f'{next(iter(replaced.values()))["replaced"]} replaced)']
    choices = ref.get('replaced_failed_seed_choices') or {}
    if choices:
        lines += ['', 'The same over every choice of 4 of the seeds: '
                  + ', '.join(f'{m} {e["mean_tau"]:.3f} ({e["min_tau"]:.3f}'
                              f'-{e["max_tau"]:.3f}; without replacing '
                              f'{e["plain_mean_tau"]:.3f})'
                              for m, e in choices.items())]
    return '\n'.join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--gt', default=os.path.join(HERE,
                                                     'ground_truth.json'))
    parser.add_argument('--out', default=os.path.join(
        HERE, 'reference_points.json'))
    parser.add_argument('--failed-drop', type=float, default=0.01,
                        help='EMA top-1 shortfall from the code median that '
                        'lists a run as failed (default: 0.01)')
    args = parser.parse_args(argv)
    if not 0 <= args.failed_drop < 1:
        parser.error(f'--failed-drop {args.failed_drop}: expected a top-1 '
                     'shortfall in [0, 1), e.g. 0.01 for 1 point')
    import torch
    torch.set_num_threads(1)
    from nasbench_cvpr.spaces import load_arch_file
    from nasbench_cvpr.utils import atomic_write_json
    ref = reference_points(load_arch_file(args.gt), args.failed_drop)
    atomic_write_json(args.out, ref)
    print(markdown(ref))
    return 0


if __name__ == '__main__':
    sys.exit(main())
