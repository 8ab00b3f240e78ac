"""One update rule for unused parameters, with 1 and with 2 processes.

A parameter that no subnet of a step used must be left alone by SGD with
momentum and weight decay, whatever the number of processes. The 2-process
checks run under ``torch.multiprocessing.spawn`` with gloo on CPU and a file
store (no port to collide with).
"""
from typing import Dict, Set, Tuple

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from mmengine.optim import OptimWrapper
from mmpretrain.structures import DataSample
from torch import nn

from nasbench_cvpr.models.algorithms.grad_sync import average_gradients
from nasbench_cvpr.models.wrappers import SupernetDistributedWrapper
from nasbench_cvpr.registry import MODELS

SPACE = dict(type='ResNet48Space', base_channels=(8, 16, 24, 32),
             max_depths=(2, 2, 3, 2), divisor=4, stem_type='cifar',
             num_classes=5, input_size=16, tie_out_channels=False)
# used by the max arch of step 1, unused by the min arch of step 2
DEEP_BLOCK = 'supernet.layers.2.2.conv1.weight'

Params = Dict[str, torch.Tensor]


def build_algorithm() -> nn.Module:
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='SupernetAlgorithm', supernet=dict(type='ResNetSupernet',
                                                space=SPACE),
        sampler=dict(type='UniformSampler', seed=0), num_subnets=1,
        data_preprocessor=dict(type='mmpretrain.ClsDataPreprocessor',
                               num_classes=5)))


def make_batch(seed: int) -> dict:
    gen = torch.Generator().manual_seed(seed)
    return dict(inputs=[torch.randint(0, 255, (3, 16, 16), dtype=torch.uint8,
                                      generator=gen) for _ in range(4)],
                data_samples=[DataSample().set_gt_label((i + seed) % 5)
                              for i in range(4)])


def unused_by_min_arch() -> Set[str]:
    """Names of the parameters a min-arch forward/backward leaves without a
    gradient (found on a separate copy)."""
    algo = build_algorithm()
    algo.supernet.set_min_arch()
    algo.supernet(torch.randn(2, 3, 16, 16)).sum().backward()
    return {n for n, p in algo.named_parameters() if p.grad is None}


def two_steps(model: nn.Module, algo: nn.Module,
              rank: int) -> Tuple[Params, Params]:
    """Step 1 trains the max arch (momentum everywhere it is used), step 2
    the min arch; returns the parameters before and after step 2."""
    wrapper = OptimWrapper(torch.optim.SGD(
        algo.parameters(), lr=0.1, momentum=0.9, weight_decay=0.01))
    space = algo.space
    algo.step_codes = lambda: [space.max_code()]
    model.train_step(make_batch(rank), wrapper)
    algo.step_codes = lambda: [space.min_code()]
    before = {n: p.detach().clone() for n, p in algo.named_parameters()}
    model.train_step(make_batch(10 + rank), wrapper)
    after = {n: p.detach().clone() for n, p in algo.named_parameters()}
    return before, after


def check_unused_unchanged(before: Params, after: Params,
                           unused: Set[str]) -> None:
    assert DEEP_BLOCK in unused and len(unused) < len(before)
    moved = {n for n in before if not torch.equal(before[n], after[n])}
    assert not moved & unused, sorted(moved & unused)
    assert moved == set(before) - unused  # the step did update the rest


def test_unused_parameter_unchanged_one_process():
    algo = build_algorithm()
    before, after = two_steps(algo, algo, rank=0)
    check_unused_unchanged(before, after, unused_by_min_arch())


def _partial_use(rank: int) -> None:
    """``a`` used by both ranks, ``b`` by rank 0 only, ``c`` by none."""
    torch.manual_seed(0)
    a, b, c = (nn.Linear(3, 2) for _ in range(3))
    x = torch.full((1, 3), float(rank + 1))
    loss = a(x).sum() + (b(x).sum() if rank == 0 else 0)
    loss.backward()
    params = [*a.parameters(), *b.parameters(), *c.parameters()]
    average_gradients(params)
    assert all(p.grad is None for p in c.parameters())
    assert torch.allclose(a.weight.grad, torch.full((2, 3), 1.5))
    assert torch.allclose(b.weight.grad, torch.full((2, 3), 0.5))
    assert torch.allclose(b.bias.grad, torch.full((2, ), 0.5))


def _worker(rank: int, store: str, unused: Set[str]) -> None:
    torch.set_num_threads(1)
    dist.init_process_group('gloo', init_method=f'file://{store}',
                            rank=rank, world_size=2)
    try:
        _partial_use(rank)
        algo = build_algorithm()
        before, after = two_steps(SupernetDistributedWrapper(algo), algo,
                                  rank)
        check_unused_unchanged(before, after, unused)
        flat = torch.cat([t.reshape(-1) for t in after.values()])
        gathered = [torch.zeros_like(flat) for _ in range(2)]
        dist.all_gather(gathered, flat)
        assert torch.equal(gathered[0], gathered[1])
    finally:
        dist.destroy_process_group()


def test_unused_parameter_unchanged_two_processes(tmp_path):
    mp.spawn(_worker, args=(str(tmp_path / 'store'), unused_by_min_arch()),
             nprocs=2, join=True)
