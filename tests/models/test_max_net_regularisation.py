"""The CVPR 2022 4th place's regularisation knobs of the supernet and of
in-place distillation: zero-initialised last BN gamma, dropout and
drop-connect on the largest subnet only, label smoothing of the teacher."""
import random

import pytest
import torch

from nasbench_cvpr.models import ResNetSupernet
from nasbench_cvpr.models.distillers import InplaceDistiller
from nasbench_cvpr.spaces import build_space

TINY = dict(type='ResNet48Space', base_channels=(8, 16, 24, 32),
            max_depths=(2, 2, 3, 2), divisor=4, stem_type='cifar',
            num_classes=5, input_size=16)


def smaller_code(space):
    rng = random.Random(0)
    while True:
        code = space.sample(rng)
        if space.decode(code) != space.decode(space.max_code()):
            return code


def test_zero_init_last_bn_makes_blocks_start_as_shortcuts():
    torch.manual_seed(0)
    net = ResNetSupernet(TINY, zero_init_last_bn=True)
    gammas = [b.bn2.weight for b in net.blocks()]
    assert all(torch.count_nonzero(g) == 0 for g in gammas)
    plain = ResNetSupernet(TINY)
    assert all(torch.count_nonzero(b.bn2.weight) > 0
               for b in plain.blocks())


def test_dropout_and_drop_connect_only_on_the_largest_subnet():
    space = build_space(TINY)
    torch.manual_seed(0)
    net = ResNetSupernet(TINY, max_net_dropout=0.5,
                         max_net_drop_connect=0.5).train()
    x = torch.randn(8, 3, 16, 16)
    # a smaller subnet is deterministic in train mode (BN aside)
    net.set_arch(smaller_code(space))
    assert all(b.drop_connect == 0 for b in net.blocks())
    torch.manual_seed(1)
    a = net(x)
    torch.manual_seed(2)
    assert torch.allclose(a, net(x))
    # the largest one is not: dropout and drop-connect draw per call
    net.set_max_arch()
    rates = [[b.drop_connect for b in net.blocks(s)] for s in net.layers]
    assert all(r == 0.0 for s in rates[:2] for r in s)
    assert all(r == 0.5 for s in rates[2:] for r in s) and rates[3]
    torch.manual_seed(1)
    a = net(x)
    torch.manual_seed(2)
    assert not torch.allclose(a, net(x))
    # nothing is dropped in eval mode
    net.eval()
    assert torch.allclose(net(x), net(x))
    with pytest.raises(ValueError, match='max_net_dropout'):
        ResNetSupernet(TINY, max_net_dropout=1.0)


def test_teacher_label_smoothing_only_on_the_teacher_pass():
    logits = torch.randn(4, 5)
    labels = torch.tensor([0, 1, 2, 3])
    smooth = InplaceDistiller(teacher_label_smoothing=0.1)
    plain = InplaceDistiller()
    expected = torch.nn.functional.cross_entropy(logits, labels,
                                                 label_smoothing=0.1)
    got = smooth.subnet_loss(logits, labels, None, True)['loss_ce']
    assert torch.allclose(got, expected)
    assert not torch.allclose(
        got, plain.subnet_loss(logits, labels, None, True)['loss_ce'])
    teacher = torch.randn(4, 5)
    assert torch.equal(
        smooth.subnet_loss(logits, labels, teacher, False)['loss_kd'],
        plain.subnet_loss(logits, labels, teacher, False)['loss_kd'])
