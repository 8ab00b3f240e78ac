"""Zero-cost proxies and size counters."""
from .channel_sum import PINAS_STAGE_WEIGHTS, ChannelSumProxy
from .size import count_flops, count_params
from .zero_cost import (PROXY_ALIASES, RDNAS_ZEN_SETTINGS, BaseProxy,
                        FlopsProxy, ParamsProxy, PlainResNetFeatures,
                        RDNASZenScoreProxy, ZenScoreProxy, build_proxy,
                        known_proxy_names)

__all__ = [
    'ChannelSumProxy', 'PINAS_STAGE_WEIGHTS',
    'count_flops', 'count_params', 'PROXY_ALIASES', 'BaseProxy', 'FlopsProxy',
    'ParamsProxy', 'ZenScoreProxy', 'build_proxy', 'known_proxy_names',
    'PlainResNetFeatures', 'RDNASZenScoreProxy', 'RDNAS_ZEN_SETTINGS'
]
