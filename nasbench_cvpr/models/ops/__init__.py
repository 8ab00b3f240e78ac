"""Dynamic ops and mutables used by the supernets."""
from .mutable_channel import PrefixMutableChannel
from .sliced_ops import (GROUPED, SHARING_MODES, PinnableLayer,
                         SlicedBatchNorm2d, SlicedConv2d, SlicedLinear,
                         pin_layers)
from .width_groups import WidthGroups

__all__ = [
    'GROUPED', 'PinnableLayer', 'PrefixMutableChannel', 'SHARING_MODES',
    'SlicedBatchNorm2d', 'SlicedConv2d', 'SlicedLinear', 'WidthGroups',
    'pin_layers'
]
