"""Export subnets of a trained supernet as plain networks.

Usage::

    python tools/export_subnet.py CONFIG CHECKPOINT
        (--arch CODE | --from-scores SCORES.json [--top N]) --out subnet.pth
        [--onnx subnet.onnx] [--bn-mode supernet|recalibrate|batch_stats]
        [--calib-num-images N] [--batch-size N] [--work-dir DIR]
        [--cfg-options k=v ...]

Writes the :class:`StandaloneResNet` of the code (``network.*`` tensors and,
in ``meta``, the code, the space config and the shortcut policy). A
standalone config fine-tunes or evaluates it with ``load_from`` (its
``model.arch`` set to the code); ``load_standalone_resnet`` in
``nasbench_cvpr.models.checkpoint_files`` builds the network from the file.

BN statistics are set as the config's ``scoring_cfg`` (and the options above,
as for ``tools/eval_subnets.py``) sets them when scoring, so the exported
network evaluates to the code's score: ``recalibrate`` (the default)
re-estimates them on the same calibration images; ``supernet`` keeps the
shared ones; ``batch_stats`` scores cannot be reproduced by a network in
eval mode (the shared statistics are exported, with a warning).

``--from-scores`` takes the ``--top`` best codes of an ``eval_subnets.py``
output (by ``acc``; ties keep file order). With ``--top`` above 1 the files
are OUT's name with ``.top1``, ``.top2``... before the extension.
``--onnx`` also writes an ONNX model (input ``[N, C, H, W]``, batch
dynamic); it needs the ``onnx`` and ``onnxscript`` packages.
"""
import argparse
import importlib.util
import os.path as osp
import sys
from typing import List, Optional

import nasbench_cvpr  # noqa: F401  (first: makes mmrazor importable)

ONNX_PACKAGES = ('onnx', 'onnxscript')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Export subnets of a supernet as plain networks')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument('--arch', help='the code to export')
    which.add_argument('--from-scores', metavar='SCORES',
                       help='scores file of tools/eval_subnets.py')
    parser.add_argument('--top', type=int, default=1,
                        help='export the N best codes of --from-scores')
    parser.add_argument('--out', required=True, help='output .pth file')
    parser.add_argument('--onnx', help='also write an ONNX model here')
    parser.add_argument('--bn-mode',
                        choices=['supernet', 'recalibrate', 'batch_stats'])
    parser.add_argument('--calib-num-images', type=int)
    parser.add_argument('--batch-size', type=int)
    parser.add_argument('--work-dir')
    parser.add_argument('--cfg-options', nargs='+', default=None)
    return parser.parse_args(argv)


def output_paths(out: str, count: int) -> List[str]:
    """``out`` for one file, else ``<root>.topI<ext>`` for I = 1..count."""
    if count == 1:
        return [out]
    root, ext = osp.splitext(out)
    return [f'{root}.top{i}{ext}' for i in range(1, count + 1)]


def missing_onnx_package() -> Optional[str]:
    """The first package ``torch.onnx.export`` needs that is not installed."""
    return next((p for p in ONNX_PACKAGES
                 if importlib.util.find_spec(p) is None), None)


def build_supernet_runner(cfg, args: argparse.Namespace):
    """The model of a Runner of ``cfg`` with CHECKPOINT loaded; the
    checkpoint must hold every supernet weight of the model (the channel
    masks are run-time state and are not checked)."""
    from mmengine.model import is_model_wrapper
    from nasbench_cvpr.registry import RUNNERS
    cfg.launcher, cfg.resume, cfg.load_from = 'none', False, None
    cfg.work_dir = args.work_dir or osp.join(
        'work_dirs', 'export_' + osp.splitext(osp.basename(args.config))[0])
    cfg.setdefault('runner_type', 'NASRunner')
    runner = RUNNERS.build(cfg)
    model = runner.model.module if is_model_wrapper(runner.model) \
        else runner.model
    if not hasattr(model, 'supernet'):
        raise ValueError(f'{args.config}: the model '
                         f'{type(model).__name__} has no supernet')
    checkpoint = runner.load_checkpoint(args.checkpoint)
    state = checkpoint.get('state_dict', checkpoint)
    expected = model.supernet.state_dict()
    missing = [k for k in expected
               if f'supernet.{k}' not in state and not k.endswith('.mask')]
    if missing:
        raise ValueError(
            f'{args.checkpoint} lacks {len(missing)} supernet tensors of '
            f'{args.config}, e.g. supernet.{missing[0]} (a checkpoint of '
            'another config? converted Paddle weights are exported by '
            'tools/convert_paddle_checkpoint.py --arch)')
    return model


def scoring_settings(cfg, args: argparse.Namespace) -> dict:
    """The config's ``scoring_cfg`` with the command-line overrides."""
    settings = dict(cfg.get('scoring_cfg', {}))
    for key in ('bn_mode', 'calib_num_images', 'batch_size'):
        if getattr(args, key) is not None:
            settings[key] = getattr(args, key)
    settings.setdefault('bn_mode', 'recalibrate')
    return settings


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.onnx and missing_onnx_package():
        print(f'error: --onnx needs the Python package '
              f'{missing_onnx_package()!r} (pip install '
              f'{" ".join(ONNX_PACKAGES)}); nothing written', file=sys.stderr)
        return 2
    if args.from_scores is None and args.top != 1:
        print('error: --top needs --from-scores', file=sys.stderr)
        return 2
    import torch
    from nasbench_cvpr.engine.subnet_export import (
        DEFAULT_CALIB_NUM_IMAGES, calibration_batches, export_as_scored)
    from nasbench_cvpr.evaluation.selection import ScoredCode, top_codes
    from nasbench_cvpr.models.checkpoint_files import (
        plain, save_standalone_checkpoint)
    from nasbench_cvpr.spaces import (ArchCodeError, ArchFileError,
                                      build_space, space_config_of)
    from tools_common import load_config, teachers_from_checkpoint
    try:
        if args.from_scores:
            chosen = top_codes(args.from_scores, args.top)
        else:
            chosen = [ScoredCode(None, args.arch, None)]
        cfg = load_config(args.config, args.cfg_options)
        try:
            space_cfg = plain(space_config_of(cfg))
            space = build_space(space_cfg)
        except ValueError as e:
            raise ValueError(f'{args.config}: {e}') from e
        for entry in chosen:  # before the (slower) model is built
            space.validate(entry.code)
        teachers_from_checkpoint(cfg, args.checkpoint)
        model = build_supernet_runner(cfg, args)
        supernet = model.supernet
    except (ArchCodeError, ArchFileError, ValueError, OSError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 2

    settings = scoring_settings(cfg, args)
    bn_mode = settings['bn_mode']
    calib = []
    if bn_mode == 'recalibrate' and not cfg.get('test_dataloader'):
        print(f'error: bn_mode recalibrate needs the test_dataloader of '
              f'{args.config} (or use --bn-mode supernet)', file=sys.stderr)
        return 2
    if bn_mode == 'recalibrate':
        calib = calibration_batches(
            model.data_preprocessor, cfg.test_dataloader,
            settings.get('calib_dataloader'),
            settings.get('calib_num_images', DEFAULT_CALIB_NUM_IMAGES),
            settings.get('calib_seed', 0),
            settings.get('calib_batch_size')).inputs()
    elif bn_mode == 'batch_stats':
        print('warning: scores with bn_mode batch_stats use per-batch '
              'statistics; the exported network keeps the supernet\'s',
              file=sys.stderr)
    paths = output_paths(args.out, len(chosen))
    onnx_paths = output_paths(args.onnx, len(chosen)) if args.onnx else []
    for i, (entry, path) in enumerate(zip(chosen, paths)):
        net = export_as_scored(supernet, entry.code, bn_mode, calib,
                               settings.get('calib_momentum'))
        save_standalone_checkpoint(
            path, net.state_dict(), supernet.space.canonical(entry.code),
            space_cfg, supernet.shortcut, supernet.bn_track_running_stats,
            meta=dict(config=args.config, checkpoint=args.checkpoint,
                      bn_mode=bn_mode, key=entry.key, score=entry.score))
        ranked = '' if entry.key is None else \
            f' (key {entry.key}, score {entry.score})'
        print(f'wrote {path}: {entry.code}{ranked}')
        if onnx_paths:
            arch = net.arch
            dummy = torch.zeros(1, arch.in_channels, arch.input_size,
                                arch.input_size)
            torch.onnx.export(net, (dummy, ), onnx_paths[i],
                              input_names=['input'], output_names=['logits'],
                              dynamic_axes={'input': {0: 'batch'},
                                            'logits': {0: 'batch'}})
            print(f'wrote {onnx_paths[i]}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
