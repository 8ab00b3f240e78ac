"""Training step of the ground-truth trainer: what each speed-up buys.

Usage::

    python benchmarks/fashion_mnist/trainer_speed.py
        [--keys arch1 arch25 arch48] [--steps 20] [--repeats 3] [--threads 1]

Side by side in one run, for each code of the arch set: three copies of its
standalone network (same initial weights) each do forward, backward and an
SGD step (Nesterov, weight decay) on the same batch of 128 28x28 images:

- ``conv2d``: every convolution through ``F.conv2d`` and the default
  for-loop SGD, as the shipped ground truth was generated;
- ``dense``: convolutions of maps of at most 4 positions as one matrix
  product (:mod:`nasbench_cvpr.models.ops.small_map_conv`);
- ``dense+fused``: that and ``SGD(fused=True)``, the trainer's setting now.

The three take turns at running first. Prints milliseconds per step and each
variant's ratio to ``conv2d`` (median of back-to-back pairs, see
``timing.compare``), per code and over all codes, and the largest
difference of the networks' logits on one batch before training.
"""
import argparse
import copy
import json
import os
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
from common import fashion_space  # noqa: E402
from timing import compare, timed_pair  # noqa: E402

#: name -> (largest map computed as a matrix product, fused SGD)
VARIANTS = {'conv2d': (0, False), 'dense': (4, False),
            'dense+fused': (4, True)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--keys', nargs='+',
                        default=['arch1', 'arch25', 'arch48'])
    parser.add_argument('--steps', type=int, default=20)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--threads', type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    from nasbench_cvpr.models import StandaloneResNet
    from nasbench_cvpr.models.ops.small_map_conv import dense_positions_limit
    space = fashion_space()
    with open(os.path.join(HERE, 'archs.json')) as f:
        archs = json.load(f)
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(128, 1, 28, 28, generator=gen)
    y = torch.randint(0, 10, (128, ), generator=gen)

    def trainer(net: torch.nn.Module, limit: int, fused: bool):
        opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9,
                              weight_decay=5e-4, nesterov=True,
                              fused=fused or None)

        def run() -> None:
            with dense_positions_limit(limit):
                for _ in range(args.steps):
                    loss = F.cross_entropy(net(x), y)
                    opt.zero_grad(set_to_none=True)
                    loss.backward()
                    opt.step()
        return run

    names = list(VARIANTS)
    candidates = names[1:]
    # per candidate: its times and those of the conv2d run paired with each,
    # one list per code
    timed = {name: ([], []) for name in candidates}
    header = ' '.join(f'{n + " ms":>15s}' for n in names)
    print(f'{"code":8s} {"params":>8s} {header} {"dense/conv2d":>12s} '
          f'{"dense+fused/conv2d":>18s} {"max |logit diff|":>16s}')
    for key in args.keys:
        torch.manual_seed(0)
        net = StandaloneResNet(space, arch=archs[key]['arch']).to(
            memory_format=torch.channels_last).eval()
        with torch.no_grad():
            with dense_positions_limit(0):
                ref = net(x)
            with dense_positions_limit(4):
                diff = (net(x) - ref).abs().max().item()
        runs = {name: trainer(copy.deepcopy(net).train(), *VARIANTS[name])
                for name in names}
        for run in runs.values():
            run()  # warm-up: allocator, index caches
        for name in candidates:
            timed[name][0].append([])
            timed[name][1].append([])
        for turn in range(args.repeats):
            for i, name in enumerate(candidates):
                d, c = timed_pair(runs[name], runs['conv2d'], turn + i)
                timed[name][0][-1].append(d / args.steps)
                timed[name][1][-1].append(c / args.steps)
        best = {name: min(timed[name][0][-1]) for name in candidates}
        best['conv2d'] = min(min(timed[n][1][-1]) for n in candidates)
        ratios = [compare([timed[n][0][-1]], [timed[n][1][-1]])[
            'paired_median'] for n in candidates]
        params = sum(p.numel() for p in net.parameters())
        cols = ' '.join(f'{1e3 * best[n]:15.1f}' for n in names)
        print(f'{key:8s} {params:8d} {cols} {ratios[0]:12.3f} '
              f'{ratios[1]:18.3f} {diff:16.2e}')
    for name in candidates:
        stats = compare(*timed[name])
        print(f'ratio {name}/conv2d: {stats["paired_median"]:.3f} (median '
              f'of back-to-back pairs; fastest per code '
              f'{stats["fastest"]:.3f}; ratio of means {stats["means"]:.3f})')

if __name__ == '__main__':
    main()
