"""Time per subnet: scoring on the supernet vs the exported static network.

Usage::

    python benchmarks/scoring_speed.py [--codes 20] [--threads 2]
        [--space demo|resnet48-small]

Both paths run the same work per code on the same pre-built batches:
recalibrate BN (reset + cumulative average over the calibration batches), then
evaluate. The supernet path is :class:`SubnetScorer` (set arch in place,
restore state); the static path is the network returned by
:func:`export_subnet` (export time reported separately). Prints seconds per
subnet and the ratio, measured side by side in one run, the two paths taking
turns at running first (the second finds the batches in the CPU caches).
"""
import argparse
import random
import time

import torch

from nasbench_cvpr.engine.bn_calibration import recalibrate
from nasbench_cvpr.engine.scoring import SubnetScorer, evaluate
from nasbench_cvpr.models import ResNetSupernet, export_subnet
from nasbench_cvpr.spaces import build_space

SPACES = {
    # the demo space of configs/_base_/models/resnet48_tiny_supernet.py
    'demo': dict(type='ResNet48Space', base_channels=(16, 32, 64, 128),
                 max_depths=(2, 2, 3, 2), divisor=4, stem_type='cifar',
                 num_classes=10, input_size=16),
    # challenge code layout (depths 5-5-8-5), a quarter of the widths
    'resnet48-small': dict(type='ResNet48Space',
                           base_channels=(16, 32, 64, 128), divisor=2,
                           stem_type='cifar', num_classes=10, input_size=16),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--codes', type=int, default=20)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--space', choices=sorted(SPACES), default='demo')
    parser.add_argument('--calib-batches', type=int, default=2)
    parser.add_argument('--eval-batches', type=int, default=4)
    parser.add_argument('--batch-size', type=int, default=200)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    space = build_space(SPACES[args.space])
    supernet = ResNetSupernet(space).eval()
    g = torch.Generator().manual_seed(0)
    size = space.input_size

    def make(n):
        return [(torch.randn(args.batch_size, 3, size, size, generator=g),
                 torch.randint(0, space.num_classes, (args.batch_size, ),
                               generator=g)) for _ in range(n)]

    calib, evals = make(args.calib_batches), make(args.eval_batches)
    scorer = SubnetScorer(supernet, evals, calib, 'recalibrate')
    rng = random.Random(0)
    codes = [space.sample(rng) for _ in range(args.codes)]
    scorer.score(codes[0])  # warm-up
    t_super = t_static = t_export = 0.0

    def run_static(net) -> float:
        t0 = time.perf_counter()
        recalibrate(net, [x for x, _ in calib])
        evaluate(net.eval(), evals)
        return time.perf_counter() - t0

    def run_super(code) -> float:
        t0 = time.perf_counter()
        scorer.score(code)
        return time.perf_counter() - t0

    for i, code in enumerate(codes):
        t0 = time.perf_counter()
        net = export_subnet(supernet, code).eval()
        t_export += time.perf_counter() - t0
        # the path that runs second finds the batches in the CPU caches:
        # alternate the order so neither is favoured
        if i % 2 == 0:
            t_super += run_super(code)
            t_static += run_static(net)
        else:
            t_static += run_static(net)
            t_super += run_super(code)
    n = len(codes)
    print(f'space={args.space} codes={n} threads={args.threads} '
          f'images/code={(args.calib_batches + args.eval_batches) * args.batch_size}')
    print(f'supernet scorer : {t_super / n * 1e3:8.1f} ms/subnet')
    print(f'static network  : {t_static / n * 1e3:8.1f} ms/subnet '
          f'(+ export {t_export / n * 1e3:.1f} ms)')
    print(f'ratio supernet/static: {t_super / t_static:.3f}')


if __name__ == '__main__':
    main()
