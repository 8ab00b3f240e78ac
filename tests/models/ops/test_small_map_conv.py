"""Convolutions of tiny maps as matrix products agree with F.conv2d."""
import pytest
import torch
import torch.nn.functional as F

from nasbench_cvpr.models.ops.small_map_conv import (SmallMapConv2d, conv2d,
                                                     dense_positions_limit,
                                                     tap_index)

# (input h, w, kernel, stride, padding): every map here has <= 4 positions
DENSE_CASES = [
    (1, 1, 3, 1, 1),  # 3x3 on a 1x1 map: only the centre tap
    (2, 2, 3, 1, 1),
    (2, 2, 3, 2, 1),  # stride 2 down to 1x1
    (2, 2, 1, 2, 0),  # projection shortcut
    (2, 2, 1, 1, 0),
    (1, 1, 1, 1, 0),
    (2, 1, 3, 1, 1),  # non-square map
    (1, 4, 3, 2, 1),
    (2, 2, 2, 1, 0),  # even kernel, no padding
]


def _inputs(h, w, c_in=5, c_out=7, k=3, channels_last=True, seed=0):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(6, c_in, h, w, generator=gen, dtype=torch.double)
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    weight = torch.randn(c_out, c_in, k, k, generator=gen,
                         dtype=torch.double)
    return x.requires_grad_(), weight.requires_grad_()


@pytest.mark.parametrize('h,w,k,stride,padding', DENSE_CASES)
@pytest.mark.parametrize('channels_last', [True, False])
@pytest.mark.parametrize('with_bias', [False, True])
def test_values_and_gradients_match_conv2d(h, w, k, stride, padding,
                                           channels_last, with_bias):
    x, weight = _inputs(h, w, k=k, channels_last=channels_last)
    bias = torch.randn(7, dtype=torch.double,
                       requires_grad=True) if with_bias else None
    ref = F.conv2d(x, weight, bias, stride, padding)
    out = conv2d(x, weight, bias, stride, padding)
    assert out.shape == ref.shape
    torch.testing.assert_close(out, ref)
    grad = torch.randn_like(ref)
    ref_grads = torch.autograd.grad(ref, [x, weight] + (
        [bias] if with_bias else []), grad)
    grads = torch.autograd.grad(out, [x, weight] + (
        [bias] if with_bias else []), grad)
    for got, want in zip(grads, ref_grads):
        torch.testing.assert_close(got, want)


def test_kernel_taps_outside_a_1x1_map_get_zero_gradient():
    x, weight = _inputs(1, 1)
    conv2d(x, weight, None, 1, 1).sum().backward()
    mask = torch.ones(3, 3, dtype=torch.bool)
    mask[1, 1] = False
    assert weight.grad[:, :, mask].abs().max() == 0
    assert weight.grad[:, :, 1, 1].abs().min() > 0


def test_sliced_weight_view_is_accepted():
    x, weight = _inputs(2, 2, c_in=8, c_out=9)
    view = weight[:7, :5]  # a non-contiguous prefix slice, as supernets use
    torch.testing.assert_close(conv2d(x[:, :5], view, None, 1, 1),
                               F.conv2d(x[:, :5], view, None, 1, 1))


def test_tap_index_of_a_2x2_map():
    index, out_h, out_w = tap_index(2, 2, (3, 3), (1, 1), (1, 1))
    assert (out_h, out_w) == (2, 2)
    # output (0, 0) sees input (0, 0) through the centre tap (1, 1) -> 4,
    # input (1, 1) through tap (2, 2) -> 8
    assert index[0].tolist() == [4, 5, 7, 8]
    assert index[3].tolist() == [0, 1, 3, 4]
    index, out_h, out_w = tap_index(2, 2, (3, 3), (2, 2), (1, 1))
    assert (out_h, out_w) == (1, 1)
    assert index.tolist() == [[4, 5, 7, 8]]


def test_large_maps_and_unsupported_options_fall_back(monkeypatch):
    calls = []
    real = F.conv2d

    def spy(*args, **kwargs):
        calls.append(args[0].shape)
        return real(*args, **kwargs)

    monkeypatch.setattr(F, 'conv2d', spy)
    x, weight = _inputs(3, 3)
    conv2d(x, weight, None, 1, 1)  # 9 positions > 4
    x2, weight2 = _inputs(2, 2)
    conv2d(x2, weight2, None, 1, 'same')
    conv2d(x2, weight2, None, 1, 2, dilation=2)
    conv2d(x2, weight2[:5, :1], None, 1, 1, groups=5)
    # only oneDNN is slow here: other devices keep their own kernels
    conv2d(x2.detach().to('meta'), weight2.detach().to('meta'), None, 1, 1)
    assert len(calls) == 5
    calls.clear()
    conv2d(x2, weight2, None, 1, 1)
    assert calls == []
    with dense_positions_limit(0):
        conv2d(x2, weight2, None, 1, 1)
    assert len(calls) == 1
    with dense_positions_limit(9):
        conv2d(x, weight, None, 1, 1)
    assert len(calls) == 1
    conv2d(x, weight, None, 1, 1)  # the limit of 4 is back on exit
    assert len(calls) == 2


def test_module_keeps_conv2d_state_dict_and_output():
    torch.manual_seed(0)
    conv = torch.nn.Conv2d(4, 6, 3, 2, 1, bias=True)
    small = SmallMapConv2d(4, 6, 3, 2, 1, bias=True)
    small.load_state_dict(conv.state_dict())
    assert isinstance(small, torch.nn.Conv2d)
    assert list(small.state_dict()) == list(conv.state_dict())
    for size in (1, 2, 5):
        x = torch.randn(3, 4, size, size)
        torch.testing.assert_close(small(x), conv(x))


def test_shapes_it_cannot_compute_behave_like_conv2d():
    x, weight = _inputs(2, 2)
    # a kernel larger than the padded map, and mismatched channels: the
    # errors are F.conv2d's own
    with pytest.raises(RuntimeError):
        conv2d(x, weight, None, 1, 0)
    with pytest.raises(RuntimeError):
        conv2d(x[:, :3], weight, None, 1, 1)
    # every output lands on padding: zeros plus the bias, as F.conv2d
    x1, w1 = _inputs(1, 1, k=1)
    bias = torch.arange(7, dtype=torch.double)
    torch.testing.assert_close(conv2d(x1, w1, bias, 2, 1),
                               F.conv2d(x1, w1, bias, 2, 1))


def test_gradients_are_bit_identical_across_runs_with_two_threads():
    """The weight's gradient sums each tap over positions; with advanced
    indexing that sum's order depended on the threads (seen: training runs
    of one seed drifted apart)."""
    saved = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        gen = torch.Generator().manual_seed(0)
        x = torch.randn(128, 64, 2, 2, generator=gen).contiguous(
            memory_format=torch.channels_last).requires_grad_()
        weight = torch.randn(96, 64, 3, 3, generator=gen).requires_grad_()
        grads = []
        for _ in range(10):
            out = conv2d(x, weight, None, 1, 1)
            grads.append(torch.autograd.grad((out * out).sum(),
                                             [weight, x]))
    finally:
        torch.set_num_threads(saved)
    for grad_w, grad_x in grads[1:]:
        assert torch.equal(grad_w, grads[0][0])
        assert torch.equal(grad_x, grads[0][1])
