"""Train one code of a space standalone (from scratch) with the Runner.

Usage::

    python tools/train_standalone.py CONFIG --arch CODE [--seed S]
        [--work-dir DIR] [--cfg-options k=v ...]

CONFIG is a standalone config (``configs/standalone/``) whose ``model`` is a
``StandaloneClassifier``; ``--arch`` replaces ``model.arch`` (default: the
config's code), ``--seed`` the run's ``randomness.seed`` (weights, batch
order, augmentation). The project's ``NASRunner`` trains and validates; the
last lines printed are the final validation top-1 (%) and cross-entropy::

    final val top-1: 74.03
    final val CE: 0.7466

and the same numbers go to ``WORK_DIR/final_metrics.json``.
"""
import argparse
import os.path as osp
import sys

import nasbench_cvpr  # noqa: F401  (first: makes mmrazor importable)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='standalone config file')
    parser.add_argument('--arch', default=None, help='arch code to train')
    parser.add_argument('--seed', type=int, default=None, help='run seed')
    parser.add_argument('--work-dir', help='where logs and checkpoints go')
    parser.add_argument('--cfg-options', nargs='+', default=None,
                        help='override config keys, '
                        'e.g. train_cfg.max_epochs=2')
    return parser.parse_args(argv)


def build_cfg(args: argparse.Namespace):
    from tools_common import load_config
    cfg = load_config(args.config, args.cfg_options)
    if args.arch is not None:
        cfg.model.arch = args.arch
    if args.seed is not None:
        cfg.randomness = dict(cfg.get('randomness', {}), seed=args.seed)
    cfg.launcher = 'none'
    if args.work_dir:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        name = osp.splitext(osp.basename(args.config))[0]
        seed = cfg.get('randomness', {}).get('seed', 0)
        cfg.work_dir = osp.join('work_dirs', name,
                                f'{cfg.model.arch}_seed{seed}')
    cfg.setdefault('runner_type', 'NASRunner')
    return cfg


def evaluate(runner) -> dict:
    """Top-1 (fraction) and mean cross-entropy of the model on the val set."""
    import torch
    from nasbench_cvpr.engine import evaluate as evaluate_batches
    model = runner.model.eval()

    def batches():
        for data in runner.val_dataloader:
            data = model.data_preprocessor(data, False)
            yield data['inputs'], torch.cat(
                [s.gt_label for s in data['data_samples']])

    metrics = evaluate_batches(model.network, batches())
    return dict(top1=metrics['top1'], ce=-metrics['neg_ce'],
                num_val=len(runner.val_dataloader.dataset))


def main(argv=None) -> int:
    args = parse_args(argv)
    import torch
    torch.set_num_threads(1)
    cfg = build_cfg(args)
    from nasbench_cvpr.registry import RUNNERS
    from nasbench_cvpr.utils import atomic_write_json
    runner = RUNNERS.build(cfg)
    runner.train()
    metrics = dict(arch=cfg.model.arch,
                   seed=cfg.get('randomness', {}).get('seed'),
                   **evaluate(runner))
    atomic_write_json(osp.join(cfg.work_dir, 'final_metrics.json'), metrics)
    print(f'final val top-1: {100 * metrics["top1"]:.2f}')
    print(f'final val CE: {metrics["ce"]:.4f}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
