"""Closed-form parameter and multiply-accumulate counts of a ResNetArch.

Counting on the decoded structure instead of building each network keeps
``tools/arch_stats.py`` fast on the 45k-code file; tests check both numbers
against the built :class:`StaticResNet` (parameters) and against hooks on its
conv/linear layers (MACs).
"""
from ...spaces import ResNetArch
from ..static_resnet import uses_projection


def _conv_out(size: int, kernel: int, stride: int, padding: int) -> int:
    return (size + 2 * padding - kernel) // stride + 1


def count_params(arch: ResNetArch, shortcut: str = 'auto') -> int:
    """Parameters of the static network: conv weights, BN affine, FC.

    Args:
        arch: Decoded architecture.
        shortcut: Shortcut policy (``'auto'`` or ``'always_conv'``).
    """
    k = 7 if arch.stem_type == 'imagenet' else 3
    total = arch.in_channels * arch.stem_channels * k * k + 2 * \
        arch.stem_channels
    for b in arch.blocks:
        total += b.in_channels * b.mid_channels * 9 + 2 * b.mid_channels
        total += b.mid_channels * b.out_channels * 9 + 2 * b.out_channels
        if uses_projection(b, shortcut):
            total += b.in_channels * b.out_channels + 2 * b.out_channels
    return total + arch.out_channels * arch.num_classes + arch.num_classes


def count_flops(arch: ResNetArch, shortcut: str = 'auto') -> int:
    """Multiply-accumulates of the conv and linear layers for one image.

    Args:
        arch: Decoded architecture (its ``input_size`` is used).
        shortcut: Shortcut policy (``'auto'`` or ``'always_conv'``).
    """
    size = arch.input_size
    if arch.stem_type == 'imagenet':
        size = _conv_out(size, 7, 2, 3)
        total = arch.in_channels * arch.stem_channels * 49 * size * size
        size = _conv_out(size, 3, 2, 1)  # max pooling: no MACs counted
    else:
        total = arch.in_channels * arch.stem_channels * 9 * size * size
    for b in arch.blocks:
        size = _conv_out(size, 3, b.stride, 1)
        area = size * size
        total += b.in_channels * b.mid_channels * 9 * area
        total += b.mid_channels * b.out_channels * 9 * area
        if uses_projection(b, shortcut):
            total += b.in_channels * b.out_channels * area
    return total + arch.out_channels * arch.num_classes
