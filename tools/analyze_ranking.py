"""Rank correlation of predicted scores with ground-truth accuracies.

Usage::

    python tools/analyze_ranking.py PRED_JSON GT_JSON [--key acc]
        [--gt-key acc] [--topk 5 10] [--plot OUT.png] [--json OUT.json]
        [--reference REF_JSON] [--skip-invalid]

Both files are arch files ``{key: {"arch": code, <score>: number, ...}}``
(a top-level ``"invalid"`` list is ignored). PRED's ``--key`` field is the
prediction: ``acc`` for supernet accuracies, or ``params`` / ``flops`` when
PRED is an ``arch_stats.py`` output (proxy baselines). GT's ``--gt-key`` field
is the ground truth. Entries are matched by key, or by ``"arch"`` code when
the files share more codes than keys (a warning is printed when key-matched
entries have different codes). Prints one ``name: value`` line each:
matched count, Kendall tau (tau-b), Pearson, Spearman and the top-k overlaps
(fraction of the true top-k also predicted top-k; k larger than the match
count is skipped). ``--plot`` saves a scatter plot, ``--json`` the metrics.
``--reference`` reads a benchmark's ``reference_points.json`` (e.g.
``benchmarks/fashion_mnist/reference_points.json``) and prints, for the same
``--gt-key``, the ground truth's split-half reliability and the proxies' tau
beside the prediction's: ``tau - best proxy`` and ``tau / reliability``.

Beyond size: with ``--config`` (a training config; its
``model.supernet.space`` counts the FLOPs of the ground truth's codes, with
the supernet's ``shortcut`` policy), three more lines tell what the ranking
adds to FLOPs (``nasbench_cvpr.evaluation.size_adjusted``): ``residual_tau``
(Kendall tau of both sides' residuals after a least-squares line on size;
``--residual-fit rank``, the default, fits ranks on FLOPs ranks, so a
monotone function of FLOPs gets 0; ``log`` fits values on log FLOPs),
``partial_tau`` (Kendall's partial tau given FLOPs) and ``stratified_tau``
(mean tau within ``--strata`` equal FLOPs strata). With ``--reference``
too, each is printed beside its ceiling (the same measure between seed
halves of the ground truth) and the proxies' figures, and as a fraction of
the ceiling. A code the config's space rejects is listed with its key,
position and reason, and the run exits with status 2.
Unreadable or mismatched files exit with status 2 and a one-line error.
Bad entries (not an object, no ``"arch"``, ``"arch"`` not a string, a
repeated key or field) of either file are all listed, one line each with
file, key and reason, then the run exits with status 2, unless
``--skip-invalid`` is given (the bad entries are listed and left out). Codes
are not checked against a space: every code is accepted.
"""
import argparse
import math
import os
import sys

from nasbench_cvpr.evaluation import (match_mode, match_scores, plot_ranking,
                                      ranking_metrics, size_adjusted_metrics)
from nasbench_cvpr.spaces import (ArchFileError, describe_error,
                                  invalid_summary, read_arch_file)
from nasbench_cvpr.utils import atomic_write_json


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f'expected a positive integer, '
                                         f'got {text!r}')
    return value


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('pred_file', help='JSON {key: {"arch", <key>}}')
    parser.add_argument('gt_file', help='JSON {key: {"arch", <gt-key>}}')
    parser.add_argument('--key', default='acc',
                        help='prediction field of PRED (acc, params, flops)')
    parser.add_argument('--gt-key', default='acc',
                        help='ground-truth field of GT')
    parser.add_argument('--topk', type=positive_int, nargs='+',
                        default=[5, 10], help='top-k overlap sizes')
    parser.add_argument('--plot', default=None, help='scatter plot PNG path')
    parser.add_argument('--json', default=None, help='metrics JSON path')
    parser.add_argument('--reference', default=None,
                        help="a benchmark's reference_points.json")
    parser.add_argument('--skip-invalid', action='store_true',
                        help='leave out (and list) malformed entries')
    parser.add_argument('--config', default=None,
                        help='training config whose space counts FLOPs: '
                        'adds residual, partial and stratified tau')
    parser.add_argument('--strata', type=positive_int, default=4,
                        help='FLOPs strata of the stratified tau')
    parser.add_argument('--residual-fit', default='rank',
                        choices=['rank', 'log'],
                        help='residual fit: ranks on FLOPs ranks, or values '
                        'on log FLOPs')
    return parser.parse_args(argv)


def read_entries(paths, skip_invalid: bool) -> list:
    """Read arch files, listing every malformed entry on stderr.

    Args:
        paths: The files.
        skip_invalid: Leave malformed entries out instead of refusing.

    Returns:
        The well-formed entries of each file.

    Raises:
        ArchFileError: If a file cannot be read, or (without
            ``skip_invalid``) has malformed entries: one summary line per
            such file, after the entries were listed.
    """
    results, summaries = [], []
    for path in paths:
        entries, errors = read_arch_file(path)
        for error in errors:
            print(describe_error(error, path), file=sys.stderr)
        if errors:
            summaries.append(invalid_summary(
                path, len(errors), len(entries) + len(errors), 'malformed'))
        results.append(entries)
    if summaries and not skip_invalid:
        raise ArchFileError('; '.join(summaries) + ' (use --skip-invalid '
                            'to leave them out)')
    for summary in summaries:
        print(f'warning: {summary}; left out', file=sys.stderr)
    return results


def reference_lines(ref: dict, gt_key: str, tau: float) -> list:
    """Lines comparing ``tau`` with a benchmark's reference points for
    ``gt_key``: reliability, proxies, and the two derived ratios."""
    entry = ref.get('metrics', {}).get(gt_key)
    if entry is None:
        raise ValueError(f'the reference file has no ground-truth key '
                         f'{gt_key!r} (has: {sorted(ref.get("metrics", {}))})')
    lines = []
    reliability = (entry.get('split_half') or {}).get('mean_tau')
    if reliability is not None:
        lines.append(f'reference split-half reliability: {reliability:.4f}')
    proxies = {name: m['kendall_tau'] for name, m in entry['proxies'].items()}
    for name, value in proxies.items():
        lines.append(f'reference {name} kendall_tau: {value:.4f}')
    best = max(proxies, key=proxies.get)
    lines.append(f'kendall_tau - best proxy ({best}): '
                 f'{tau - proxies[best]:+.4f}')
    if reliability:
        lines.append(f'kendall_tau / reliability: {tau / reliability:.4f}')
    return lines


def config_flops(config: str, gt: dict, keys: list, gt_path: str) -> list:
    """FLOPs of the ground-truth codes of ``keys``, counted by the space of
    ``config`` with its supernet's shortcut policy.

    Raises:
        ArchFileError: If the space rejects codes (each listed on stderr
            with key, position and reason first).
        ValueError: If the config names no space or cannot be read.
    """
    from mmengine.config import Config

    from nasbench_cvpr.models.proxies import FlopsProxy
    from nasbench_cvpr.spaces import build_space, check_codes, space_config_of
    try:
        cfg = Config.fromfile(config)
    except Exception as e:  # mmengine raises many kinds on a bad config
        raise ValueError(f'config {config}: {e}') from e
    space = build_space(space_config_of(cfg))
    shortcut = ((cfg.get('model') or {}).get('supernet') or {}).get(
        'shortcut', 'auto')
    codes, errors = check_codes({key: gt[key] for key in keys}, space)
    for error in errors:
        print(describe_error(error, gt_path), file=sys.stderr)
    if errors:
        raise ArchFileError(f'{len(errors)} of {len(keys)} matched codes are '
                            f'not codes of the space of {config}')
    proxy = FlopsProxy(shortcut)
    return [proxy.score(space, codes[key]) for key in keys]


def size_adjusted_lines(metrics: dict, ref: dict, gt_key: str,
                        strata: int, fit: str) -> list:
    """Lines comparing the size-adjusted measures in ``metrics`` with the
    reference's ceilings and proxies (none if the reference has none)."""
    from nasbench_cvpr.evaluation import SIZE_ADJUSTED_NAMES
    entry = (ref.get('metrics', {}).get(gt_key) or {}).get('size_adjusted')
    if not entry:
        return []
    lines = []
    comparable = (entry.get('num_strata'), entry.get('fit')) == (strata, fit)
    if not comparable:
        lines.append(f'warning: the reference counts {entry.get("num_strata")}'
                     f' strata and a {entry.get("fit")!r} fit; this run '
                     f'{strata} and {fit!r}: ratios left out')
    for name in SIZE_ADJUSTED_NAMES:
        ceiling = (entry['ceilings'].get(name) or {}).get('mean_tau')
        proxies = ', '.join(f'{proxy} {values[name]:.4f}'
                            for proxy, values in entry['proxies'].items())
        lines.append(f'reference {name}: ceiling '
                     + ('n/a' if ceiling is None else f'{ceiling:.4f}')
                     + f'; {proxies}')
        if ceiling and comparable and not math.isnan(metrics[name]):
            lines.append(f'{name} / ceiling: {metrics[name] / ceiling:.4f}')
    return lines


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        pred, gt = read_entries([args.pred_file, args.gt_file],
                                args.skip_invalid)
        mode = match_mode(pred, gt)
        keys, pred_values, gt_values = match_scores(
            pred, gt, pred_key=args.key, gt_key=args.gt_key)
        metrics = ranking_metrics(pred_values, gt_values, topk=args.topk)
        if args.config:
            metrics.update(size_adjusted_metrics(
                pred_values, gt_values, config_flops(args.config, gt, keys, args.gt_file),
                args.strata, args.residual_fit))
    except ArchFileError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    except ValueError as e:
        print(f'error: {args.pred_file} vs {args.gt_file}: {e}',
              file=sys.stderr)
        return 2

    reference = None
    if args.reference:
        import json
        try:
            with open(args.reference) as f:
                ref = json.load(f)
            reference = reference_lines(ref, args.gt_key,
                                        metrics['kendall_tau'])
            if args.config:
                reference += size_adjusted_lines(
                    metrics, ref, args.gt_key, args.strata,
                    args.residual_fit)
        except (OSError, ValueError, KeyError, TypeError) as e:
            print(f'error: reference {args.reference}: {e}', file=sys.stderr)
            return 2

    if mode == 'key':
        differ = [k for k in keys if pred[k]['arch'] != gt[k]['arch']]
        if differ:
            print(f'warning: {len(differ)} of {len(keys)} entries matched by '
                  f'key have different "arch" codes (first: {differ[0]!r}); '
                  'are these files about the same archs?', file=sys.stderr)
    print(f'matched: {metrics["n"]} (by {mode}; pred {len(pred)} entries, '
          f'gt {len(gt)} entries)')
    for name, value in metrics.items():
        if name != 'n':
            print(f'{name}: {value:.4f}')
    for line in reference or []:
        print(line)

    try:
        if args.plot:
            plot_ranking(
                pred_values, gt_values, args.plot,
                title=(f'{os.path.basename(args.pred_file)} vs '
                       f'{os.path.basename(args.gt_file)}'),
                xlabel=f'predicted ({args.key})',
                ylabel=f'ground truth ({args.gt_key})',
                metrics=metrics)
            print(f'wrote plot to {args.plot}')
        if args.json:
            atomic_write_json(args.json, dict(
                pred_file=args.pred_file, gt_file=args.gt_file,
                key=args.key, gt_key=args.gt_key, matched_by=mode,
                metrics={k: (None if isinstance(v, float) and math.isnan(v)
                             else v) for k, v in metrics.items()}))
            print(f'wrote metrics to {args.json}')
    except OSError as e:
        print(f'error: cannot write output: {e}', file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
