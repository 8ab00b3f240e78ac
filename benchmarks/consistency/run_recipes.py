"""Train every recipe under one budget, score the benchmark codes, rank.

Usage (from the repository root)::

    python benchmarks/consistency/run_recipes.py [--budget 24] [--recipes spos ...]

Each recipe is a CPU config of ``configs/supernet/`` on the embedded digits
task and the benchmark's tiny space. Equal budget: every recipe gets the same
number of subnet passes, ``max_epochs = round(budget / K)`` where K is the
subnets per step. Each trained supernet scores ``archs.json`` with every BN
mode (``tools/eval_subnets.py``), and each score file is compared with
``ground_truth.json`` (Kendall tau, Pearson, on top-1 and on -CE). Steps whose
outputs exist are skipped, so the script resumes where it stopped. Writes
``results.json``, ``results.md`` and a scatter plot per recipe into
``benchmarks/consistency/results/``; wall times are measured here and include
interpreter start-up.
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

#: name -> (config, subnets per step K, extra --cfg-options)
RECIPES = {
    'spos': ('demo_spos_digits.py', 1, ['model.num_subnets=1']),
    'fairnas': ('demo_fairnas_digits.py', 7, []),
    'sandwich_inplace_kd': ('demo_bignas_sandwich_digits.py', 4, []),
    'biased_by_size': ('demo_biased_digits.py', 4, []),
    'rdnas_rank_loss': ('demo_rdnas_rankloss_digits.py', 4, []),
    'official_baseline': ('demo_official_baseline_digits.py', 2, []),
    'pinas_stage2': ('demo_pinas_stage2_digits.py', 4, []),
}
BN_MODES = ('supernet', 'recalibrate', 'batch_stats')
#: recipes that start from another run: name -> (config, checkpoint it makes)
PRE_STAGES = {
    'pinas_stage2': ('demo_pinas_stage1_digits.py',
                     'work_dirs/demo_pinas_stage1_digits/epoch_2.pth'),
}
#: frozen teacher of the official baseline: the standalone max network
TEACHER = 'work_dirs/bench/teacher_max.pth'
MAX_CODE = '122321111111111111111111'


def run(cmd, log):
    """Run a command, append its output to ``log``, return wall seconds."""
    start = time.perf_counter()
    with open(log, 'a') as f:
        subprocess.run(cmd, check=True, stdout=f, stderr=subprocess.STDOUT,
                       cwd=ROOT)
    return time.perf_counter() - start


def train_teacher(path: str) -> None:
    """Standalone-train the max code (configs/standalone/digits_tiny.py)
    and keep its weights as the official baseline's teacher."""
    import torch
    work = os.path.join(os.path.dirname(path), 'teacher')
    os.makedirs(work, exist_ok=True)
    run([sys.executable, 'tools/train_standalone.py',
         'configs/standalone/digits_tiny.py', '--arch', MAX_CODE, '--seed',
         '0', '--work-dir', work], os.path.join(work, 'bench.log'))
    ckpt = torch.load(os.path.join(work, 'epoch_8.pth'), map_location='cpu',
                      weights_only=False)
    torch.save(ckpt['state_dict'], path)


def load_json(path, default=None):
    if not os.path.exists(path):
        return default
    with open(path) as f:
        return json.load(f)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--budget', type=int, default=24,
                        help='subnet passes per training image (epochs x K)')
    parser.add_argument('--recipes', nargs='+', default=list(RECIPES))
    parser.add_argument('--work-dir', default='work_dirs/bench/recipes')
    args = parser.parse_args()

    import nasbench_cvpr  # noqa: F401
    from nasbench_cvpr.evaluation import plot_ranking, ranking_metrics
    from nasbench_cvpr.utils import atomic_write_json, atomic_write_text

    out_dir = os.path.join(HERE, 'results')
    os.makedirs(out_dir, exist_ok=True)
    results_path = os.path.join(out_dir, 'results.json')
    results = load_json(results_path, {})
    gt = load_json(os.path.join(HERE, 'ground_truth.json'))
    if gt is None:
        sys.exit('ground_truth.json is missing: run make_ground_truth.py')
    refs = load_json(os.path.join(HERE, 'reference_points.json'), {})
    archs = os.path.join(HERE, 'archs.json')
    teacher = os.path.join(ROOT, TEACHER)
    if 'official_baseline' in args.recipes and not os.path.exists(teacher):
        train_teacher(teacher)
    for name in args.recipes:
        config, k, extra = RECIPES[name]
        config = os.path.join('configs', 'supernet', config)
        work = os.path.join(ROOT, args.work_dir, name)
        os.makedirs(work, exist_ok=True)
        log = os.path.join(work, 'bench.log')
        epochs = max(1, round(args.budget / k))
        entry = results.setdefault(name, dict(config=config, k=k,
                                              epochs=epochs, bn_modes={}))
        ckpt = os.path.join(work, f'epoch_{epochs}.pth')
        if name in PRE_STAGES:
            pre_config, pre_ckpt = PRE_STAGES[name]
            if not os.path.exists(os.path.join(ROOT, pre_ckpt)):
                entry['pre_stage_seconds'] = run(
                    [sys.executable, 'tools/train.py',
                     os.path.join('configs', 'supernet', pre_config)], log)
        if not os.path.exists(ckpt):
            entry['train_seconds'] = run(
                [sys.executable, 'tools/train.py', config, '--work-dir', work,
                 '--cfg-options', f'train_cfg.max_epochs={epochs}',
                 f'train_cfg.val_interval={epochs}',
                 f'param_scheduler.0.T_max={epochs}', *extra], log)
        for mode in BN_MODES:
            if mode in entry['bn_modes']:
                continue
            out = os.path.join(work, f'scores_{mode}.json')
            seconds = run([sys.executable, 'tools/eval_subnets.py', config,
                           ckpt, '--arch-file', archs, '--out', out,
                           '--bn-mode', mode, '--work-dir', work], log)
            metrics = load_json(out.replace('.json', '.metrics.json'))
            keys = [key for key in gt if key in metrics]
            row = dict(score_seconds=seconds)
            for score in ('top1', 'neg_ce'):
                m = ranking_metrics([metrics[key][score] for key in keys],
                                    [gt[key]['acc'] for key in keys])
                row[score] = dict(kendall_tau=m['kendall_tau'],
                                  pearson=m['pearson'])
            if mode == 'recalibrate':
                plot_ranking([metrics[key]['top1'] for key in keys],
                             [gt[key]['acc'] for key in keys],
                             os.path.join(out_dir, f'{name}.png'),
                             title=f'{name} (recalibrated BN)',
                             xlabel='supernet top-1',
                             ylabel='standalone top-1 (mean of seeds)')
            entry['bn_modes'][mode] = row
            atomic_write_json(results_path, results)
        atomic_write_json(results_path, results)
    atomic_write_text(os.path.join(out_dir, 'results.md'),
                      markdown_table(results, refs))
    print(markdown_table(results, refs))


def markdown_table(results: dict, refs: dict) -> str:
    """README table: tau, Pearson, tau / noise ceiling, tau - FLOPs tau."""
    ceiling = refs.get('noise_ceiling', {}).get('acc', {}).get('mean_tau')
    flops = refs.get('proxies', {}).get('flops', {}).get('acc', {}).get(
        'kendall_tau')
    lines = ['| recipe | K | epochs | BN mode | tau (top-1) | Pearson | '
             'tau / ceiling | tau - FLOPs tau | tau (-CE) | train s | '
             'score s |', '|' + '---|' * 11]
    for name, e in results.items():
        for mode, row in e['bn_modes'].items():
            tau = row['top1']['kendall_tau']
            rel = f'{tau / ceiling:.2f}' if ceiling else 'n/a'
            gap = f'{tau - flops:+.3f}' if flops is not None else 'n/a'
            lines.append(
                f'| {name} | {e["k"]} | {e["epochs"]} | {mode} | {tau:.3f} | '
                f'{row["top1"]["pearson"]:.3f} | {rel} | {gap} | '
                f'{row["neg_ce"]["kendall_tau"]:.3f} | '
                f'{e.get("train_seconds", float("nan")):.0f} | '
                f'{row["score_seconds"]:.0f} |')
    return '\n'.join(lines) + '\n'


if __name__ == '__main__':
    main()
