import pytest
import torch
import torch.nn.functional as F

from nasbench_cvpr.models import StandaloneResNet
from nasbench_cvpr.models.distillers import (CheckpointMismatchError,
                                             FixedTeacherDistiller,
                                             InplaceDistiller, KLDivergence,
                                             NoDistiller, RankLossDistiller,
                                             build_distiller)
from nasbench_cvpr.registry import DISTILLERS
from nasbench_cvpr.utils.checkpoint import CheckpointError


def batch(n=8, c=5, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, c, generator=g), torch.randint(0, c, (n, ),
                                                         generator=g)


def test_no_distiller_is_cross_entropy():
    logits, labels = batch()
    d = build_distiller(dict(type='NoDistiller'))
    assert (d.teacher_mode, d.joint_backward) == ('none', False)
    assert d.teacher_logits(torch.zeros(1)) is None
    out = d.subnet_loss(logits, labels, None, False)
    assert set(out) == {'loss_ce'}
    assert torch.equal(out['loss_ce'], F.cross_entropy(logits, labels))
    smooth = NoDistiller(label_smoothing=0.1).subnet_loss(
        logits, labels, None, True)['loss_ce']
    assert torch.allclose(
        smooth, F.cross_entropy(logits, labels, label_smoothing=0.1))
    assert d.step_loss([logits], labels, ['c'], 3) == {}


def test_inplace_weights_teacher_vs_student():
    logits, labels = batch()
    teacher, _ = batch(seed=1)
    d = DISTILLERS.build(
        dict(type='InplaceDistiller', ce_weight_teacher=0.5,
             ce_weight_student=0.5, kd_weight=2.0))
    assert d.teacher_mode == 'inplace'
    ce = F.cross_entropy(logits, labels)
    t_out = d.subnet_loss(logits, labels, None, True)
    assert set(t_out) == {'loss_ce'}
    assert torch.allclose(t_out['loss_ce'], 0.5 * ce)
    s_out = d.subnet_loss(logits, labels, teacher, False)
    assert torch.allclose(s_out['loss_ce'], 0.5 * ce)
    assert torch.allclose(s_out['loss_kd'], 2.0 * KLDivergence()(logits,
                                                                  teacher))
    # defaults: teacher CE only; students KD only; teacher logits detached
    d = InplaceDistiller()
    teacher = teacher.clone().requires_grad_()
    out = d.subnet_loss(logits, labels, teacher, False)
    assert set(out) == {'loss_kd'}
    assert not out['loss_kd'].requires_grad
    with pytest.raises(ValueError):
        d.subnet_loss(logits, labels, None, False)


@pytest.fixture
def teacher_ckpt(tiny_space, tmp_path):
    torch.manual_seed(0)
    code = tiny_space.max_code()
    net = StandaloneResNet(tiny_space, arch=code)
    net.train()
    with torch.no_grad():  # non-trivial BN statistics
        net(torch.randn(8, 3, 16, 16))
    path = tmp_path / 'teacher.pth'
    torch.save(net.state_dict(), path)
    return net.eval(), code, str(path)


def test_fixed_teacher_loads_freezes_and_stays_eval(tiny_space, tmp_path,
                                                    teacher_ckpt):
    net, code, path = teacher_ckpt
    cfg = dict(type='StandaloneResNet', space=tiny_space, arch=code)
    d = DISTILLERS.build(
        dict(type='FixedTeacherDistiller', teacher=cfg, checkpoint=path))
    assert d.teacher_mode == 'fixed'
    x = torch.randn(4, 3, 16, 16)
    with torch.no_grad():
        expected = net(x)
    d.train()
    assert d.training and not d.teacher.training
    t = d.teacher_logits(x)
    assert torch.allclose(t, expected, atol=1e-6) and not t.requires_grad
    assert all(not p.requires_grad for p in d.teacher.parameters())
    logits = torch.randn(4, 5, requires_grad=True)
    labels = torch.tensor([0, 1, 2, 3])
    out = d.subnet_loss(logits, labels, t, False)
    sum(out.values()).backward()
    assert logits.grad is not None
    assert all(p.grad is None for p in d.teacher.parameters())

    # mmengine checkpoint with a prefix
    ckpt = dict(meta=dict(epoch=3), state_dict={
        **{f'supernet.{k}': v for k, v in net.state_dict().items()},
        'data_preprocessor.mean': torch.zeros(3)
    })
    path2 = str(tmp_path / 'epoch_3.pth')
    torch.save(ckpt, path2)
    d2 = FixedTeacherDistiller(cfg, path2)
    assert torch.allclose(d2.teacher_logits(x), expected, atol=1e-6)


def test_fixed_teacher_errors(tiny_space, tmp_path, teacher_ckpt):
    _, code, path = teacher_ckpt
    missing = str(tmp_path / 'nope.pth')
    cfg = dict(type='StandaloneResNet', space=tiny_space, arch=code)
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        FixedTeacherDistiller(cfg, missing)
    other = dict(type='StandaloneResNet', space=tiny_space,
                 arch=tiny_space.min_code())
    with pytest.raises(CheckpointMismatchError):
        FixedTeacherDistiller(other, path)


class CreatesFile:
    """Unpickling this calls ``open(path, 'w')``: the file appears."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return open, (self.path, 'w')


def test_fixed_teacher_refuses_a_crafted_checkpoint(tiny_space, tmp_path,
                                                    teacher_ckpt):
    net, code, _ = teacher_ckpt
    target = tmp_path / 'payload_ran'
    path = tmp_path / 'teacher.pth'
    # a full mmengine-style checkpoint whose extra entry carries the payload
    torch.save(dict(state_dict=net.state_dict(), meta=CreatesFile(target)),
               path)
    cfg = dict(type='StandaloneResNet', space=tiny_space, arch=code)
    with pytest.raises(CheckpointError, match='io.open'):
        FixedTeacherDistiller(cfg, str(path))
    assert not target.exists()


def make_logits(ces_wanted, labels, n_cls=5):
    """Logits whose CE increases with the wanted order (uniform margin)."""
    out = []
    for scale in ces_wanted:
        lg = torch.zeros(len(labels), n_cls)
        lg[torch.arange(len(labels)), labels] = scale
        out.append(lg.requires_grad_())
    return out


def test_rank_loss(tiny_space):
    d = DISTILLERS.build(
        dict(type='RankLossDistiller', proxy='params', margin=0.05,
             base=dict(type='NoDistiller'), space=tiny_space))
    assert d.joint_backward and d.teacher_mode == 'none'
    big, small = tiny_space.max_code(), tiny_space.min_code()
    labels = torch.tensor([0, 1, 2, 3])
    # big net has the lower CE (higher correct-class logit) by > margin
    good = make_logits([4.0, 1.0], labels)
    ces = [F.cross_entropy(lg, labels).item() for lg in good]
    assert ces[1] - ces[0] > 0.05
    assert d.rank_loss(good, labels, [big, small]).item() == 0.0
    bad = make_logits([1.0, 4.0], labels)
    value = d.rank_loss(bad, labels, [big, small])
    assert value.item() == pytest.approx(0.05 + ces[1] - ces[0], rel=1e-5)
    out = d.step_loss(bad, labels, [big, small], epoch=5)
    assert out['loss_rank'].item() == pytest.approx(0.5 * value.item())
    out['loss_rank'].backward()
    assert bad[0].grad is not None
    # equal proxy scores: no pair
    assert d.rank_loss(bad, labels, [big, big]).item() == 0.0
    assert set(d._scores) == {big, small}  # cached per code
    assert [d.rank_weight(e) for e in (0, 5, 10, 30)] == [0.0, 0.5, 1.0, 2.0]
    # delegation to the base distiller
    assert torch.equal(
        d.subnet_loss(bad[0], labels, None, False)['loss_ce'],
        F.cross_entropy(bad[0], labels))


def test_rank_loss_accepts_only_registered_proxies(tiny_space):
    accs = {tiny_space.max_code(): 0.9}
    for proxy in ('val_acc', dict(type='GroundTruth'), accs.get,
                  lambda space, code: 1.0):
        with pytest.raises(ValueError):
            RankLossDistiller(proxy=proxy, space=tiny_space)
    d = RankLossDistiller(proxy=dict(type='zen', batch_size=4))
    with pytest.raises(RuntimeError, match='space'):
        d.proxy_score(tiny_space.max_code())
    d.set_space(tiny_space)
    assert isinstance(d.proxy_score(tiny_space.max_code()), float)
