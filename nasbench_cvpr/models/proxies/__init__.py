"""Zero-cost proxies and size counters."""
from .size import count_flops, count_params
from .zero_cost import (PROXY_ALIASES, BaseProxy, FlopsProxy, ParamsProxy,
                        ZenScoreProxy, build_proxy, known_proxy_names)

__all__ = [
    'count_flops', 'count_params', 'PROXY_ALIASES', 'BaseProxy', 'FlopsProxy',
    'ParamsProxy', 'ZenScoreProxy', 'build_proxy', 'known_proxy_names'
]
