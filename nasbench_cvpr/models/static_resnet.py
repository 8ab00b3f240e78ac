"""Plain torch ResNet built from a :class:`ResNetArch`.

This is the standalone network of a code (the analogue of the official
``pretrain.py --arch``) and the target of :func:`export_subnet`. Module names
mirror the supernet's (``stem.conv``, ``layers.0.1.conv2``, ``fc``...), so
exporting is a name-by-name copy of sliced tensors.
"""
from typing import Optional

from collections import OrderedDict

import torch
from torch import Tensor, nn

from ..spaces import BlockSpec, ResNetArch
from .ops.small_map_conv import SmallMapConv2d


def make_stem(stem_type: str, in_channels: int, out_channels: int,
              bn: dict) -> nn.Sequential:
    """Stem of a static network: conv-BN-ReLU (+ maxpool for ImageNet)."""
    if stem_type == 'imagenet':
        conv = SmallMapConv2d(in_channels, out_channels, 7, 2, 3,
                              bias=False)
    else:
        conv = SmallMapConv2d(in_channels, out_channels, 3, 1, 1, bias=False)
    layers = [('conv', conv), ('bn', nn.BatchNorm2d(out_channels, **bn)),
              ('relu', nn.ReLU(inplace=True))]
    if stem_type == 'imagenet':
        layers.append(('pool', nn.MaxPool2d(3, 2, 1)))
    return nn.Sequential(OrderedDict(layers))


class Projection(nn.Module):
    """1x1 conv (stride, no bias) + BN shortcut."""

    def __init__(self, in_channels: int, out_channels: int, stride: int,
                 bn: dict) -> None:
        super().__init__()
        self.conv = SmallMapConv2d(in_channels, out_channels, 1, stride,
                                   bias=False)
        self.bn = nn.BatchNorm2d(out_channels, **bn)

    def forward(self, x: Tensor) -> Tensor:
        return self.bn(self.conv(x))


def make_activation(name: str) -> nn.Module:
    """The module of an outer activation name (``'relu'`` or ``'mish'``)."""
    if name == 'relu':
        return nn.ReLU(inplace=True)
    if name == 'mish':
        return nn.Mish(inplace=True)
    raise ValueError(f"outer activation must be 'relu' or 'mish', got "
                     f'{name!r}')


class BasicBlock(nn.Module):
    """conv3x3-BN-ReLU-conv3x3-BN + shortcut, then the outer activation.

    Args:
        spec: Widths and stride of the block.
        projection: Use a 1x1 conv + BN shortcut (else the identity).
        bn: Extra keyword arguments of every BatchNorm2d.
        outer_activation: Activation after the residual addition.
    """

    def __init__(self, spec: BlockSpec, projection: bool, bn: dict,
                 outer_activation: str = 'relu') -> None:
        super().__init__()
        self.conv1 = SmallMapConv2d(spec.in_channels, spec.mid_channels, 3,
                                    spec.stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(spec.mid_channels, **bn)
        self.conv2 = SmallMapConv2d(spec.mid_channels, spec.out_channels, 3,
                                    1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(spec.out_channels, **bn)
        self.relu = nn.ReLU(inplace=True)
        self.outer_act = make_activation(outer_activation)
        self.shortcut: Optional[Projection] = Projection(
            spec.in_channels, spec.out_channels, spec.stride,
            bn) if projection else None

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.shortcut is None else self.shortcut(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.outer_act(out + identity)


def uses_projection(spec: BlockSpec, shortcut: str) -> bool:
    """Whether a block has a projection shortcut under a shortcut policy.

    Args:
        spec: The block.
        shortcut: ``'auto'`` (projection where the search space's rule puts
            one, :attr:`BlockSpec.needs_projection`: stride != 1 or widths
            differ for ResNet48; first block of every stage or widths differ
            for the CVPR 2021 ResNet20) or ``'always_conv'`` (every block).
    """
    if shortcut == 'auto':
        return spec.needs_projection
    if shortcut == 'always_conv':
        return True
    raise ValueError(f"shortcut must be 'auto' or 'always_conv', "
                     f'got {shortcut!r}')


class StaticResNet(nn.Module):
    """A standalone ResNet of BasicBlocks, returning class logits.

    Args:
        arch: Decoded architecture.
        shortcut: Shortcut policy, see :func:`uses_projection`.
        bn_momentum: BatchNorm momentum (``None``: cumulative average).
        bn_track_running_stats: Keep running statistics (``False``: batch
            statistics also in eval mode, CVPR 2021 2nd place).
    """

    def __init__(self,
                 arch: ResNetArch,
                 shortcut: str = 'auto',
                 bn_momentum: Optional[float] = 0.1,
                 bn_track_running_stats: bool = True) -> None:
        super().__init__()
        self.arch = arch
        bn = dict(momentum=bn_momentum,
                  track_running_stats=bn_track_running_stats)
        self.stem = make_stem(arch.stem_type, arch.in_channels,
                              arch.stem_channels, bn)
        self.layers = nn.ModuleList(
            nn.Sequential(*[
                BasicBlock(b, uses_projection(b, shortcut), bn,
                           arch.outer_activation) for b in stage
            ]) for stage in arch.stages)
        self.fc = nn.Linear(arch.out_channels, arch.num_classes)

    def forward_features(self, x: Tensor) -> Tensor:
        """Feature map before global pooling."""
        x = self.stem(x)
        for stage in self.layers:
            x = stage(x)
        return x

    def forward(self, x: Tensor) -> Tensor:
        x = self.forward_features(x)
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1),
                                     1))
