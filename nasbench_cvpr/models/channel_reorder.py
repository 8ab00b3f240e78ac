"""Sort a network's channels by importance (once-for-all style).

Prefix subnets keep the leading channels, so before a supernet is trained
from a pretrained largest network, the official CVPR 2022 supernet training
reorders every channel group of that network by importance: the L1 norm of
the next layers' input slice of each channel. Permuting a channel group
consistently (the producing conv's outputs, its BN, and the inputs of every
layer that reads it) leaves the largest network's function unchanged.

Channel groups: each block's middle width (conv1 -> bn1 -> conv2) is one
group. Widths tied by identity shortcuts share one group: in the largest
network, the input and output of a block without projection are the same
channels, so a whole stage's output (and the stem, when stage 1 starts
without a projection) is permuted as one.
"""
from collections import OrderedDict
from typing import Dict, List, Mapping, Tuple

import torch
from torch import Tensor

from ..spaces import ResNetArch

_BN_TENSORS = ('weight', 'bias', 'running_mean', 'running_var')


class _Group:
    """One set of channels that must be permuted together."""

    def __init__(self) -> None:
        # (conv weight key, BN prefix): output channels of the group
        self.producers: List[Tuple[str, str]] = []
        # (weight key, counts for importance): input channels of the group
        self.consumers: List[Tuple[str, bool]] = []


def _channel_groups(arch: ResNetArch, state: Mapping[str, Tensor],
                    prefix: str) -> List[_Group]:
    """The channel groups of ``arch`` with the keys that touch them."""
    parent: Dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    producers: List[Tuple[str, str, str]] = []  # (space, weight, bn)
    consumers: List[Tuple[str, str, bool]] = []  # (space, weight, counts)
    p = prefix
    producers.append(('stem', f'{p}stem.conv.weight', f'{p}stem.bn.'))
    current = 'stem'
    for s, stage in enumerate(arch.stages):
        for b, spec in enumerate(stage):
            t, mid, out = f'{p}layers.{s}.{b}', f'{s}.{b}.mid', f'{s}.{b}.out'
            consumers.append((current, f'{t}.conv1.weight', True))
            producers.append((mid, f'{t}.conv1.weight', f'{t}.bn1.'))
            consumers.append((mid, f'{t}.conv2.weight', True))
            producers.append((out, f'{t}.conv2.weight', f'{t}.bn2.'))
            if f'{t}.shortcut.conv.weight' in state:
                # a supernet keeps a projection in every block; only those
                # of the largest network count for importance
                consumers.append((current, f'{t}.shortcut.conv.weight',
                                  spec.needs_projection))
                producers.append((out, f'{t}.shortcut.conv.weight',
                                  f'{t}.shortcut.bn.'))
            elif spec.needs_projection:
                consumers.append((current, f'{t}.shortcut.conv.weight', True))
            if not spec.needs_projection:
                parent[find(out)] = find(current)  # identity: same channels
            current = out
    consumers.append((current, f'{p}fc.weight', True))
    missing = [key for _, key, _ in producers + consumers if key not in state]
    if missing:
        raise KeyError(f'{missing[0]} is not in the state dict '
                       f'({len(missing)} weights missing): reordering needs '
                       'the full-size tensors of a full-sharing network')

    groups: Dict[str, _Group] = {}
    for space, weight, bn in producers:
        groups.setdefault(find(space), _Group()).producers.append((weight,
                                                                   bn))
    for space, weight, counts in consumers:
        groups.setdefault(find(space), _Group()).consumers.append((weight,
                                                                   counts))
    return list(groups.values())


def channel_importance(state: Mapping[str, Tensor],
                       group: _Group) -> Tensor:
    """L1 norm of the input slice of each channel, summed over the layers
    of the largest network that read the group."""
    total = None
    for key, counts in group.consumers:
        if not counts:
            continue
        weight = state[key].abs()
        dims = [d for d in range(weight.dim()) if d != 1]
        norm = weight.sum(dim=dims) if dims else weight
        total = norm if total is None else total + norm
    return total


def _group_orders(state: Mapping[str, Tensor], arch: ResNetArch,
                  prefix: str) -> List[Tuple[_Group, Tensor]]:
    """Every channel group with its most-important-first order."""
    return [(group,
             torch.argsort(channel_importance(state, group), descending=True,
                           stable=True))
            for group in _channel_groups(arch, state, prefix)]


def importance_orders(state: Mapping[str, Tensor], arch: ResNetArch,
                      prefix: str = '') -> Dict[str, Tensor]:
    """Most-important-first channel order of every group.

    Args:
        state: State dict of the largest network (``StaticResNet`` or full
            sharing supernet names, behind ``prefix``).
        arch: The largest network's architecture.
        prefix: Key prefix, e.g. ``'supernet.'``.

    Returns:
        ``{producing conv weight key: order}`` for every producer of every
        group (the producers of a group share one order); ``order[i]`` is
        the old index of the channel that becomes channel ``i``.
    """
    return {weight: order for group, order in _group_orders(state, arch,
                                                            prefix)
            for weight, _ in group.producers}


@torch.no_grad()
def reorder_channels(state: Mapping[str, Tensor], arch: ResNetArch,
                     prefix: str = '') -> 'OrderedDict[str, Tensor]':
    """A copy of ``state`` with every channel group sorted by importance
    (see :func:`importance_orders`).

    The largest network computes the same function; its prefix subnets now
    keep the most important channels. Keys the network does not use (e.g.
    mutable masks) are copied unchanged.

    Args:
        state: State dict of the largest network or of a full-sharing
            supernet (tensors at their largest sizes).
        arch: The largest network's architecture (its identity shortcuts
            tie channel groups).
        prefix: Key prefix, e.g. ``'supernet.'``.

    Raises:
        KeyError: Naming a tensor the network needs but ``state`` lacks
            (e.g. a supernet with non-``full`` sharing).
        ValueError: If the tensors of one group disagree in width.
    """
    new = OrderedDict((k, v.clone()) for k, v in state.items())
    for group, order in _group_orders(state, arch, prefix):
        for weight, bn in group.producers:
            keys = [weight] + [bn + name for name in _BN_TENSORS
                               if bn + name in state]
            for key in keys:
                if new[key].shape[0] != len(order):
                    raise ValueError(f'{key} has {new[key].shape[0]} '
                                     f'channels, its group {len(order)}')
                new[key] = new[key].index_select(0, order)
        # a conv is permuted twice: outputs in one group, inputs in another
        for weight, _ in group.consumers:
            if new[weight].shape[1] != len(order):
                raise ValueError(f'{weight} reads {new[weight].shape[1]} '
                                 f'channels, its group has {len(order)}')
            new[weight] = new[weight].index_select(1, order)
    return new


def reorder_supernet_channels_(supernet) -> None:
    """Sort the channels of a full-sharing ``ResNetSupernet`` in place by
    the importance in its largest network (see :func:`reorder_channels`).

    Args:
        supernet: A :class:`ResNetSupernet` (its active arch is kept).
    """
    arch = supernet.space.decode(supernet.space.max_code())
    supernet.load_state_dict(reorder_channels(supernet.state_dict(), arch))
