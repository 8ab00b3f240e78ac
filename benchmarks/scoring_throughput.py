"""Expected hours to score the challenge's codes on N GPUs: a cost model.

Usage::

    python benchmarks/scoring_throughput.py [--arch-file CODES.json]
        [--gpus 8] [--tflops 19.5] [--efficiency 0.4]
        [--eval-images 50000] [--calib-images 12800] [--batch-size 256]
        [--pageable-gbps 6] [--pinned-gbps 24] [--sync-us 30]
        [--device-gb 80] [--bf16-speedup 2.0] [--measure-syncs]

Per code, scoring runs the subnet forward over the calibration images (BN in
train mode) and the evaluation images: ``2 x MACs`` FLOPs per image, MACs
from the project's closed-form counter at 224 x 224
(``count_flops``), at ``--tflops`` x ``--efficiency`` achieved dense
throughput. On top of the arithmetic the model counts what a GPU waits for:

* **before** (the implementation this model was written against): uint8
  batches in pageable host memory, copied to the device for every code at
  ``--pageable-gbps`` and blocking; two host syncs per evaluation batch and
  one per BN layer per calibration batch, ``--sync-us`` each; fp32;
* **after**: batches kept on the device when they fit in half of
  ``--device-gb`` (else copied from pinned memory at ``--pinned-gbps``,
  overlapped with compute); one sync per code; and, with
  ``--bf16-speedup``, the speed-up of the dense arithmetic under bf16
  autocast (``scoring_cfg.autocast='bf16'``; the factor is an argument,
  not a measurement).

The figures are a model, not a measurement on a GPU; the device numbers are
arguments (defaults: an A100-class card's fp32 peak of 19.5 TFLOPS, PCIe 4
bandwidths). ``--measure-syncs`` also scores one code of a small supernet on
this CPU and counts its host syncs (``Tensor.item``, ``tolist``,
``float()``, ``int()``, ``bool()``).
"""
import argparse
import json
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CODES = os.path.join(ROOT, '..', 'shared', 'data',
                             'CVPR_2022_NAS_Track1_test.json')
FALLBACK_CODES = os.path.join(ROOT, 'tests', 'data', 'cvpr22_first200.json')
IMAGE_BYTES = 3 * 224 * 224  # uint8


def code_costs(codes: list) -> dict:
    """MACs per image and BN layers of each code of the ResNet48 space."""
    from nasbench_cvpr.models.proxies import count_flops
    from nasbench_cvpr.models.static_resnet import uses_projection
    from nasbench_cvpr.spaces import build_space
    space = build_space('resnet48')
    macs, bn_layers = [], []
    for code in codes:
        arch = space.decode(code)
        macs.append(count_flops(arch))
        # stem BN, two per block, one per projection shortcut
        bn_layers.append(1 + 2 * len(arch.blocks) + sum(
            uses_projection(b, 'auto') for b in arch.blocks))
    return dict(macs=macs, bn_layers=bn_layers)


def hours(costs: dict, args: argparse.Namespace, after: bool,
          bf16: bool = False) -> float:
    """Wall hours for all codes over ``args.gpus`` devices."""
    images = args.eval_images + args.calib_images
    throughput = args.tflops * 1e12 * args.efficiency * (
        args.bf16_speedup if bf16 else 1.0)
    eval_batches = -(-args.eval_images // args.batch_size)
    calib_batches = -(-args.calib_images // args.batch_size)
    data_bytes = images * IMAGE_BYTES
    resident = data_bytes <= 0.5 * args.device_gb * 1e9
    total = 0.0
    for macs, bns in zip(costs['macs'], costs['bn_layers']):
        compute = images * 2 * macs / throughput
        if after:
            copy = 0.0 if resident else max(
                0.0, data_bytes / (args.pinned_gbps * 1e9) - compute)
            syncs = 1
        else:
            copy = data_bytes / (args.pageable_gbps * 1e9)
            syncs = 2 * eval_batches + bns * calib_batches
        total += compute + copy + syncs * args.sync_us * 1e-6
    return total / args.gpus / 3600


def measured_syncs(eval_batches: int = 4, calib_batches: int = 3) -> int:
    """Host syncs of scoring one code (recalibrated) on a small supernet."""
    import torch

    from nasbench_cvpr.engine import SubnetScorer
    from nasbench_cvpr.models import ResNetSupernet
    from nasbench_cvpr.spaces import build_space
    from nasbench_cvpr.utils.host_syncs import count_host_syncs
    space = build_space(dict(type='ResNet48Space', base_channels=(8, 16, 16,
                                                                  32),
                             max_depths=(2, 2, 2, 2), num_classes=10,
                             input_size=32))
    net = ResNetSupernet(space).eval()
    g = torch.Generator().manual_seed(0)

    def batches(n):
        return [(torch.randn(4, 3, 32, 32, generator=g),
                 torch.randint(0, 10, (4, ), generator=g)) for _ in range(n)]

    scorer = SubnetScorer(net, batches(eval_batches), batches(calib_batches),
                          'recalibrate')
    rng = random.Random(0)
    with scorer.session():
        scorer.score(space.sample(rng))
        with count_host_syncs() as calls:
            scorer.score(space.sample(rng))
    return len(calls)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--arch-file', default=None)
    parser.add_argument('--gpus', type=int, default=8)
    parser.add_argument('--tflops', type=float, default=19.5)
    parser.add_argument('--efficiency', type=float, default=0.4)
    parser.add_argument('--eval-images', type=int, default=50000)
    parser.add_argument('--calib-images', type=int, default=12800)
    parser.add_argument('--batch-size', type=int, default=256)
    parser.add_argument('--pageable-gbps', type=float, default=6.0)
    parser.add_argument('--pinned-gbps', type=float, default=24.0)
    parser.add_argument('--sync-us', type=float, default=30.0)
    parser.add_argument('--device-gb', type=float, default=80.0)
    parser.add_argument('--bf16-speedup', type=float, default=2.0)
    parser.add_argument('--measure-syncs', action='store_true')
    args = parser.parse_args(argv)
    for name in ('gpus', 'tflops', 'efficiency', 'batch_size',
                 'pageable_gbps', 'pinned_gbps', 'device_gb'):
        if getattr(args, name) <= 0:
            parser.error(f'--{name.replace("_", "-")} must be positive')
    path = args.arch_file or (DEFAULT_CODES if os.path.exists(DEFAULT_CODES)
                              else FALLBACK_CODES)
    with open(path) as f:
        codes = [e['arch'] for k, e in json.load(f).items()
                 if k != 'invalid']
    costs = code_costs(codes)
    mean_gmacs = sum(costs['macs']) / len(codes) / 1e9
    before, after = hours(costs, args, False), hours(costs, args, True)
    bf16 = hours(costs, args, True, bf16=True)
    print(f'{len(codes)} codes of {os.path.relpath(path)}: mean '
          f'{mean_gmacs:.2f} GMACs per image; {args.eval_images} evaluation '
          f'+ {args.calib_images} calibration images per code; {args.gpus} '
          f'GPUs at {args.tflops:g} TFLOPS x {args.efficiency:g}')
    print(f'hours before: {before:.2f}')
    print(f'hours after (resident batches, one sync per code): {after:.2f}')
    print(f'hours after, with bf16 x{args.bf16_speedup:g}: {bf16:.2f}')
    print(f'ratio before/after: {before / after:.2f}')
    if args.measure_syncs:
        print(f'host syncs per scored code (measured on this CPU): '
              f'{measured_syncs()}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
