"""Official Paddle ResNet weights: safe reading, layout, conversion."""
from .convert import ConvertedWeights, convert_paddle_weights
from .convert_file import convert_pdparams_file
from .layout import (ParamSlot, arch_layout, check_layout, max_arch,
                     select_network)
from .pdparams import (PaddleCheckpointError, UnsafePickleError,
                       read_pdparams)

__all__ = [
    'ConvertedWeights', 'convert_paddle_weights', 'convert_pdparams_file',
    'ParamSlot', 'arch_layout', 'check_layout', 'max_arch', 'select_network',
    'PaddleCheckpointError', 'UnsafePickleError', 'read_pdparams'
]
