"""Arch samplers: which subnets a supernet trains at each step."""
from .base import BaseArchSampler
from .biased_size import BiasedSizeSampler
from .builder import build_sampler
from .fair_stream import FairStream
from .fixed_list import FixedListSampler
from .group import GroupSampler
from .param_weighted import ParamWeightedSampler
from .progressive import ProgressiveSampler
from .restricted_range import RestrictedRangeSampler
from .sandwich import SandwichSampler
from .size_proxy import SIZE_PROXIES, size_fn
from .staged_range import (CVPR22_2ND_STAGES, STAGE_PRESETS,
                           StagedRangeSampler)
from .strict_fair import StrictFairSampler
from .uniform import UniformSampler

__all__ = [
    'BaseArchSampler', 'BiasedSizeSampler', 'build_sampler',
    'CVPR22_2ND_STAGES', 'FairStream', 'FixedListSampler',
    'GroupSampler', 'ParamWeightedSampler', 'ProgressiveSampler', 'RestrictedRangeSampler',
    'SandwichSampler', 'SIZE_PROXIES', 'size_fn', 'STAGE_PRESETS',
    'StagedRangeSampler', 'StrictFairSampler', 'UniformSampler'
]
