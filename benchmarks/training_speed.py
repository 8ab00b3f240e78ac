"""Supernet training step with K subnets vs K steps of the static networks.

Usage::

    python benchmarks/training_speed.py [--k 4] [--steps 10] [--repeats 3]
        [--threads 1]

Side by side in one run on the same batch (batch 64, demo space, 16x16): one
``SupernetAlgorithm.train_step`` (K subnets: set arch, forward, backward,
one optimizer step) against, for the same K codes, K exported static networks
each doing forward, backward and an optimizer step. Prints milliseconds per
K-subnet step and the ratio; the two paths take turns at running first (the
second finds the batch in the CPU caches). Each step's K codes are timed
``--repeats`` times on each path; the headline ratio is the median over
every back-to-back pair of the pair's ratio (see ``timing.compare``), with
the ratio of fastest times and of means beside it.
"""
import argparse
import os
import sys

import torch
from mmengine.optim import OptimWrapper
from mmpretrain.structures import DataSample

from nasbench_cvpr.models import export_subnet
from nasbench_cvpr.registry import MODELS

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timing import compare, ratio_line, timed_pair  # noqa: E402

SPACE = dict(type='ResNet48Space', base_channels=(16, 32, 64, 128),
             max_depths=(2, 2, 3, 2), divisor=4, stem_type='cifar',
             num_classes=10, input_size=16)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--k', type=int, default=4)
    parser.add_argument('--steps', type=int, default=10)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--threads', type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    algo = MODELS.build(dict(
        type='SupernetAlgorithm',
        supernet=dict(type='ResNetSupernet', space=SPACE),
        sampler=dict(type='UniformSampler', seed=0), num_subnets=args.k,
        data_preprocessor=dict(type='mmpretrain.ClsDataPreprocessor',
                               num_classes=10)))
    wrapper = OptimWrapper(torch.optim.SGD(algo.parameters(), lr=0.01,
                                           momentum=0.9))
    g = torch.Generator().manual_seed(0)
    data = dict(inputs=[torch.randint(0, 255, (3, 16, 16), dtype=torch.uint8,
                                      generator=g) for _ in range(64)],
                data_samples=[DataSample().set_gt_label(i % 10)
                              for i in range(64)])
    pre = algo.data_preprocessor(data, True)
    labels = torch.cat([s.gt_label for s in pre['data_samples']])
    algo.train_step(data, wrapper)  # warm-up
    times = {'super': [], 'static': []}
    turn = 0
    for step in range(args.steps):
        state = algo.sampler.state_dict()
        codes = algo.step_codes()
        nets = [export_subnet(algo.supernet, c).train() for c in codes]
        optims = [torch.optim.SGD(n.parameters(), lr=0.01, momentum=0.9)
                  for n in nets]

        def run_static() -> None:
            for net, opt in zip(nets, optims):
                loss = torch.nn.functional.cross_entropy(
                    net(pre['inputs']), labels)
                loss.backward()
                opt.step()
                opt.zero_grad()

        per_step = {'super': [], 'static': []}
        for _ in range(args.repeats):
            algo.sampler.load_state_dict(state)  # the same K codes each time
            t_super, t_static = timed_pair(
                lambda: algo.train_step(data, wrapper), run_static, turn)
            per_step['super'].append(t_super)
            per_step['static'].append(t_static)
            turn += 1
        for path, values in per_step.items():
            times[path].append(values)
    n = args.steps
    stats = compare(times['super'], times['static'])
    print(f'K={args.k} batch=64 threads={args.threads} steps={n} '
          f'repeats={args.repeats}')
    print(f'supernet step (K subnets, 1 optimizer step): '
          f'{stats["candidate_best"] * 1e3:.1f} ms (fastest repeat)')
    print(f'K static networks (K optimizer steps)       : '
          f'{stats["baseline_best"] * 1e3:.1f} ms (fastest repeat)')
    print(ratio_line(stats, 'step'))

if __name__ == '__main__':
    main()
