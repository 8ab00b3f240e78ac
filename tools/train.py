"""Train a supernet (or a standalone network) from a config.

Usage::

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]]
        [--cfg-options k=v ...] [--launcher none|pytorch|slurm]

A missing or unreadable input (a checkpoint, the teacher, a data set that is
not on disk and cannot be downloaded, an arch file of a sampler) gets one line
naming it and how to get or make it, and exit status 2.

Multi-process: ``bash tools/dist_train.sh CONFIG N`` (torchrun). The process
group uses nccl when CUDA is available and gloo otherwise; it is initialised
here, before the Runner, because mmengine's ``init_dist`` always calls
``torch.cuda.set_device`` and so cannot start a CPU group.
"""
import argparse
import os
import os.path as osp
import sys
from typing import Optional

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
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the lr by (processes x batch per '
                        'process) / auto_scale_lr.base_batch_size')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm'],
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
    if getattr(args, 'auto_scale_lr', False):
        # mmengine's Runner scales the optimizer's lr at train() when enabled
        base = (cfg.get('auto_scale_lr') or {}).get('base_batch_size')
        if not base:
            raise SystemExit(f'error: --auto-scale-lr needs '
                             f'auto_scale_lr.base_batch_size in {args.config}')
        cfg.auto_scale_lr = dict(base_batch_size=base, enable=True)
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    return cfg


def main(argv=None) -> int:
    args = parse_args(argv)
    cfg = build_cfg(args)
    from input_checks import INPUT_ERROR_STATUS, missing_inputs
    missing = missing_inputs(cfg)
    if missing:
        print('\n'.join(missing), file=sys.stderr)
        return INPUT_ERROR_STATUS
    from tools_common import process_group

    from nasbench_cvpr.registry import RUNNERS
    cfg.setdefault('runner_type', 'NASRunner')
    with process_group(args.launcher):
        try:
            runner = RUNNERS.build(cfg)
            runner.train()
        except Exception as e:  # noqa: BLE001 (re-raised unless recognised)
            line = input_error_line(e, cfg)
            if line is None:
                raise
            print(line, file=sys.stderr)
            return INPUT_ERROR_STATUS
    return 0


def input_error_line(exc: BaseException, cfg) -> Optional[str]:
    """The one-line message for an unreadable input of a training run (an
    arch file of a sampler, a checkpoint, a data set that cannot be
    downloaded), or ``None`` for any other error."""
    from input_checks import checkpoint_error_line, download_error_line

    from nasbench_cvpr.spaces import ArchFileError
    if isinstance(exc, ArchFileError):
        return '\n'.join(exc.lines() + [f'error: {exc.summary}'])
    return checkpoint_error_line(exc, cfg) or download_error_line(exc, cfg)


if __name__ == '__main__':
    sys.exit(main())
