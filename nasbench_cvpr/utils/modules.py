"""A faster walk over a module tree."""
from typing import List

from torch import nn


def flat_modules(root: nn.Module) -> List[nn.Module]:
    """Every module under ``root`` (itself included), each once, in the
    order of ``root.modules()``.

    ``nn.Module.modules`` goes through ``named_modules``, a recursive
    generator that builds every module's dotted name; on a supernet with a
    few hundred modules (channel mutables, weight banks, containers) that
    is about three times slower than this loop, and scoring walks the tree
    several times per code (train/eval switches, BN snapshots).

    Args:
        root: The module whose tree is walked.
    """
    out: List[nn.Module] = []
    seen = set()
    stack = [root]
    while stack:
        module = stack.pop()
        if module is None or id(module) in seen:
            continue
        seen.add(id(module))
        out.append(module)
        # reversed: the first child is popped first (pre-order, like
        # named_modules, which also keeps a shared module's first visit)
        stack.extend(reversed(module._modules.values()))
    return out
