"""Grouped sharing (CVPR 2022 4th place): width groups per stage."""
import random

import pytest
import torch

from nasbench_cvpr.models import ResNetSupernet, export_subnet
from nasbench_cvpr.models.ops import WidthGroups


def test_groups_are_the_largest_widths_and_the_first_that_fits():
    groups = WidthGroups([96, 88, 128, 112, 104, 120], num_groups=3)
    assert groups.maxima() == [112, 120, 128]  # 4th place, 3 groups
    assert [groups.group_of(w) for w in (88, 104, 112, 120, 128)] == \
        [0, 0, 0, 1, 2]
    assert WidthGroups([8, 16], num_groups=5).num_groups == 2  # capped
    with pytest.raises(ValueError, match='num_groups'):
        WidthGroups([8, 16], num_groups=0)


def test_regroup_starts_each_new_group_from_the_one_it_split_from():
    groups = WidthGroups([88, 96, 104, 112, 120, 128], num_groups=2)
    # 2 groups (<=120, 128) -> 4 groups (<=104, 112, 120, 128): the three
    # first all come from old group 0, the last from old group 1
    assert groups.regroup(4) == [(1, 0), (2, 0), (3, 1)]
    assert groups.maxima() == [104, 112, 120, 128]


def _pair(space, **kwargs):
    """A full-sharing supernet and a grouped one with the same weights."""
    torch.manual_seed(0)
    full = ResNetSupernet(space)
    rng = random.Random(1)
    full.train()
    x = torch.randn(8, 3, 16, 16)
    for _ in range(3):  # BN statistics away from their init
        full.set_arch(space.sample(rng))
        full(x)
    grouped = ResNetSupernet(space, width_groups=kwargs)
    grouped.load_state_dict(grouped.adapt_state_dict(full.state_dict()))
    return full.eval(), grouped.eval()


def test_one_shot_weights_fill_every_group(tiny_space):
    full, grouped = _pair(tiny_space, num_groups=1)
    assert all(g.num_groups == 1 for g in grouped.width_groups)
    rng = random.Random(2)
    x = torch.randn(4, 3, 16, 16)
    for _ in range(8):
        code = tiny_space.sample(rng)
        full.set_arch(code)
        grouped.set_arch(code)
        assert torch.equal(full(x), grouped(x))
    # still equal after splitting into every width: all slots hold copies
    grouped.set_width_groups(7)
    for _ in range(8):
        code = tiny_space.sample(rng)
        full.set_arch(code)
        grouped.set_arch(code)
        assert torch.equal(full(x), grouped(x))


def test_each_group_trains_its_own_copy_and_export_takes_it(tiny_space):
    _, net = _pair(tiny_space, num_groups=99)  # one group per width
    stage = net.width_groups[-1]
    widths = stage.widths
    rng = random.Random(3)
    codes = {}
    while len(codes) < 2:  # two codes whose last stage ends in other widths
        code = tiny_space.sample(rng)
        codes.setdefault(net.set_arch(code).stages[-1][-1].out_channels,
                         code)
    (w_small, small), (w_big, big) = sorted(codes.items())
    net.train()
    net.set_arch(small)
    net(torch.randn(4, 3, 16, 16)).sum().backward()
    fc_grads = {k: l.weight.grad for k, l in net.fc.bank.items()}
    assert fc_grads[str(widths.index(w_small))] is not None
    assert fc_grads[str(widths.index(w_big))] is None
    # export of the big code reads the big code's slot
    with torch.no_grad():
        net.fc.bank[str(widths.index(w_big))].bias.fill_(7.0)
    net.eval()
    static = export_subnet(net, big)
    assert torch.equal(static.fc.bias, torch.full_like(static.fc.bias, 7.0))
    x = torch.randn(2, 3, 16, 16)
    net.set_arch(big)
    with torch.no_grad():
        assert (static(x) - net(x)).abs().max() <= 1e-5


def test_width_groups_need_full_sharing(tiny_space):
    with pytest.raises(ValueError, match='width_groups'):
        ResNetSupernet(tiny_space, conv_sharing='end',
                       width_groups=dict(num_groups=2))


def test_groups_in_use_are_saved_with_the_weights(tiny_space):
    net = ResNetSupernet(tiny_space, width_groups=dict(num_groups=1))
    net.set_width_groups(2)
    other = ResNetSupernet(tiny_space, width_groups=dict(num_groups=1))
    other.load_state_dict(net.state_dict())
    assert [g.num_groups for g in other.width_groups] == \
        [g.num_groups for g in net.width_groups]
    assert all(g.num_groups == min(2, g.max_groups)
               for g in other.width_groups)


@pytest.mark.parametrize('sharing', ['grouped', 'end', 'independent'])
def test_recalibrated_scores_equal_full_sharing_with_the_same_weights(
        tiny_space, sharing):
    """BN recalibration sets the momentum of the BN holding the statistics
    (a bank's under keyed sharing): the supernet's scores must equal those
    of the exported network recalibrated the same way."""
    from nasbench_cvpr.engine.scoring import SubnetScorer
    from nasbench_cvpr.models import export_subnet
    torch.manual_seed(0)
    if sharing == 'grouped':
        keyed = _pair(tiny_space, num_groups=3)[1]
    else:
        keyed = ResNetSupernet(tiny_space, conv_sharing=sharing,
                               bn_sharing=sharing).eval()
    g = torch.Generator().manual_seed(4)
    batches = [(torch.randn(32, 3, 16, 16, generator=g),
                torch.randint(0, 5, (32, ), generator=g)) for _ in range(3)]
    scorer = SubnetScorer(keyed, batches[1:], batches[:2], 'recalibrate')
    rng = random.Random(5)
    for _ in range(3):
        code = tiny_space.sample(rng)
        got = scorer.score(code)
        # reference: the exported network recalibrated the same way
        from nasbench_cvpr.engine.bn_calibration import recalibrate
        from nasbench_cvpr.engine.scoring import evaluate
        static = export_subnet(keyed, code)
        recalibrate(static, [x for x, _ in batches[:2]])
        expected = evaluate(static.eval(), batches[1:])
        assert got['top1'] == expected['top1']
        assert abs(got['neg_ce'] - expected['neg_ce']) < 1e-5
