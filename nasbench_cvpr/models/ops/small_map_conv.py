"""Convolutions of tiny feature maps as one matrix product.

On 28x28 inputs behind the ImageNet stem (the Fashion-MNIST benchmark), the
last two stages of a ResNet run on 2x2 and 1x1 maps. There oneDNN's
convolution, above all its backward pass, is 2-8x slower than the matrix
product the convolution amounts to (``benchmarks/small_map_conv.py`` prints
the ratios): a 3x3 convolution of a 1x1 map only ever touches the kernel's
centre, and one of a 2x2 map is a dense ``(4 * C_in) -> (4 * C_out)`` linear
map whose blocks are kernel taps.

:func:`conv2d` builds that matrix from the weight with one
``index_select`` (so autograd sums each tap's gradient over the positions
that share it, in a fixed order) and multiplies; larger maps, groups,
dilation and string paddings go to :func:`torch.nn.functional.conv2d`. Both
compute the same sums in another order, so results agree to float rounding,
not bit for bit.
"""
import contextlib
import functools
from typing import Iterator, Optional, Tuple, Union

import torch
import torch.nn.functional as F
from torch import Tensor, nn

#: Largest input map (height x width) that takes the matrix-product path;
#: at 4x4 oneDNN is as fast or faster (same benchmark).
MAX_DENSE_POSITIONS = 4
_limit = [MAX_DENSE_POSITIONS]

_Pair = Union[int, Tuple[int, int]]


def _pair(value: _Pair) -> Tuple[int, int]:
    return (value, value) if isinstance(value, int) else tuple(value)


@contextlib.contextmanager
def dense_positions_limit(limit: int) -> Iterator[None]:
    """Temporarily change the largest input map that is computed as a matrix
    product (``0`` sends every convolution to ``F.conv2d``).

    Args:
        limit: Largest ``height * width`` of an input map for the dense path.
    """
    saved = _limit[0]
    _limit[0] = int(limit)
    try:
        yield
    finally:
        _limit[0] = saved


def tap_index(height: int, width: int, kernel: Tuple[int, int],
              stride: Tuple[int, int], padding: Tuple[int, int]
              ) -> Tuple[Tensor, int, int]:
    """Which kernel tap links each output position to each input position.

    Args:
        height: Input map height.
        width: Input map width.
        kernel: Kernel (height, width).
        stride: Stride (height, width).
        padding: Zero padding (height, width).

    Returns:
        ``(index, out_height, out_width)``; ``index`` is a long tensor of
        shape ``(out_height * out_width, height * width)`` holding the flat
        tap ``ky * kernel_w + kx``, or ``kernel_h * kernel_w`` (a zero tap)
        where the output position does not see the input position.
    """
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    out_h = (height + 2 * ph - kh) // sh + 1
    out_w = (width + 2 * pw - kw) // sw + 1
    index = torch.full((out_h * out_w, height * width), kh * kw,
                       dtype=torch.long)
    for oy in range(out_h):
        for ox in range(out_w):
            for ky in range(kh):
                iy = oy * sh - ph + ky
                if not 0 <= iy < height:
                    continue
                for kx in range(kw):
                    ix = ox * sw - pw + kx
                    if 0 <= ix < width:
                        index[oy * out_w + ox, iy * width + ix] = ky * kw + kx
    return index, out_h, out_w


@functools.lru_cache(maxsize=None)
def _plan(height: int, width: int, kernel: Tuple[int, int],
          stride: Tuple[int, int], padding: Tuple[int, int]
          ) -> Optional[tuple]:
    """:func:`tap_index` restricted to the input positions some output
    sees (a strided 1x1 projection reads one of four), and whether a zero
    tap is still needed; ``None`` when there is no output or no input is
    seen (``F.conv2d`` then raises or returns its zeros)."""
    if min(stride) < 1:
        return None
    out_h = (height + 2 * padding[0] - kernel[0]) // stride[0] + 1
    out_w = (width + 2 * padding[1] - kernel[1]) // stride[1] + 1
    if out_h < 1 or out_w < 1:
        return None
    index, out_h, out_w = tap_index(height, width, kernel, stride, padding)
    zero_tap = kernel[0] * kernel[1]
    seen = [i for i in range(height * width)
            if bool((index[:, i] != zero_tap).any())]
    if not seen:
        return None
    index = index[:, seen].contiguous()
    all_seen = len(seen) == height * width
    # a lone tap as a Python int: read once here, not on every call
    single_tap = int(index) if index.numel() == 1 else None
    return (index, out_h, out_w, None if all_seen else torch.tensor(seen),
            bool((index == zero_tap).any()), single_tap)


def _dense_conv2d(x: Tensor, weight: Tensor, bias: Optional[Tensor],
                  plan: tuple) -> Tensor:
    n, c_in, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    index, out_h, out_w, seen, needs_zero, single_tap = plan
    # position-major rows, the order of a channels-last map
    flat = x.permute(0, 2, 3, 1).reshape(n, h * w, c_in)
    if seen is not None:
        flat = flat.index_select(1, seen)
    flat = flat.reshape(n, -1)
    taps = weight.reshape(c_out, c_in, kh * kw)
    if single_tap is not None:  # one output sees one input via one tap
        matrix = taps[:, :, single_tap]
    else:
        taps = taps.permute(2, 0, 1)  # (tap, c_out, c_in)
        if needs_zero:
            taps = torch.cat([taps, taps.new_zeros(1, c_out, c_in)])
        # index_select, not advanced indexing: the backward of the latter
        # (index_put_ with accumulate) sums in a thread-dependent order on
        # CPU, which made training differ from run to run with 2 threads
        blocks = taps.index_select(0, index.flatten()).view(
            out_h * out_w, -1, c_out, c_in)
        # (out positions, c_out) x (seen in positions, c_in)
        matrix = blocks.permute(0, 2, 1, 3).reshape(out_h * out_w * c_out,
                                                    -1)
    if bias is None:
        out = flat @ matrix.t()
    else:
        out = torch.addmm(bias.repeat(out_h * out_w), flat, matrix.t())
    return out.view(n, out_h, out_w, c_out).permute(0, 3, 1, 2)


def conv2d(x: Tensor,
           weight: Tensor,
           bias: Optional[Tensor] = None,
           stride: _Pair = 1,
           padding: Union[_Pair, str] = 0,
           dilation: _Pair = 1,
           groups: int = 1) -> Tensor:
    """:func:`torch.nn.functional.conv2d`, as a matrix product on CPU maps
    of at most :data:`MAX_DENSE_POSITIONS` positions (GPU tensors always go
    to ``F.conv2d``: the slow case is oneDNN's).

    Args:
        x: Input ``(N, C_in, H, W)``.
        weight: Kernel ``(C_out, C_in / groups, kh, kw)``.
        bias: Optional ``(C_out,)``.
        stride: Stride.
        padding: Zero padding (a string mode goes to ``F.conv2d``).
        dilation: Dilation (other than 1 goes to ``F.conv2d``).
        groups: Groups (other than 1 goes to ``F.conv2d``).
    """
    if (x.dim() == 4 and weight.dim() == 4 and x.device.type == 'cpu'
            and groups == 1 and weight.shape[1] == x.shape[1]
            and not isinstance(padding, str)
            and _pair(dilation) == (1, 1)
            and x.shape[2] * x.shape[3] <= _limit[0]):
        plan = _plan(x.shape[2], x.shape[3], tuple(weight.shape[2:]),
                     _pair(stride), _pair(padding))
        if plan is not None:
            return _dense_conv2d(x, weight, bias, plan)
    return F.conv2d(x, weight, bias, stride, padding, dilation, groups)


class SmallMapConv2d(nn.Conv2d):
    """``nn.Conv2d`` computed by :func:`conv2d`: same parameters and state
    dict keys, faster on tiny maps."""

    def _conv_forward(self, input: Tensor, weight: Tensor,
                      bias: Optional[Tensor]) -> Tensor:
        if self.padding_mode != 'zeros':
            return super()._conv_forward(input, weight, bias)
        return conv2d(input, weight, bias, self.stride, self.padding,
                      self.dilation, self.groups)
