"""Size of a code (parameters or MACs) for the size-aware samplers."""
from typing import Callable

from ...spaces import BaseSearchSpace
from ..proxies import build_proxy

#: Size proxies the samplers accept (names of registered zero-cost proxies).
SIZE_PROXIES = ('params', 'flops', 'channel_sum')


def size_fn(space: BaseSearchSpace, proxy: str) -> Callable[[str], float]:
    """A function mapping a code of ``space`` to its size.

    Args:
        space: Search space decoding the codes.
        proxy: ``'params'`` (parameter count), ``'flops'`` (MACs of one
            image at the space's input size) or ``'channel_sum'`` (the CVPR
            2022 1st place's channel-sum measure), scored by the registered
            zero-cost proxy of that name.

    Raises:
        ValueError: Naming ``proxy`` if it is unknown.
    """
    if proxy not in SIZE_PROXIES:
        raise ValueError(f'proxy must be one of {sorted(SIZE_PROXIES)}, '
                         f'got {proxy!r}')
    scorer = build_proxy(proxy)

    def size(code: str) -> float:
        return scorer.score(space, code)

    return size
