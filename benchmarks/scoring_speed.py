"""Time per subnet: scoring on the supernet vs the exported static network.

Usage::

    python benchmarks/scoring_speed.py [--codes 20] [--repeats 3]
        [--threads 2] [--space demo|resnet48-small]

Both paths run the same work per code on the same pre-built batches:
recalibrate BN (reset + cumulative average over the calibration batches), then
evaluate. The supernet path is :class:`SubnetScorer` in one session, as in the
scoring Loop (set arch in place; the state is restored once, at the end);
the static path is the network returned by
:func:`export_subnet` (export time reported separately). Prints seconds per
subnet and the ratio, measured side by side in one run, the two paths taking
turns at running first (the second finds the batches in the CPU caches).

Each code is timed ``--repeats`` times on each path (``--repeats`` passes
over the codes). The headline ratio is the median over every back-to-back
pair of the pair's ratio (see ``timing.compare``); the ratio of each code's
fastest times and the ratio of mean times are printed beside it.
"""
import argparse
import os
import random
import sys
import time

import torch

from nasbench_cvpr.engine.bn_calibration import recalibrate
from nasbench_cvpr.engine.scoring import SubnetScorer, evaluate
from nasbench_cvpr.models import ResNetSupernet, export_subnet
from nasbench_cvpr.spaces import build_space

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timing import compare, ratio_line, timed_pair  # noqa: E402

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
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--space', choices=sorted(SPACES), default='demo')
    parser.add_argument('--calib-batches', type=int, default=2)
    parser.add_argument('--eval-batches', type=int, default=4)
    parser.add_argument('--batch-size', type=int, default=200)
    args = parser.parse_args()
    if args.repeats > 1 and args.codes < 2:
        parser.error('--repeats > 1 needs --codes >= 2: a code scored twice '
                     'in a row would reuse its cached weights')
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
    t_export = 0.0

    nets = []
    for code in codes:
        t0 = time.perf_counter()
        nets.append(export_subnet(supernet, code).eval())
        t_export += time.perf_counter() - t0

    def run_static(net) -> None:
        recalibrate(net, [x for x, _ in calib])
        evaluate(net.eval(), evals)

    # times[path][i] = the times of code i, one per repeat. Each repeat is a
    # pass over all codes, so consecutive scorer calls switch code as in the
    # Loop (a code scored twice in a row would reuse its cached weights).
    times = {'super': [[] for _ in codes], 'static': [[] for _ in codes]}
    turn = 0
    with scorer.session():  # as in the scoring Loop
        for _ in range(args.repeats):
            for i, (code, net) in enumerate(zip(codes, nets)):
                t_super, t_static = timed_pair(
                    lambda: scorer.score(code), lambda: run_static(net),
                    turn)
                times['super'][i].append(t_super)
                times['static'][i].append(t_static)
                turn += 1
    n = len(codes)
    stats = compare(times['super'], times['static'])
    print(f'space={args.space} codes={n} repeats={args.repeats} '
          f'threads={args.threads} images/code='
          f'{(args.calib_batches + args.eval_batches) * args.batch_size}')
    print(f'supernet scorer : {stats["candidate_best"] * 1e3:8.1f} ms/subnet '
          '(fastest repeat)')
    print(f'static network  : {stats["baseline_best"] * 1e3:8.1f} ms/subnet '
          f'(fastest repeat; + export {t_export / n * 1e3:.1f} ms)')
    print(ratio_line(stats, 'code'))

if __name__ == '__main__':
    main()
