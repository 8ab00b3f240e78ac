"""BatchNorm state handling for scoring subnets of a supernet.

mmrazor's ``CalibrateBNMixin`` calibrates on the training loader with its
augmentations, does not reset the statistics first and never restores them,
so the score of a code would depend on the codes scored before it. Here the
statistics are snapshotted once, reset, re-estimated as exact population
statistics (cumulative average) on fixed batches, and restored afterwards.
"""
from typing import Callable, Iterable, List, Optional, Sequence

import torch
from torch import Tensor, nn
from torch.nn.modules.batchnorm import _BatchNorm

from ..utils import flat_modules

BN_MODES = ('supernet', 'recalibrate', 'batch_stats')


def check_bn_mode(mode: str) -> str:
    """Validate a BN mode name."""
    if mode not in BN_MODES:
        raise ValueError(f'bn_mode must be one of {list(BN_MODES)}, '
                         f'got {mode!r}')
    return mode


def batch_norms(model: nn.Module) -> List[_BatchNorm]:
    """Every BatchNorm module that keeps running statistics."""
    return [m for m in flat_modules(model)
            if isinstance(m, _BatchNorm) and m.track_running_stats
            and m._buffers.get('running_mean') is not None]


_STATS = ('running_mean', 'running_var', 'num_batches_tracked')


def _stat_tensors(bns: Sequence[_BatchNorm]) -> List[Tensor]:
    return [bn._buffers[name] for bn in bns for name in _STATS]


class BNSnapshot:
    """Copies of every BN buffer of a model, restorable in place.

    The copies are made and put back with one ``torch._foreach_copy_``
    each, not one small copy per buffer: a supernet has a few hundred, and
    scoring snapshots once per code. :meth:`save` refreshes the same copies,
    so a scorer can keep one snapshot for all its codes.

    Args:
        model: The model whose BN running statistics are saved.
        bns: Its BN modules, if already known (see :func:`batch_norms`).
    """

    def __init__(self, model: nn.Module,
                 bns: Optional[Sequence[_BatchNorm]] = None) -> None:
        self.bns = batch_norms(model) if bns is None else list(bns)
        self._copies = [t.clone() for t in _stat_tensors(self.bns)]
        self._momenta = [bn.momentum for bn in self.bns]

    @torch.no_grad()
    def save(self) -> None:
        """Take the copies again (same modules, current values)."""
        if self._copies:
            torch._foreach_copy_(self._copies, _stat_tensors(self.bns))
        self._momenta = [bn.momentum for bn in self.bns]

    @torch.no_grad()
    def restore(self) -> None:
        """Put every saved buffer (and momentum) back."""
        if self._copies:
            torch._foreach_copy_(_stat_tensors(self.bns), self._copies)
        for bn, momentum in zip(self.bns, self._momenta):
            bn.momentum = momentum


def check_calib_momentum(momentum: Optional[float]) -> Optional[float]:
    """Validate a calibration momentum (``None`` or in (0, 1])."""
    if momentum is not None and not 0 < momentum <= 1:
        raise ValueError(f'calib_momentum must be None (reset, then the '
                         f'cumulative average) or in (0, 1], got {momentum}')
    return momentum


@torch.no_grad()
def recalibrate(model: nn.Module, batches: Iterable[Tensor],
                momentum: Optional[float] = None,
                bns: Optional[Sequence[_BatchNorm]] = None,
                train_mode: Optional[Callable[[bool], None]] = None) -> None:
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
        bns: The model's BN modules, if already known (see
            :func:`batch_norms`).
        train_mode: Sets the model's train/eval mode (default
            ``model.train``); a scorer passes its
            :class:`~nasbench_cvpr.utils.ModeSwitch`.
    """
    check_calib_momentum(momentum)
    was_training = model.training
    bns = batch_norms(model) if bns is None else bns
    if momentum is None and bns:  # reset_running_stats, batched
        means = [bn._buffers['running_mean'] for bn in bns]
        variances = [bn._buffers['running_var'] for bn in bns]
        torch._foreach_zero_(means + variances + [
            bn._buffers['num_batches_tracked'] for bn in bns])
        torch._foreach_add_(variances, 1.0)
    for bn in bns:
        bn.momentum = momentum
    train_mode = model.train if train_mode is None else train_mode
    train_mode(True)
    for count, inputs in enumerate(batches, 1):
        if momentum is None:
            # the cumulative average's factor 1 / n as a Python number, the
            # value BN would compute from num_batches_tracked: reading that
            # counter would wait for the device once per layer and batch
            for bn in bns:
                bn.momentum = 1.0 / count
        model(inputs)
    for bn in bns:
        bn.momentum = momentum
    train_mode(was_training)
