"""Size of a code (parameters or MACs) for the size-aware samplers."""
from typing import Callable

from ...spaces import BaseSearchSpace
from ..proxies import count_flops, count_params

#: Size proxies by name.
SIZE_PROXIES = {'params': count_params, 'flops': count_flops}


def size_fn(space: BaseSearchSpace, proxy: str) -> Callable[[str], int]:
    """A function mapping a code of ``space`` to its size.

    Args:
        space: Search space decoding the codes.
        proxy: ``'params'`` (parameter count) or ``'flops'`` (MACs of one
            image at the space's input size).

    Raises:
        ValueError: Naming ``proxy`` if it is unknown.
    """
    if proxy not in SIZE_PROXIES:
        raise ValueError(f'proxy must be one of {sorted(SIZE_PROXIES)}, '
                         f'got {proxy!r}')
    count = SIZE_PROXIES[proxy]

    def size(code: str) -> int:
        return count(space.decode(code))

    return size
