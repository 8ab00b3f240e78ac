"""Gradient averaging over processes, once per optimizer step.

The algorithms of this package are wrapped by
:class:`~nasbench_cvpr.models.wrappers.SupernetDistributedWrapper`, not by
DDP, and call :func:`average_gradients` themselves right before
``optim_wrapper.step()``.

One update rule whatever the number of processes: with one process a
parameter that no subnet of the step used keeps ``grad=None``, so the
optimizer skips it (no momentum, no weight decay). :func:`average_gradients`
keeps that rule with several processes: a parameter that no process used
keeps ``grad=None`` on every process instead of receiving an all-zero
gradient that weight decay and momentum would act on.
"""
from typing import Iterable

import torch
import torch.distributed as dist
from torch import nn


def average_gradients(params: Iterable[nn.Parameter]) -> None:
    """Average the gradients of ``params`` over all processes (one
    all-reduce of one flat buffer); a no-op without a process group or with
    a single process.

    Parameters with ``requires_grad=False`` are skipped. The buffer also
    carries one "used" flag per parameter (its gradient is not ``None`` on
    this process), so every process learns, from the same reduced numbers,
    which parameters any process used:

    * used by no process: the gradient stays ``None`` everywhere, so the
      optimizer leaves the parameter alone, exactly as with one process
      (all processes draw the same codes, so they agree anyway; the flags
      make this robust when they do not);
    * used by some processes only: the others count it as zeros and every
      process gets the average.

    Args:
        params: Parameters of the model, in the same order on every process.
    """
    if not (dist.is_available() and dist.is_initialized()) or \
            dist.get_world_size() == 1:
        return
    params = [p for p in params if p.requires_grad]
    if not params:
        return
    world = dist.get_world_size()
    ref = next((p.grad for p in params if p.grad is not None), params[0])
    pieces = [
        p.grad.reshape(-1).to(ref.dtype) if p.grad is not None else
        torch.zeros(p.numel(), dtype=ref.dtype, device=ref.device)
        for p in params
    ]
    used = torch.tensor([float(p.grad is not None) for p in params],
                        dtype=ref.dtype, device=ref.device)
    flat = torch.cat(pieces + [used])
    dist.all_reduce(flat)
    used_by = flat[-len(params):]
    offset = 0
    for p, used_count in zip(params, used_by.tolist()):
        n = p.numel()
        if used_count > 0:
            avg = flat[offset:offset + n].view_as(p) / world
            if p.grad is None:
                p.grad = avg.to(p.dtype)
            else:
                p.grad.copy_(avg)
        else:
            p.grad = None
        offset += n
