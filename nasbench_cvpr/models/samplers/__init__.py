"""Arch samplers: which subnets a supernet trains at each step."""
from .base import BaseArchSampler
from .biased_size import BiasedSizeSampler
from .builder import build_sampler
from .fair_stream import FairStream
from .fixed_list import FixedListSampler
from .param_weighted import ParamWeightedSampler
from .progressive import ProgressiveSampler
from .restricted_range import RestrictedRangeSampler
from .sandwich import SandwichSampler
from .size_proxy import SIZE_PROXIES, size_fn
from .strict_fair import StrictFairSampler
from .uniform import UniformSampler

__all__ = [
    'BaseArchSampler', 'BiasedSizeSampler', 'build_sampler', 'FairStream',
    'FixedListSampler', 'ParamWeightedSampler', 'ProgressiveSampler',
    'RestrictedRangeSampler', 'SandwichSampler', 'SIZE_PROXIES', 'size_fn',
    'StrictFairSampler', 'UniformSampler'
]
