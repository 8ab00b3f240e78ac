"""Fresh Gaussian pixel noise on normalised grey-scale batches.

The benchmark task trains on clean digits with new noise on every batch and
evaluates on images with fixed noise of the same std (``DigitsDataset``'s
``noise_std``). Inputs are normalised as ``(x - 127.5) / 127.5``, i.e. twice
the [0, 1] pixel scale, so noise of ``std`` on that scale is ``2 * std`` here;
one draw per pixel is shared by the 3 channels (grey images repeated to RGB)
and the result is clipped to the pixel range, like the fixed noise.
"""
from typing import Optional, Tuple

import torch
from torch import Tensor

from ..registry import BATCH_AUGMENTS


def add_pixel_noise(inputs: Tensor, std: float,
                    generator: Optional[torch.Generator] = None) -> Tensor:
    """Return ``inputs`` (N, C, H, W in [-1, 1]) with fresh clipped noise.

    Args:
        inputs: Normalised batch.
        std: Noise std on the [0, 1] pixel scale.
        generator: Optional random generator (default: torch's global one).
    """
    noise = torch.randn((inputs.shape[0], 1) + tuple(inputs.shape[2:]),
                        generator=generator, device=inputs.device)
    return (inputs + 2 * std * noise).clamp(-1.0, 1.0)


@BATCH_AUGMENTS.register_module()
class PixelNoise:
    """mmpretrain batch augmentation adding :func:`add_pixel_noise`.

    Args:
        std: Noise std on the [0, 1] pixel scale.
    """

    def __init__(self, std: float) -> None:
        if std < 0:
            raise ValueError(f'std must be >= 0, got {std}')
        self.std = std

    def __call__(self, inputs: Tensor, batch_score: Tensor
                 ) -> Tuple[Tensor, Tensor]:
        return add_pixel_noise(inputs, self.std), batch_score
