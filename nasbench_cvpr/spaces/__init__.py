"""Arch-code codecs: the only place that knows what a code means."""
from .arch import BlockSpec, ResNetArch
from .base import BaseSearchSpace, ChoiceDim
from .builder import build_space, space_config_of
from .errors import (ArchCodeError, ArchEntryError, ArchFileError,
                     describe_error)
from .resnet20 import ResNet20Space
from .resnet48 import ResNet48Space, make_divisible

__all__ = [
    'BlockSpec', 'ResNetArch', 'BaseSearchSpace', 'ChoiceDim', 'build_space',
    'space_config_of',
    'ArchCodeError', 'ArchEntryError', 'ArchFileError', 'describe_error',
    'ResNet20Space', 'ResNet48Space', 'make_divisible'
]
from .arch_file import (INVALID_KEY, check_codes,  # noqa: E402
                        invalid_summary, load_arch_file, read_arch_codes,
                        read_arch_file, read_valid_codes)

__all__ += [
    'INVALID_KEY', 'check_codes', 'invalid_summary', 'load_arch_file',
    'read_arch_codes', 'read_arch_file', 'read_valid_codes'
]
from .option_ranges import (CVPR22_TARGET_RANGES,  # noqa: E402
                            RANGE_PRESETS, key_matches, observed_options,
                            resolve_ranges)
from .restricted import RestrictedSpace  # noqa: E402

__all__ += [
    'CVPR22_TARGET_RANGES', 'RANGE_PRESETS',
    'key_matches', 'observed_options', 'resolve_ranges', 'RestrictedSpace'
]
