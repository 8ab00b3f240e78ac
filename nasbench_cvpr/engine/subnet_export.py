"""Export a scored subnet with the BN statistics its score was computed with.

``SubnetScoringLoop`` scores a code after setting its BN statistics by a
``bn_mode``; the exported network of that code reproduces the score only if
it carries the same statistics. :func:`export_as_scored` does what
:class:`SubnetScorer` does (snapshot, set the arch, recalibrate) and copies
the subnet out before the supernet is restored.
"""
from typing import List, Optional, Sequence

import torch
from torch import Tensor, nn

from ..models.export import export_subnet
from ..models.static_resnet import StaticResNet
from .bn_calibration import BNSnapshot, check_bn_mode, recalibrate
from .scoring import Batch, prepare_batches

#: Defaults of SubnetScoringLoop's calibration settings.
DEFAULT_CALIB_NUM_IMAGES = 1000
DEFAULT_BATCH_SIZE = 64


def _dataset(loader: dict) -> dict:
    if not isinstance(loader, dict) or 'dataset' not in loader:
        raise ValueError('expected a dataloader config with a "dataset"')
    return loader['dataset']


def calibration_batches(data_preprocessor: nn.Module,
                        dataloader: dict,
                        calib_dataloader: Optional[dict] = None,
                        calib_num_images: int = DEFAULT_CALIB_NUM_IMAGES,
                        calib_seed: int = 0,
                        calib_batch_size: Optional[int] = None
                        ) -> List[Batch]:
    """The calibration batches of ``SubnetScoringLoop`` (same images, same
    batching), from its settings.

    The batch size is part of the scoring protocol (recalibrated statistics
    average per-batch variances), so it never follows the evaluation batch
    size a command line may set: ``calib_batch_size``, else the calibration
    dataloader's ``batch_size``, else the evaluation dataloader's configured
    one.

    Args:
        data_preprocessor: The model's data preprocessor.
        dataloader: The evaluation dataloader config.
        calib_dataloader: Calibration dataloader config (default:
            ``dataloader``).
        calib_num_images: Images drawn for calibration.
        calib_seed: Seed of the draw.
        calib_batch_size: Calibration batch size (see above).
    """
    batch_size = calibration_batch_size(dataloader, calib_dataloader,
                                        calib_batch_size)
    return prepare_batches(data_preprocessor,
                           _dataset(calib_dataloader or dataloader),
                           batch_size, calib_num_images, calib_seed)


def calibration_batch_size(dataloader: dict,
                           calib_dataloader: Optional[dict] = None,
                           calib_batch_size: Optional[int] = None) -> int:
    """The protocol's calibration batch size (see
    :func:`calibration_batches`)."""
    return (calib_batch_size or (calib_dataloader or {}).get('batch_size')
            or dataloader.get('batch_size', DEFAULT_BATCH_SIZE))


@torch.no_grad()
def export_as_scored(supernet: nn.Module, code: str, bn_mode: str,
                     calib_inputs: Sequence[Tensor] = (),
                     calib_momentum: Optional[float] = None) -> StaticResNet:
    """The plain network of ``code`` with the BN statistics it is scored
    with; the supernet's statistics, arch and mode are restored.

    Args:
        supernet: A ``ResNetSupernet``.
        code: The arch code.
        bn_mode: ``supernet`` (its shared statistics), ``recalibrate``
            (population statistics on ``calib_inputs``) or ``batch_stats``
            (scores use per-batch statistics, which a network in eval mode
            cannot; the supernet's statistics are exported).
        calib_inputs: Pre-processed calibration inputs for ``recalibrate``.
        calib_momentum: As for :func:`recalibrate`.

    Returns:
        A :class:`StaticResNet` in eval mode.
    """
    check_bn_mode(bn_mode)
    if bn_mode == 'recalibrate' and not calib_inputs:
        raise ValueError("bn_mode 'recalibrate' needs calibration batches")
    was_training, active = supernet.training, supernet.current_code
    snapshot = BNSnapshot(supernet)
    try:
        supernet.set_arch(code)
        if bn_mode == 'recalibrate':
            recalibrate(supernet, calib_inputs, calib_momentum)
        return export_subnet(supernet).eval()
    finally:
        snapshot.restore()
        supernet.set_arch(active)
        supernet.train(was_training)
