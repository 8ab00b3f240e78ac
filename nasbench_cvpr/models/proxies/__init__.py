"""Zero-cost proxies and size counters."""
from .size import count_flops, count_params

__all__ = ['count_flops', 'count_params']
