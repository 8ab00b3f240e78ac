"""Importance reordering keeps the largest network, sorts the prefixes."""
import pytest
import torch

from nasbench_cvpr.models import ResNetSupernet, StaticResNet
from nasbench_cvpr.models.channel_reorder import (importance_orders,
                                                  reorder_channels,
                                                  reorder_supernet_channels_)
from nasbench_cvpr.models.paddle import convert_pdparams_file

from .paddle.fakes import paddle_arrays, slotted_space, write_pdparams


def randomise_bn(net: torch.nn.Module, seed: int = 0) -> None:
    g = torch.Generator().manual_seed(seed)
    for m in net.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm) \
                and m.running_mean is not None:
            n = m.running_mean.numel()
            with torch.no_grad():
                m.running_mean.copy_(0.1 * torch.randn(n, generator=g))
                m.running_var.uniform_(0.5, 2.0, generator=g)
                m.weight.copy_(1 + 0.1 * torch.randn(n, generator=g))
                m.bias.copy_(0.1 * torch.randn(n, generator=g))


def l1_in(weight: torch.Tensor) -> torch.Tensor:
    """L1 norm of each input channel's slice."""
    return weight.abs().transpose(0, 1).flatten(1).sum(1)


@pytest.fixture
def largest():
    space = slotted_space()
    arch = space.decode(space.max_code())
    torch.manual_seed(0)
    net = StaticResNet(arch).eval()
    randomise_bn(net)
    return space, arch, net


def test_largest_network_function_unchanged(largest):
    _, arch, net = largest
    reordered = StaticResNet(arch).eval()
    reordered.load_state_dict(reorder_channels(net.state_dict(), arch))
    x = torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        diff = (net(x) - reordered(x)).abs().max()
    assert diff <= 1e-5
    assert not torch.equal(net.stem.conv.weight, reordered.stem.conv.weight)


def test_prefixes_follow_the_importance_order(largest):
    _, arch, net = largest
    old = net.state_dict()
    new = reorder_channels(old, arch)
    k = 5
    # a block's middle channels: importance from the next conv (conv2)
    importance = l1_in(old['layers.1.2.conv2.weight'])
    order = torch.argsort(importance, descending=True)
    for name in ('bn1.weight', 'bn1.running_var'):
        assert torch.equal(new[f'layers.1.2.{name}'][:k],
                           old[f'layers.1.2.{name}'][order[:k]])
    # (conv1's inputs are permuted too, by stage 2's output group)
    stage2 = importance_orders(old, arch)['layers.1.1.conv2.weight']
    assert torch.equal(new['layers.1.2.conv1.weight'][:k],
                       old['layers.1.2.conv1.weight'][order[:k]][:, stage2])
    assert torch.allclose(l1_in(new['layers.1.2.conv2.weight']),
                          importance[order])
    # stage 1 is tied to the stem by identity shortcuts: one permutation for
    # the stem and every stage-1 output, importance summed over all readers
    readers = [f'layers.0.{b}.conv1.weight' for b in range(5)] + [
        'layers.1.0.conv1.weight', 'layers.1.0.shortcut.conv.weight']
    importance = sum(l1_in(old[key]) for key in readers)
    order = torch.argsort(importance, descending=True)
    for producer in ['stem.conv.weight', 'stem.bn.running_mean'] + [
            f'layers.0.{b}.bn2.running_mean' for b in range(5)]:
        assert torch.equal(new[producer], old[producer][order]), producer
    mid = importance_orders(old, arch)['layers.0.3.conv1.weight']
    assert torch.equal(new['layers.0.3.conv1.weight'],
                       old['layers.0.3.conv1.weight'][mid][:, order])
    # after the reordering the importance is sorted
    after = sum(l1_in(new[key]) for key in readers)
    assert torch.all(after[:-1] >= after[1:])
    # the last stage feeds the classifier too
    orders = importance_orders(old, arch)
    assert torch.equal(new['fc.weight'],
                       old['fc.weight'][:, orders['layers.3.4.conv2.weight']])


def test_supernet_in_place_keeps_max_and_changes_subnets():
    space = slotted_space(False)
    torch.manual_seed(0)
    supernet = ResNetSupernet(space).eval()
    randomise_bn(supernet, 2)
    with torch.no_grad():  # logits of order 1, as a trained net's
        supernet.fc.weight.mul_(0.1)
    x = torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(3))
    small = space.min_code()
    with torch.no_grad():
        supernet.set_arch(small)
        before_small = supernet(x)
        supernet.set_max_arch()
        before = supernet(x)
        reorder_supernet_channels_(supernet)
        assert (supernet(x) - before).abs().max() <= 1e-5
        supernet.set_arch(small)
        assert not torch.allclose(supernet(x), before_small)


def test_non_full_sharing_is_refused():
    supernet = ResNetSupernet(slotted_space(), conv_sharing='front')
    with pytest.raises(KeyError, match='stem.conv.weight.*full-sharing'):
        reorder_supernet_channels_(supernet)


def test_converter_reorder_option(tmp_path):
    space = slotted_space()
    arch = space.decode(space.max_code())
    src = tmp_path / 'w.pdparams'
    write_pdparams(src, paddle_arrays(arch, seed=5))
    plain = convert_pdparams_file(str(src), str(tmp_path / 'a.pth'),
                                  dict(type='ResNet48Space',
                                       base_channels=[16, 24, 32, 40],
                                       divisor=4, num_classes=10,
                                       input_size=32))
    sorted_ = torch.load(tmp_path / 'a.pth', weights_only=True)
    assert sorted_['meta']['reordered'] is False
    convert_pdparams_file(str(src), str(tmp_path / 'b.pth'),
                          sorted_['meta']['space'], reorder=True)
    ckpt = torch.load(tmp_path / 'b.pth', weights_only=True)
    assert ckpt['meta']['reordered'] is True
    expected = reorder_channels(plain.state_dict, arch)
    assert ckpt['state_dict'].keys() == {'supernet.' + k for k in expected}
    assert all(torch.equal(ckpt['state_dict']['supernet.' + k], v)
               for k, v in expected.items())
    with pytest.raises(ValueError, match='--reorder'):
        convert_pdparams_file(str(src), str(tmp_path / 'c.pth'),
                              sorted_['meta']['space'],
                              arch=space.max_code(), reorder=True)
