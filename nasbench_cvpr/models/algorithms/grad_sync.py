"""Gradient averaging over processes, once per optimizer step.

The algorithms of this package are wrapped by
:class:`~nasbench_cvpr.models.wrappers.SupernetDistributedWrapper`, not by
DDP, and call :func:`average_gradients` themselves right before
``optim_wrapper.step()``.
"""
from typing import Iterable

import torch
import torch.distributed as dist
from torch import nn


def average_gradients(params: Iterable[nn.Parameter]) -> None:
    """Average the gradients of ``params`` over all processes (one
    all-reduce of one flat buffer); a no-op without a process group or with
    a single process.

    Parameters with ``requires_grad=False`` are skipped. A trainable
    parameter without a gradient here (unused by this process's step) may
    have one on another process, so it counts as zeros.
    """
    if not (dist.is_available() and dist.is_initialized()) or \
            dist.get_world_size() == 1:
        return
    world = dist.get_world_size()
    grads = []
    for p in params:
        if not p.requires_grad:
            continue
        if p.grad is None:
            p.grad = torch.zeros_like(p)
        grads.append(p.grad)
    if not grads:
        return
    flat = torch.cat([g.reshape(-1) for g in grads])
    dist.all_reduce(flat)
    flat /= world
    offset = 0
    for g in grads:
        n = g.numel()
        g.copy_(flat[offset:offset + n].view_as(g))
        offset += n
