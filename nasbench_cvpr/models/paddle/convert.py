"""Convert official Paddle ResNet weights to this project's torch names.

The result is a state dict with :class:`StaticResNet` names (``stem.*``,
``layers.S.B.*``, ``fc.*``): the supernet's own names (see
:mod:`..checkpoint_files` for the file prefixes) for the largest network, or
the standalone network of one code.
"""
from collections import OrderedDict
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional

import numpy as np
import torch
from torch import Tensor

from ...spaces import BaseSearchSpace
from .layout import (ParamSlot, arch_layout, check_layout, layout_errors,
                     max_arch)
from .pdparams import PaddleCheckpointError

KINDS = ('auto', 'supernet', 'standalone')


@dataclass
class ConvertedWeights:
    """Torch weights converted from a Paddle file.

    Args:
        state_dict: Tensors by :class:`StaticResNet` name, BN
            ``num_batches_tracked`` included (0).
        arch: The code of the standalone network, or ``None`` for the
            supernet (the space's largest network, fixed slots).
        source_kind: Layout of the Paddle file, ``'supernet'`` or
            ``'standalone'``.
    """
    state_dict: 'OrderedDict[str, Tensor]'
    arch: Optional[str]
    source_kind: str

    @property
    def kind(self) -> str:
        """``'supernet'`` or ``'standalone'``: what the weights are for."""
        return 'supernet' if self.arch is None else 'standalone'


def _tensor(value: np.ndarray, slot: ParamSlot, path: str) -> Tensor:
    if value.dtype.kind != 'f':
        raise PaddleCheckpointError(f'{path}: {slot.paddle!r} has dtype '
                                    f'{value.dtype}, expected floats')
    tensor = torch.from_numpy(np.array(value, dtype=np.float32))
    return tensor.t().contiguous() if slot.transpose else tensor


def _to_state_dict(arrays: Mapping[str, np.ndarray], layout: List[ParamSlot],
                   path: str) -> 'OrderedDict[str, Tensor]':
    """Tensors by torch name, ``num_batches_tracked`` after each BN."""
    state: 'OrderedDict[str, Tensor]' = OrderedDict()
    for slot in layout:
        state[slot.torch] = _tensor(arrays[slot.paddle], slot, path)
        if slot.torch.endswith('.running_var'):
            bn = slot.torch[:-len('running_var')]
            state[bn + 'num_batches_tracked'] = torch.tensor(0)
    return state


def _slice_subnet(params: Mapping[str, np.ndarray],
                  supernet: List[ParamSlot], subnet: List[ParamSlot],
                  code: str, path: str) -> Dict[str, np.ndarray]:
    """The subnet's Paddle arrays cut from supernet arrays (leading
    channels), keyed by the subnet's Paddle names."""
    by_torch = {s.torch: s for s in supernet}
    arrays = {}
    for slot in subnet:
        source = by_torch.get(slot.torch)
        if source is None:
            block = slot.torch.rsplit('.shortcut', 1)[0]
            raise PaddleCheckpointError(
                f'{path}: code {code} needs a projection shortcut in '
                f'{block} ({slot.paddle.split(".downsample")[0]} of the '
                'standalone layout), which the Paddle supernet does not '
                'have (it has projections only where its largest network '
                'does)')
        arrays[slot.paddle] = params[source.paddle][tuple(
            slice(0, n) for n in slot.shape)]
    return arrays


def _detect_kind(params: Mapping[str, np.ndarray], supernet: List[ParamSlot],
                 subnet: Optional[List[ParamSlot]]) -> str:
    """The layout ``params`` has; if neither fits, the closer one (whose
    check then names the differences)."""
    if subnet is None:
        return 'supernet'
    subnet_errors = len(layout_errors(params, subnet))
    if subnet_errors == 0:
        return 'standalone'
    supernet_errors = len(layout_errors(params, supernet))
    return 'standalone' if 0 < subnet_errors < supernet_errors \
        else 'supernet'


def convert_paddle_weights(params: Mapping[str, np.ndarray],
                           space: BaseSearchSpace,
                           kind: str = 'auto',
                           arch: Optional[str] = None,
                           path: str = '<weights>') -> ConvertedWeights:
    """Map the tensors of a Paddle ResNet to torch names.

    Rules:

    * ``kind='supernet'``: the file has the fixed-slot layout of the
      space's largest network. Without ``arch`` the result is that network
      (for ``ResNetSupernet``); with ``arch`` it is the standalone network
      of ``arch``, its tensors being the leading channels of the slots of
      its active blocks (as the official supernet's subnets take them).
    * ``kind='standalone'``: the file is the standalone network of ``arch``
      (required), active blocks numbered consecutively.
    * ``kind='auto'``: supernet without ``arch``; with ``arch``, standalone
      if the file has that layout, else supernet. (For the largest code the
      two layouts coincide.)

    Paddle Linear weights are transposed, ``_mean``/``_variance`` become
    ``running_mean``/``running_var``.

    Args:
        params: ``{name: ndarray}`` of the network (training prefixes
            already removed, see :func:`select_network`).
        space: The search space the network belongs to.
        kind: Layout of the file: ``auto``, ``supernet``, ``standalone``.
        arch: Code of the standalone network to produce (or that the file
            holds).
        path: File name for error messages.

    Raises:
        PaddleCheckpointError: Naming every missing or extra key and wrong
            shape (up to 8), or a code the supernet cannot produce.
        ArchCodeError: If ``arch`` is not a code of ``space``.
    """
    if kind not in KINDS:
        raise ValueError(f'kind must be one of {list(KINDS)}, got {kind!r}')
    supernet = arch_layout(max_arch(space))
    subnet = arch_layout(space.decode(arch)) if arch is not None else None
    if kind == 'auto':
        kind = _detect_kind(params, supernet, subnet)
    if kind == 'standalone':
        if subnet is None:
            raise ValueError("kind='standalone' needs the code (arch) of "
                             'the network in the file')
        check_layout(params, subnet, path,
                     f'the standalone layout of code {arch}')
        return ConvertedWeights(_to_state_dict(params, subnet, path), arch,
                                'standalone')
    check_layout(params, supernet, path,
                 'the supernet layout (fixed slots of the largest network '
                 f'of {type(space).__name__})')
    if subnet is None:
        return ConvertedWeights(_to_state_dict(params, supernet, path), None,
                                'supernet')
    arrays = _slice_subnet(params, supernet, subnet, arch, path)
    return ConvertedWeights(_to_state_dict(arrays, subnet, path), arch,
                            'supernet')
