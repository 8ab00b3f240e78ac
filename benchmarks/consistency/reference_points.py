"""Reference points of the consistency benchmark: noise ceiling and proxies.

Usage::

    python benchmarks/consistency/reference_points.py
        [--gt benchmarks/consistency/ground_truth.json]
        [--out benchmarks/consistency/reference_points.json]

* Noise ceiling: Kendall tau between the standalone rankings of two training
  seeds (``acc_seeds[i]`` vs ``acc_seeds[j]``, and the same on
  ``neg_ce_seeds``), averaged over seed pairs: how well one training run
  ranks the codes like another one. With 3 or more seeds, also each seed
  against the mean of the others.
* Proxies: Kendall tau (and Spearman, top-5/10 overlap) of parameter count,
  MACs and Zen-score (zero-cost, no training) against the ground truth's mean
  ``acc`` and mean ``neg_ce``.

Prints a Markdown table and writes the numbers to ``--out``.
"""
import argparse
import itertools
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import HERE, tiny_space  # noqa: E402

METRICS = ('acc', 'neg_ce')


def noise_ceiling(gt: dict) -> dict:
    """Seed-vs-seed Kendall tau per metric: pairs and their mean."""
    from nasbench_cvpr.evaluation import ranking_metrics
    keys = list(gt)
    num_seeds = len(gt[keys[0]]['acc_seeds'])
    out = {}
    for m in METRICS:
        pairs = {}
        for i, j in itertools.combinations(range(num_seeds), 2):
            a = [gt[k][f'{m}_seeds'][i] for k in keys]
            b = [gt[k][f'{m}_seeds'][j] for k in keys]
            pairs[f'{i}-{j}'] = ranking_metrics(a, b)['kendall_tau']
        # each seed against the mean of the other seeds (>= 3 seeds): how
        # well one run predicts a multi-seed ground truth
        rest = {}
        if num_seeds >= 3:
            for i in range(num_seeds):
                a = [gt[k][f'{m}_seeds'][i] for k in keys]
                b = [sum(v for j, v in enumerate(gt[k][f'{m}_seeds'])
                         if j != i) for k in keys]
                rest[str(i)] = ranking_metrics(a, b)['kendall_tau']
        out[m] = dict(mean_tau=sum(pairs.values()) / len(pairs),
                      pairs=pairs)
        if rest:
            out[m].update(seed_vs_rest_mean_tau=sum(rest.values()) /
                          len(rest), seed_vs_rest=rest)
    return out


def proxy_scores(gt: dict) -> dict:
    """``{proxy: [score per key]}`` for params, flops and zen."""
    from nasbench_cvpr.models.proxies import build_proxy
    space = tiny_space()
    return {name: [build_proxy(name)(space, gt[k]['arch']) for k in gt]
            for name in ('params', 'flops', 'zen')}


def reference_points(gt: dict) -> dict:
    from nasbench_cvpr.evaluation import ranking_metrics
    result = dict(num_archs=len(gt),
                  num_seeds=len(next(iter(gt.values()))['acc_seeds']),
                  noise_ceiling=noise_ceiling(gt), proxies={})
    for name, scores in proxy_scores(gt).items():
        result['proxies'][name] = {
            m: ranking_metrics(scores, [gt[k][m] for k in gt])
            for m in METRICS}
    accs = [v['acc'] for v in gt.values()]
    result['acc_range'] = [min(accs), max(accs)]
    return result


def markdown(ref: dict) -> str:
    nc, px = ref['noise_ceiling'], ref['proxies']
    lines = [f'{ref["num_archs"]} archs, {ref["num_seeds"]} seeds, mean '
             f'top-1 from {100 * ref["acc_range"][0]:.1f}% to '
             f'{100 * ref["acc_range"][1]:.1f}%', '',
             '| reference | Kendall tau vs acc | Kendall tau vs neg_ce |',
             '| --- | --- | --- |',
             f'| noise ceiling (seed vs seed) | {nc["acc"]["mean_tau"]:.3f} '
             f'| {nc["neg_ce"]["mean_tau"]:.3f} |']
    if 'seed_vs_rest_mean_tau' in nc['acc']:
        lines.append(f'| one seed vs mean of the other seeds | '
                     f'{nc["acc"]["seed_vs_rest_mean_tau"]:.3f} | '
                     f'{nc["neg_ce"]["seed_vs_rest_mean_tau"]:.3f} |')
    for name in px:
        lines.append(f'| {name} | {px[name]["acc"]["kendall_tau"]:.3f} | '
                     f'{px[name]["neg_ce"]["kendall_tau"]:.3f} |')
    return '\n'.join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--gt', default=os.path.join(HERE,
                                                     'ground_truth.json'))
    parser.add_argument('--out', default=os.path.join(
        HERE, 'reference_points.json'))
    args = parser.parse_args(argv)
    import torch
    torch.set_num_threads(1)
    from nasbench_cvpr.spaces import load_arch_file
    from nasbench_cvpr.utils import atomic_write_json
    ref = reference_points(load_arch_file(args.gt))
    atomic_write_json(args.out, ref)
    print(markdown(ref))
    return 0


if __name__ == '__main__':
    sys.exit(main())
