"""BatchNorm state handling for scoring subnets of a supernet.

mmrazor's ``CalibrateBNMixin`` calibrates on the training loader with its
augmentations, does not reset the statistics first and never restores them,
so the score of a code would depend on the codes scored before it. Here the
statistics are snapshotted once, reset, re-estimated as exact population
statistics (cumulative average) on fixed batches, and restored afterwards.
"""
from typing import Dict, Iterable, List, Optional, Tuple

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


def check_calib_momentum(momentum: Optional[float]) -> Optional[float]:
    """Validate a calibration momentum (``None`` or in (0, 1])."""
    if momentum is not None and not 0 < momentum <= 1:
        raise ValueError(f'calib_momentum must be None (reset, then the '
                         f'cumulative average) or in (0, 1], got {momentum}')
    return momentum


@torch.no_grad()
def recalibrate(model: nn.Module, batches: Iterable[Tensor],
                momentum: Optional[float] = None) -> None:
    """Re-estimate BN statistics on ``batches``.

    With ``momentum=None`` the statistics are reset and re-estimated as the
    cumulative average of per-batch statistics, so with equal batch sizes
    the result is the population mean and the mean of the per-batch unbiased
    variances, independent of any earlier state. With a number the current
    (supernet) statistics are kept and updated as a moving average with that
    torch momentum, as Paddle's BN does in train mode (Paddle momentum 0.9 =
    torch 0.1; the CVPR 2022 2nd place's recalibration). The caller restores
    the original statistics (see :class:`BNSnapshot`).

    Args:
        model: Network whose active BN slices are recalibrated.
        batches: Pre-processed input tensors.
        momentum: ``None`` (reset + cumulative average) or the torch
            momentum of a moving average.
    """
    check_calib_momentum(momentum)
    was_training = model.training
    for bn in batch_norms(model):
        if momentum is None:
            bn.reset_running_stats()
        bn.momentum = momentum
    model.train()
    for inputs in batches:
        model(inputs)
    model.train(was_training)
