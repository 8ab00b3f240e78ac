"""Dynamic ops and mutables used by the supernets."""
from .mutable_channel import PrefixMutableChannel
from .sliced_ops import (SHARING_MODES, SlicedBatchNorm2d, SlicedConv2d,
                         SlicedLinear)

__all__ = [
    'PrefixMutableChannel', 'SHARING_MODES', 'SlicedBatchNorm2d',
    'SlicedConv2d', 'SlicedLinear'
]
