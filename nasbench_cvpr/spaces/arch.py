"""Structured architecture shared by every ResNet-shaped search space.

A codec decodes a code string into a :class:`ResNetArch`; the supernet, the
static network, the exporter and the size proxies all consume this structure,
so none of them needs to know what the code's characters mean.
"""
from dataclasses import dataclass
from typing import Optional, Tuple


#: Activations after a block's residual addition: ``'relu'`` (ResNet) or
#: ``'mish'`` (the CVPR 2022 3rd place's ``resnet48_mish`` backbone).
OUTER_ACTIVATIONS = ('relu', 'mish')


def check_outer_activation(name: str) -> str:
    """Validate an outer activation name (see :data:`OUTER_ACTIVATIONS`)."""
    if name not in OUTER_ACTIVATIONS:
        raise ValueError(f'outer_activation must be one of '
                         f'{list(OUTER_ACTIVATIONS)}, got {name!r}')
    return name


@dataclass(frozen=True)
class BlockSpec:
    """One BasicBlock: conv3x3(stride) in->mid, conv3x3 mid->out, shortcut.

    Args:
        in_channels: Width of the block's input.
        mid_channels: Output width of the first conv.
        out_channels: Output width of the second conv and of the block.
        stride: Stride of the first conv and of the projection shortcut.
        projection: Whether the block's standard shortcut is a 1x1 conv +
            BN projection. Search spaces set it by their own rule (see
            :meth:`BaseSearchSpace.needs_projection`); ``None`` (a block
            built by hand) means the ResNet48 rule: stride != 1 or the
            widths differ.
    """
    in_channels: int
    mid_channels: int
    out_channels: int
    stride: int
    projection: Optional[bool] = None

    def __post_init__(self) -> None:
        if self.projection is None:
            object.__setattr__(
                self, 'projection', self.stride != 1
                or self.in_channels != self.out_channels)

    @property
    def needs_projection(self) -> bool:
        """Whether the standard shortcut is a 1x1 conv + BN projection."""
        return bool(self.projection)


@dataclass(frozen=True)
class ResNetArch:
    """A fully specified ResNet of BasicBlocks.

    Args:
        stem_type: ``'imagenet'`` (conv7x7/2 + maxpool3x3/2) or ``'cifar'``
            (conv3x3/1, no pooling).
        stem_channels: Output width of the stem conv.
        stages: Active blocks of each stage, in order.
        num_classes: Output size of the classifier.
        input_size: Side of the square input image.
        in_channels: Channels of the input image.
        outer_activation: Activation after each block's residual addition,
            one of :data:`OUTER_ACTIVATIONS` (the inner one, between the
            two convs, and the stem's are always ReLU).
    """
    stem_type: str
    stem_channels: int
    stages: Tuple[Tuple[BlockSpec, ...], ...]
    num_classes: int
    input_size: int
    in_channels: int = 3
    outer_activation: str = 'relu'

    def __post_init__(self) -> None:
        check_outer_activation(self.outer_activation)

    @property
    def depths(self) -> Tuple[int, ...]:
        """Number of active blocks per stage."""
        return tuple(len(stage) for stage in self.stages)

    @property
    def blocks(self) -> Tuple[BlockSpec, ...]:
        """All active blocks, stage by stage."""
        return tuple(block for stage in self.stages for block in stage)

    @property
    def out_channels(self) -> int:
        """Width of the features fed to the classifier."""
        return self.stages[-1][-1].out_channels
