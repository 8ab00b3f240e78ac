"""Train a supernet (or a standalone network) from a config.

Usage::

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]]
        [--cfg-options k=v ...] [--launcher none|pytorch]

Multi-process: ``bash tools/dist_train.sh CONFIG N`` (torchrun). The process
group uses nccl when CUDA is available and gloo otherwise; it is initialised
here, before the Runner, because mmengine's ``init_dist`` always calls
``torch.cuda.set_device`` and so cannot start a CPU group.
"""
import argparse
import os
import os.path as osp
import sys

import nasbench_cvpr  # noqa: F401  (first: makes mmrazor importable)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train with a config')
    parser.add_argument('config', help='config file')
    parser.add_argument('--work-dir', help='where logs and checkpoints go')
    parser.add_argument('--resume', nargs='?', const='auto', default=None,
                        help='resume from CKPT, or the latest checkpoint of '
                        'the work dir when no path is given')
    parser.add_argument('--cfg-options', nargs='+', default=None,
                        help='override config keys, e.g. train_cfg.max_epochs=2')
    parser.add_argument('--launcher', choices=['none', 'pytorch'],
                        default='none')
    # torch < 2 launchers pass --local_rank, torch 2 passes --local-rank
    parser.add_argument('--local-rank', '--local_rank', type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def build_cfg(args: argparse.Namespace):
    from tools_common import load_config
    cfg = load_config(args.config, args.cfg_options)
    cfg.launcher = args.launcher
    if args.work_dir:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    return cfg


def main(argv=None) -> int:
    args = parse_args(argv)
    cfg = build_cfg(args)
    if args.launcher == 'pytorch':
        from tools_common import init_process_group
        init_process_group()
    from nasbench_cvpr.registry import RUNNERS
    cfg.setdefault('runner_type', 'NASRunner')
    runner = RUNNERS.build(cfg)
    runner.train()
    return 0


if __name__ == '__main__':
    sys.exit(main())
