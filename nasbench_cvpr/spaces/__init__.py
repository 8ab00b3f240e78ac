"""Arch-code codecs: the only place that knows what a code means."""
from .arch import BlockSpec, ResNetArch
from .base import BaseSearchSpace, ChoiceDim
from .builder import build_space
from .errors import ArchCodeError, ArchFileError
from .resnet20 import ResNet20Space
from .resnet48 import ResNet48Space, make_divisible

__all__ = [
    'BlockSpec', 'ResNetArch', 'BaseSearchSpace', 'ChoiceDim', 'build_space',
    'ArchCodeError', 'ArchFileError', 'ResNet20Space', 'ResNet48Space',
    'make_divisible'
]
from .arch_file import INVALID_KEY, check_codes, load_arch_file  # noqa: E402

__all__ += ['INVALID_KEY', 'check_codes', 'load_arch_file']
