"""Supernet training step with K subnets vs K steps of the static networks.

Usage::

    python benchmarks/training_speed.py [--k 4] [--steps 10] [--threads 1]

Side by side in one run on the same batch (batch 64, demo space, 16x16): one
``SupernetAlgorithm.train_step`` (K subnets: set arch, forward, backward,
one optimizer step) against, for the same K codes, K exported static networks
each doing forward, backward and an optimizer step. Prints milliseconds per
K-subnet step and the ratio; the two paths take turns at running first (the
second finds the batch in the CPU caches).
"""
import argparse
import time

import torch
from mmengine.optim import OptimWrapper
from mmpretrain.structures import DataSample

from nasbench_cvpr.models import export_subnet
from nasbench_cvpr.registry import MODELS

SPACE = dict(type='ResNet48Space', base_channels=(16, 32, 64, 128),
             max_depths=(2, 2, 3, 2), divisor=4, stem_type='cifar',
             num_classes=10, input_size=16)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--k', type=int, default=4)
    parser.add_argument('--steps', type=int, default=10)
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
    t_super = t_static = 0.0
    for step in range(args.steps):
        state = algo.sampler.state_dict()
        codes = algo.step_codes()
        algo.sampler.load_state_dict(state)
        nets = [export_subnet(algo.supernet, c).train() for c in codes]
        optims = [torch.optim.SGD(n.parameters(), lr=0.01, momentum=0.9)
                  for n in nets]

        def run_super() -> float:
            t0 = time.perf_counter()
            algo.train_step(data, wrapper)
            return time.perf_counter() - t0

        def run_static() -> float:
            t0 = time.perf_counter()
            for net, opt in zip(nets, optims):
                loss = torch.nn.functional.cross_entropy(
                    net(pre['inputs']), labels)
                loss.backward()
                opt.step()
                opt.zero_grad()
            return time.perf_counter() - t0

        # the path that runs second finds the batch in the CPU caches:
        # alternate the order so neither is favoured
        if step % 2 == 0:
            t_super += run_super()
            t_static += run_static()
        else:
            t_static += run_static()
            t_super += run_super()
    n = args.steps
    print(f'K={args.k} batch=64 threads={args.threads} steps={n}')
    print(f'supernet step (K subnets, 1 optimizer step): '
          f'{t_super / n * 1e3:.1f} ms')
    print(f'K static networks (K optimizer steps)       : '
          f'{t_static / n * 1e3:.1f} ms')
    print(f'ratio supernet/static: {t_super / t_static:.3f}')


if __name__ == '__main__':
    main()
