"""Distributed wrapper that leaves gradient sync to the algorithm."""
from typing import Any, Dict

import torch
import torch.distributed as dist
from mmengine.optim import OptimWrapper
from torch import nn

from ...registry import MODEL_WRAPPERS


@MODEL_WRAPPERS.register_module()
class SupernetDistributedWrapper(nn.Module):
    """Holds the algorithm on each process without DDP's per-backward hooks.

    DDP would all-reduce after each of the K subnet backwards and fail on
    parameters a subnet does not use; :class:`SupernetAlgorithm` instead
    averages gradients once per batch. This wrapper broadcasts rank 0's
    parameters and buffers at start (identical initialisation) and rank 0's
    buffers (BN statistics) after every step, as DDP's
    ``broadcast_buffers=True`` does. Works with gloo (CPU) and nccl (GPU).

    Args:
        module: The algorithm to wrap.
        broadcast_buffers: Broadcast buffers from rank 0 after each step.
    """

    def __init__(self, module: nn.Module, broadcast_buffers: bool = True) -> None:
        super().__init__()
        self.module = module
        self.broadcast_buffers = broadcast_buffers
        self._broadcast(self.module.state_dict().values())

    @staticmethod
    def _broadcast(tensors) -> None:
        if dist.is_available() and dist.is_initialized():
            for t in tensors:
                if isinstance(t, torch.Tensor):
                    dist.broadcast(t, src=0)

    def train_step(self, data: Any, optim_wrapper: OptimWrapper) -> Dict:
        log_vars = self.module.train_step(data, optim_wrapper)
        if self.broadcast_buffers:
            self._broadcast(self.module.buffers())
        return log_vars

    def val_step(self, data: Any) -> list:
        return self.module.val_step(data)

    def test_step(self, data: Any) -> list:
        return self.module.test_step(data)

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)
