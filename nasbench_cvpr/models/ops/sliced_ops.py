"""mmrazor dynamic ops that slice prefix channels, with sharing variants.

mmrazor's ``DynamicConv2d``/``DynamicBatchNorm2d``/``DynamicLinear`` slice
weights with boolean masks, which copies them on every forward (measured up
to 1.66x slower than a static layer at 512 channels) and makes BN write its
running statistics back with ``masked_scatter_``. Every width in this
project is a prefix, so these subclasses slice with views instead.

They also implement the weight-sharing variants of the CVPR 2021 3rd-place
solution: ``full`` (one max-size tensor, prefix-sliced, the default),
``front`` (one tensor per input width, sliced by output width), ``end`` (one
per output width, sliced by input width) and ``independent`` (one per
(input, output) width pair). BN variants follow the same keys (its "input"
is the preceding conv's input width); the FC supports ``full`` and
``independent`` (one per input width).

``grouped`` (CVPR 2022 4th place) keeps one max-size copy per width group of
the stage the layer belongs to (see :class:`WidthGroups`); the copy is
chosen by the stage's output width, not by the layer's own widths, and is
prefix-sliced like ``full``.
"""
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmrazor.models.architectures.dynamic_ops import (DynamicBatchNorm2d,
                                                      DynamicConv2d,
                                                      DynamicLinear)
from torch import Tensor, nn

from .small_map_conv import conv2d
from .width_groups import WidthGroups

SHARING_MODES = ('full', 'front', 'end', 'independent')
GROUPED = 'grouped'


def _check_sharing(sharing: str, allowed: Sequence[str] = SHARING_MODES
                   ) -> str:
    if sharing not in allowed:
        raise ValueError(f'sharing must be one of {list(allowed)}, '
                         f'got {sharing!r}')
    return sharing


def _check_grouped(sharing: str, groups: Optional[WidthGroups]) -> None:
    if (sharing == GROUPED) != (groups is not None):
        raise ValueError(f"sharing {GROUPED!r} needs width groups, and width "
                         f"groups need sharing {GROUPED!r} (got {sharing!r})")


def _copy_slots(bank: Dict[str, List[Tensor]],
                moves: Sequence[Tuple[int, int]]) -> None:
    """Copy the tensors of slot ``src`` into slot ``dst`` for every move,
    reading every source before writing (moves may chain)."""
    sources = {src: [t.detach().clone() for t in bank[str(src)]]
               for _, src in moves}
    with torch.no_grad():
        for dst, src in moves:
            for target, value in zip(bank[str(dst)], sources[src]):
                target.copy_(value)


def _bank_key(sharing: str, width_in: int, width_out: int) -> str:
    if sharing == 'front':
        return str(width_in)
    if sharing == 'end':
        return str(width_out)
    return f'{width_in}_{width_out}'


def _bank_keys(sharing: str, in_options: Sequence[int],
               out_options: Sequence[int]) -> Dict[str, Tuple[int, int]]:
    """Bank key -> (input width, output width) of the stored tensor."""
    max_in, max_out = max(in_options), max(out_options)
    if sharing == 'front':
        return {str(i): (i, max_out) for i in in_options}
    if sharing == 'end':
        return {str(o): (max_in, o) for o in out_options}
    return {f'{i}_{o}': (i, o) for i in in_options for o in out_options}


class _DenseWeightCache:
    """Keeps a contiguous copy of the active weight for gradient-free
    passes (scoring: BN recalibration and evaluation).

    A prefix view along the input-channel dimension is not contiguous, and
    the convolution and matmul kernels copy such a weight on every call;
    scoring many batches of one subnet would copy it once per batch. Under
    ``torch.no_grad`` the copy is made once and reused while the source
    tensor (the same object, storage and in-place version: optimizer steps
    and ``load_state_dict`` bump it) and the active shape stay the same.
    With gradients enabled (training) the view itself is used, so gradients
    reach the shared tensor. One copy per layer is kept (the active
    subnet's); the cache holds the source, so its address cannot be reused
    by another tensor while cached.
    """

    _dense_cache: Optional[Tuple[Tensor, tuple, Tensor]] = None

    def _dense(self, source: Tensor, rows: int, cols: int) -> Tensor:
        """``source[:rows, :cols]``, contiguous when gradients are off."""
        if rows == source.shape[0] and cols == source.shape[1]:
            return source
        if torch.is_grad_enabled():
            return source[:rows, :cols]
        key = (source.data_ptr(), source._version, rows, cols)
        cached = self._dense_cache
        if cached is not None and cached[0] is source and cached[1] == key:
            return cached[2]
        dense = source[:rows, :cols].contiguous()
        object.__setattr__(self, '_dense_cache', (source, key, dense))
        return dense


def _prefix(tensor: Optional[Tensor], width: int) -> Optional[Tensor]:
    """The first ``width`` entries of a 1-d tensor (a view; itself if full)."""
    if tensor is None or tensor.shape[0] == width:
        return tensor
    return tensor.narrow(0, 0, width)


#: Marks a pinned layer whose tensors are not computed yet.
_TO_COMPUTE = object()


class PinnableLayer:
    """Scoring's fast path: a pinned layer computes its active tensors on
    its first gradient-free call and reuses them, unchecked, on every later
    one, until it is unpinned.

    Unpinned, every call re-reads the widths and checks the cached tensors
    (source object, storage, version), which costs a few microseconds per
    layer and forward (about 0.5% of a small subnet's scoring time). Only a
    caller that knows the arch and the weights stay fixed may pin: the
    scorer pins the layers for one code and unpins them afterwards (see
    :func:`pin_layers`). In-place updates of BN statistics
    (recalibration) are seen through the pinned views. With gradients
    enabled a pinned layer takes the normal path, so gradients reach the
    shared tensors.
    """

    _pinned = None  # None: not pinned; _TO_COMPUTE; or the tensors

    def pin(self, on: bool) -> None:
        """Pin (``True``) or unpin (``False``) the active tensors."""
        object.__setattr__(self, '_pinned', _TO_COMPUTE if on else None)

    @property
    def pinned(self) -> bool:
        """Whether the layer is pinned."""
        return self._pinned is not None

    def _fetch(self, compute):
        """``compute()``, or the pinned result of its first call."""
        pinned = self._pinned
        if pinned is None or torch.is_grad_enabled():
            return compute()
        if pinned is _TO_COMPUTE:
            pinned = compute()
            object.__setattr__(self, '_pinned', pinned)
        return pinned


def pin_layers(layers: Sequence[PinnableLayer], on: bool) -> None:
    """Pin or unpin every layer of ``layers`` (see :class:`PinnableLayer`)."""
    for layer in layers:
        layer.pin(on)


class _WidthMixin:
    """Reads the current widths from the registered mutables; under
    ``grouped`` sharing, the slot from the bound :class:`WidthGroups`."""

    _groups: Optional[WidthGroups] = None

    def _bind_groups(self, groups: Optional[WidthGroups]) -> None:
        # kept out of the module tree: the supernet registers the selector
        object.__setattr__(self, '_groups', groups)

    @property
    def width_groups(self) -> Optional[WidthGroups]:
        """The selector of ``grouped`` sharing (``None`` otherwise)."""
        return self._groups

    def _slot(self) -> str:
        return str(self._groups.current)

    def _width(self, attr: str, default: int) -> int:
        # plain dict reads: every layer asks on every forward, and
        # nn.Module.__getattr__ + ModuleDict lookups cost about as much as
        # a small layer's kernel (measured: a third of the supernet's extra
        # time over the static network)
        mutable = self._modules['mutable_attrs']._modules.get(attr)
        return default if mutable is None else mutable.current_choice


class SlicedConv2d(DynamicConv2d, _WidthMixin, _DenseWeightCache,
                   PinnableLayer):
    """Conv2d whose in/out channels are prefixes chosen by mutables.

    Args:
        in_channels: Largest input width.
        out_channels: Largest output width.
        kernel_size: Square kernel side.
        stride: Stride.
        padding: Zero padding.
        sharing: ``full``, ``front``, ``end``, ``independent`` or
            ``grouped``.
        in_options: Possible input widths (needed unless ``full``).
        out_options: Possible output widths (needed unless ``full``).
        groups: The stage's width groups (``grouped`` only).
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 kernel_size: int,
                 stride: int = 1,
                 padding: int = 0,
                 sharing: str = 'full',
                 in_options: Optional[Sequence[int]] = None,
                 out_options: Optional[Sequence[int]] = None,
                 groups: Optional[WidthGroups] = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride,
                         padding, bias=False)
        self.sharing = _check_sharing(sharing, SHARING_MODES + (GROUPED, ))
        _check_grouped(sharing, groups)
        self._bind_groups(groups)
        self.weight_bank = nn.ParameterDict()
        if sharing != 'full':
            if sharing == GROUPED:
                keys = {str(g): (in_channels, out_channels)
                        for g in range(groups.max_groups)}
            else:
                keys = _bank_keys(sharing, in_options or [in_channels],
                                  out_options or [out_channels])
            for key, (i, o) in keys.items():
                self.weight_bank[key] = nn.Parameter(
                    torch.empty(o, i, kernel_size, kernel_size))
            # the max-size tensor is not used in this mode
            del self.weight
            self.register_parameter('weight', None)

    def weights(self):
        """Every stored weight tensor (the max one or the bank)."""
        return [self.weight] if self.weight is not None else list(
            self.weight_bank.values())

    def active_weight(self) -> Tensor:
        """The weight of the current widths (see :class:`_DenseWeightCache`
        for when it is a view and when a contiguous copy)."""
        width_in = self._width('in_channels', self.in_channels)
        width_out = self._width('out_channels', self.out_channels)
        if self.sharing == 'full':
            weight = self._parameters['weight']
        elif self.sharing == GROUPED:
            weight = self.weight_bank[self._slot()]
        else:
            weight = self.weight_bank[_bank_key(self.sharing, width_in,
                                                width_out)]
        return self._dense(weight, width_out, width_in)

    def get_dynamic_params(self) -> Tuple[Tensor, None, Tuple[int, int]]:
        return self.active_weight(), None, self.padding

    def copy_slots(self, moves: Sequence[Tuple[int, int]]) -> None:
        """``grouped``: copy slot ``src`` into slot ``dst`` per move."""
        _copy_slots({k: [w] for k, w in self.weight_bank.items()}, moves)

    def slot_parameters(self, slot: int) -> List[nn.Parameter]:
        """``grouped``: the parameters of one weight slot."""
        return [self.weight_bank[str(slot)]]

    def forward(self, x: Tensor) -> Tensor:
        return conv2d(x, self._fetch(self.active_weight), None, self.stride,
                      self.padding, self.dilation)


class SlicedBatchNorm2d(DynamicBatchNorm2d, _WidthMixin, PinnableLayer):
    """BatchNorm2d over a prefix of channels, with sharing variants.

    Args:
        num_features: Largest width.
        momentum: Running-statistics momentum (``None``: cumulative average).
        track_running_stats: If ``False``, batch statistics are used in
            training and evaluation alike.
        sharing: ``full``, ``front``, ``end``, ``independent`` or
            ``grouped``.
        in_options: Input widths of the preceding conv (unless ``full``).
        out_options: Possible widths of this BN (unless ``full``).
        groups: The stage's width groups (``grouped`` only).
    """

    def __init__(self,
                 num_features: int,
                 momentum: Optional[float] = 0.1,
                 track_running_stats: bool = True,
                 sharing: str = 'full',
                 in_options: Optional[Sequence[int]] = None,
                 out_options: Optional[Sequence[int]] = None,
                 groups: Optional[WidthGroups] = None) -> None:
        super().__init__(num_features, momentum=momentum,
                         track_running_stats=track_running_stats)
        self.sharing = _check_sharing(sharing, SHARING_MODES + (GROUPED, ))
        _check_grouped(sharing, groups)
        self._bind_groups(groups)
        self.bank = nn.ModuleDict()
        self._input_mutable = None
        if sharing != 'full':
            if sharing == GROUPED:
                keys = {str(g): (num_features, num_features)
                        for g in range(groups.max_groups)}
            else:
                keys = _bank_keys(sharing, in_options or [num_features],
                                  out_options or [num_features])
            for key, (_, o) in keys.items():
                self.bank[key] = nn.BatchNorm2d(
                    o, momentum=momentum,
                    track_running_stats=track_running_stats)
            # the max-size tensors are not used in this mode
            for name in ('weight', 'bias'):
                delattr(self, name)
                self.register_parameter(name, None)
            for name in ('running_mean', 'running_var',
                         'num_batches_tracked'):
                delattr(self, name)
                self.register_buffer(name, None)

    def bind_input_mutable(self, mutable: nn.Module) -> None:
        """Tell a keyed BN which mutable holds the preceding conv's input
        width (kept out of the module tree: it is registered elsewhere)."""
        object.__setattr__(self, '_input_mutable', mutable)

    def _owner(self) -> nn.modules.batchnorm._BatchNorm:
        """The BN holding the tensors of the current widths."""
        if self.sharing == 'full':
            return self
        if self.sharing == GROUPED:
            return self.bank[self._slot()]
        width_out = self._width('num_features', self.num_features)
        width_in = self._input_mutable.current_choice \
            if self._input_mutable is not None else 0
        return self.bank[_bank_key(self.sharing, width_in, width_out)]

    def active_tensors(self) -> Dict[str, Optional[Tensor]]:
        """Views of weight, bias, running stats of the current width."""
        width = self._width('num_features', self.num_features)
        owner = self._owner()
        params, buffers = owner._parameters, owner._buffers
        return dict(weight=_prefix(params['weight'], width),
                    bias=_prefix(params['bias'], width),
                    running_mean=_prefix(buffers['running_mean'], width),
                    running_var=_prefix(buffers['running_var'], width),
                    num_batches_tracked=buffers['num_batches_tracked'])

    def copy_slots(self, moves: Sequence[Tuple[int, int]]) -> None:
        """``grouped``: copy slot ``src`` into slot ``dst`` per move
        (affine parameters and running statistics)."""
        _copy_slots({k: [t for t in (*bn.parameters(), *bn.buffers())]
                     for k, bn in self.bank.items()}, moves)

    def slot_parameters(self, slot: int) -> List[nn.Parameter]:
        """``grouped``: the parameters of one weight slot."""
        return list(self.bank[str(slot)].parameters())

    def get_dynamic_params(self):
        t = self.active_tensors()
        return t['running_mean'], t['running_var'], t['weight'], t['bias']

    _view_cache: Optional[tuple] = None

    def _active_views(self, owner: nn.Module, width: int) -> tuple:
        """(running mean, running var, weight, bias) of ``owner`` cut to
        ``width``. Making a view costs more than a small BN's kernel, so
        under ``torch.no_grad`` (scoring: many batches per code) the views
        are kept while the width and the tensors (object and storage) stay
        the same; they see in-place updates (recalibration, restores,
        loading). With gradients enabled they are made per call."""
        params, buffers = owner._parameters, owner._buffers
        tensors = (buffers['running_mean'], buffers['running_var'],
                   params['weight'], params['bias'])
        if torch.is_grad_enabled():
            return tuple(_prefix(t, width) for t in tensors)
        key = (width, ) + tuple(None if t is None else t.data_ptr()
                                for t in tensors)
        cached = self._view_cache
        if cached is not None and cached[1] == key and all(
                a is b for a, b in zip(cached[0], tensors)):
            return cached[2]
        views = tuple(_prefix(t, width) for t in tensors)
        object.__setattr__(self, '_view_cache', (tensors, key, views))
        return views

    def _active_state(self) -> tuple:
        """(owner, (running mean, running var, weight, bias) views)."""
        owner = self._owner()
        return owner, self._active_views(
            owner, self._width('num_features', self.num_features))

    def forward(self, x: Tensor) -> Tensor:
        owner, (mean, var, weight, bias) = self._fetch(self._active_state)
        # the owner's momentum: BN recalibration (and anything else that
        # walks the BatchNorm modules holding statistics) sets it on the
        # bank's BN, not on this wrapper
        momentum = owner.momentum
        factor = 0.0 if momentum is None else momentum
        if self.training and self.track_running_stats:
            tracked = owner._buffers['num_batches_tracked']
            tracked.add_(1)
            if momentum is None:
                factor = 1.0 / float(tracked)
        use_batch_stats = self.training or not self.track_running_stats
        # running stats are prefix views: F.batch_norm updates them in place
        return F.batch_norm(x, mean, var, weight, bias, use_batch_stats,
                            factor, self.eps)


class SlicedLinear(DynamicLinear, _WidthMixin, _DenseWeightCache,
                   PinnableLayer):
    """Linear layer over a prefix of input features.

    Args:
        in_features: Largest input width.
        out_features: Outputs (fixed).
        sharing: ``full``, ``independent`` (one layer per input width) or
            ``grouped`` (one max-size layer per width group of the last
            stage, prefix-sliced).
        in_options: Possible input widths (for ``independent``).
        groups: The last stage's width groups (``grouped`` only).
    """

    def __init__(self,
                 in_features: int,
                 out_features: int,
                 sharing: str = 'full',
                 in_options: Optional[Sequence[int]] = None,
                 groups: Optional[WidthGroups] = None) -> None:
        super().__init__(in_features, out_features)
        self.sharing = _check_sharing(sharing,
                                      ('full', 'independent', GROUPED))
        _check_grouped(sharing, groups)
        self._bind_groups(groups)
        self.bank = nn.ModuleDict()
        if sharing == GROUPED:
            for g in range(groups.max_groups):
                self.bank[str(g)] = nn.Linear(in_features, out_features)
        if sharing == 'independent':
            for i in in_options or [in_features]:
                self.bank[str(i)] = nn.Linear(i, out_features)
        if sharing != 'full':
            del self.weight, self.bias
            self.register_parameter('weight', None)
            self.register_parameter('bias', None)

    def get_dynamic_params(self) -> Tuple[Tensor, Tensor]:
        width = self._width('in_features', self.in_features)
        if self.sharing == 'full':
            weight = self._parameters['weight']
            return self._dense(weight, weight.shape[0], width), \
                self._parameters['bias']
        if self.sharing == GROUPED:
            layer = self.bank[self._slot()]
            return self._dense(layer.weight, layer.weight.shape[0], width), \
                layer.bias
        layer = self.bank[str(width)]
        return layer.weight, layer.bias

    def copy_slots(self, moves: Sequence[Tuple[int, int]]) -> None:
        """``grouped``: copy slot ``src`` into slot ``dst`` per move."""
        _copy_slots({k: [layer.weight, layer.bias]
                     for k, layer in self.bank.items()}, moves)

    def slot_parameters(self, slot: int) -> List[nn.Parameter]:
        """``grouped``: the parameters of one weight slot."""
        return list(self.bank[str(slot)].parameters())

    def forward(self, x: Tensor) -> Tensor:
        weight, bias = self._fetch(self.get_dynamic_params)
        return F.linear(x, weight, bias)
