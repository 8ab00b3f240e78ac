"""BatchNorm state handling for scoring subnets of a supernet.

mmrazor's ``CalibrateBNMixin`` calibrates on the training loader with its
augmentations, does not reset the statistics first and never restores them,
so the score of a code would depend on the codes scored before it. Here the
statistics are snapshotted once, reset, re-estimated as exact population
statistics (cumulative average) on fixed batches, and restored afterwards.
"""
from typing import Dict, Iterable, List, Tuple

import torch
from torch import Tensor, nn
from torch.nn.modules.batchnorm import _BatchNorm

BN_MODES = ('supernet', 'recalibrate', 'batch_stats')


def check_bn_mode(mode: str) -> str:
    """Validate a BN mode name."""
    if mode not in BN_MODES:
        raise ValueError(f'bn_mode must be one of {list(BN_MODES)}, '
                         f'got {mode!r}')
    return mode


def batch_norms(model: nn.Module) -> List[_BatchNorm]:
    """Every BatchNorm module that keeps running statistics."""
    return [m for m in model.modules()
            if isinstance(m, _BatchNorm) and m.track_running_stats
            and m.running_mean is not None]


class BNSnapshot:
    """Copies of every BN buffer of a model, restorable in place.

    Args:
        model: The model whose BN running statistics are saved.
    """

    def __init__(self, model: nn.Module) -> None:
        self.saved: List[Tuple[_BatchNorm, Dict[str, Tensor]]] = [
            (bn, dict(running_mean=bn.running_mean.clone(),
                      running_var=bn.running_var.clone(),
                      num_batches_tracked=bn.num_batches_tracked.clone(),
                      momentum=bn.momentum)) for bn in batch_norms(model)
        ]

    @torch.no_grad()
    def restore(self) -> None:
        """Put every saved buffer (and momentum) back."""
        for bn, state in self.saved:
            bn.running_mean.copy_(state['running_mean'])
            bn.running_var.copy_(state['running_var'])
            bn.num_batches_tracked.copy_(state['num_batches_tracked'])
            bn.momentum = state['momentum']


@torch.no_grad()
def recalibrate(model: nn.Module, batches: Iterable[Tensor]) -> None:
    """Reset BN statistics and re-estimate them on ``batches``.

    Uses ``momentum=None`` (cumulative average of per-batch statistics), so
    with equal batch sizes the result is the population mean and the mean of
    the per-batch unbiased variances, independent of any earlier state. The
    caller restores the original statistics (see :class:`BNSnapshot`).

    Args:
        model: Network whose active BN slices are recalibrated.
        batches: Pre-processed input tensors.
    """
    was_training = model.training
    for bn in batch_norms(model):
        bn.reset_running_stats()
        bn.momentum = None
    model.train()
    for inputs in batches:
        model(inputs)
    model.train(was_training)
