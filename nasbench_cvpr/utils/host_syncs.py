"""Count the reads of tensor values by the host.

Each ``item()``, ``tolist()``, ``float(t)``, ``int(t)`` or ``bool(t)`` of a
tensor on an accelerator waits for the device to finish its queued work. On
the CPU they cost nothing, but counting them there shows how often a code
path would wait on a GPU (the scoring path reads one tensor per code).
"""
import contextlib
from typing import Iterator, List

import torch

#: Tensor methods that hand a value to the host.
HOST_READS = ('item', 'tolist', '__float__', '__int__', '__bool__')


@contextlib.contextmanager
def count_host_syncs() -> Iterator[List[str]]:
    """Record the name of every host read of a tensor while the body runs
    (the methods are patched on ``torch.Tensor`` and put back afterwards).

    Yields:
        The list the names are appended to.
    """
    calls: List[str] = []
    originals = {name: getattr(torch.Tensor, name) for name in HOST_READS}

    def counting(name):
        original = originals[name]

        def wrapper(self, *args, **kwargs):
            calls.append(name)
            return original(self, *args, **kwargs)
        return wrapper

    try:
        for name in HOST_READS:
            setattr(torch.Tensor, name, counting(name))
        yield calls
    finally:
        for name, original in originals.items():
            setattr(torch.Tensor, name, original)
