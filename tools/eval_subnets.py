"""Score every code of an arch file with a trained supernet.

Usage::

    python tools/eval_subnets.py CONFIG CHECKPOINT --arch-file F --out OUT.json
        [--resume] [--skip-invalid]
        [--bn-mode supernet|recalibrate|batch_stats] [--score top1|neg_ce]
        [--calib-num-images N] [--eval-num-images N]
        [--batch-size N] [--limit N] [--autocast bf16] [--cfg-options k=v ...]
        [--launcher none|pytorch|slurm]

Runs :class:`SubnetScoringLoop` as the Runner's test loop. Defaults come from
the config's ``scoring_cfg`` (dict of the loop's arguments) and the options
above override them. Writes OUT.json in the challenge format
``{key: {"arch", "acc"}}``, OUT.metrics.json with every metric, and one
``OUT.json.rankR.jsonl`` record file per process (kept for ``--resume``).

Every entry of the arch file is validated before any code is scored: every
code that the space's ``decode`` accepts is valid (tied or untied); every bad
entry (not an object, no ``"arch"``, ``"arch"`` not a string, a repeated key)
and every invalid code is listed, one line each, and the run exits with
status 2 and writes nothing, unless ``--skip-invalid`` is given (the valid
codes are scored, the invalid ones listed under ``"invalid"`` of OUT.json).
A missing or unreadable checkpoint or data set gets one line and status 2.

Multi-process: ``torchrun --nproc_per_node N tools/eval_subnets.py ...
--launcher pytorch``; each process scores a shard, rank 0 merges.
"""
import argparse
import os.path as osp
import sys

import nasbench_cvpr  # noqa: F401  (first: makes mmrazor importable)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Score arch codes')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--arch-file', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--resume', action='store_true',
                        help='skip codes already scored by an earlier run')
    parser.add_argument('--skip-invalid', action='store_true',
                        help='score the valid codes, list the invalid ones')
    parser.add_argument('--bn-mode',
                        choices=['supernet', 'recalibrate', 'batch_stats'])
    parser.add_argument('--score', choices=['top1', 'neg_ce'])
    parser.add_argument('--calib-num-images', type=int)
    parser.add_argument('--eval-num-images', type=int)
    parser.add_argument('--batch-size', type=int)
    parser.add_argument('--autocast', choices=['bf16'], default=None,
                        help='score under bf16 autocast (scores change)')
    parser.add_argument('--limit', type=int,
                        help='score only the first N codes of the file')
    parser.add_argument('--work-dir')
    parser.add_argument('--cfg-options', nargs='+', default=None)
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm'],
                        default='none')
    parser.add_argument('--local-rank', '--local_rank', type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    import os
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    from input_checks import (INPUT_ERROR_STATUS, checkpoint_error_line,
                              download_error_line, missing_inputs)
    from tools_common import (load_config, process_group,
                              teachers_from_checkpoint)

    from nasbench_cvpr.registry import RUNNERS
    from nasbench_cvpr.spaces import ArchFileError

    cfg = load_config(args.config, args.cfg_options)
    if not osp.isfile(args.checkpoint):
        print(f'error: checkpoint {args.checkpoint} not found: pass a .pth '
              'checkpoint written by tools/train.py', file=sys.stderr)
        return INPUT_ERROR_STATUS
    loop = dict(cfg.get('scoring_cfg', {}))
    loop.update(type='SubnetScoringLoop', arch_file=args.arch_file,
                out=args.out, resume=args.resume,
                skip_invalid=args.skip_invalid)
    for key in ('bn_mode', 'score', 'calib_num_images', 'eval_num_images',
                'batch_size', 'limit', 'autocast'):
        if getattr(args, key) is not None:
            loop[key] = getattr(args, key)
    cfg.test_cfg = loop
    cfg.load_from, cfg.resume = args.checkpoint, False
    teachers_from_checkpoint(cfg, args.checkpoint)
    cfg.allow_partial_load = False  # score only a completely loaded supernet
    cfg.launcher = args.launcher
    cfg.work_dir = args.work_dir or osp.join(
        'work_dirs', 'eval_' + osp.splitext(osp.basename(args.config))[0])
    cfg.setdefault('runner_type', 'NASRunner')
    missing = missing_inputs(cfg)  # e.g. the teacher of a KD config
    if missing:
        print('\n'.join(missing), file=sys.stderr)
        return INPUT_ERROR_STATUS
    with process_group(args.launcher):
        try:
            runner = RUNNERS.build(cfg)
            runner.test()
        except ArchFileError as e:
            print('\n'.join(e.lines() + [f'error: {e.summary}']),
                  file=sys.stderr)
            return INPUT_ERROR_STATUS
        except Exception as e:  # noqa: BLE001 (re-raised unless recognised)
            line = checkpoint_error_line(e, cfg, args.checkpoint) or \
                download_error_line(e, cfg)
            if line is None:
                raise
            print(line, file=sys.stderr)
            return INPUT_ERROR_STATUS
    return 0


if __name__ == '__main__':
    sys.exit(main())
