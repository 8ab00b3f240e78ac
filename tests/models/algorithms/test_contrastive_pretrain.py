"""Stage 1 of the CVPR 2022 1st place: contrastive pre-training of the max
subnet (InfoNCE with a queue, EMA key encoder) and the stage-1 -> stage-2
weight transfer."""
import os

import pytest
import torch
from mmengine.optim import OptimWrapper
from mmengine.runner.checkpoint import _load_checkpoint_to_model

import nasbench_cvpr.models.algorithms.contrastive_pretrain  # noqa: F401
from nasbench_cvpr.registry import MODELS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(__file__))))
TINY = dict(type='ResNet48Space', base_channels=(8, 16, 24, 32),
            max_depths=(2, 2, 3, 2), divisor=4, stem_type='cifar',
            num_classes=5, input_size=16)


def make_algorithm(**kwargs):
    cfg = dict(type='ContrastivePretrainAlgorithm',
               supernet=dict(type='ResNetSupernet', space=TINY),
               neck_channels=(64, 32), queue_size=64, momentum=0.9,
               data_preprocessor=dict(type='mmpretrain.SelfSupDataPreprocessor',
                                      mean=[127.5] * 3, std=[127.5] * 3))
    cfg.update(kwargs)
    return MODELS.build(cfg)


def views(n, seed):
    """A default-collated two-view batch: images and the same shifted 1 px."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randint(0, 256, (n, 3, 16, 16), dtype=torch.uint8, generator=g)
    return dict(inputs=[x, torch.roll(x, 1, dims=3)], data_samples=[None] * n)


def sgd(algo, lr=0.1):
    return OptimWrapper(torch.optim.SGD(algo.parameters(), lr=lr))


def key_params(algo):
    return list(algo.momentum_encoder.parameters())


def online_params(algo):
    return list(algo.supernet.parameters()) + list(algo.neck.parameters())


def test_neck_input_is_max_final_width_and_layout():
    algo = make_algorithm(neck_channels=(512, 512, 128))
    linears = [m for m in algo.neck if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == \
        [(32, 512), (512, 512), (512, 128)]
    assert sum(isinstance(m, torch.nn.BatchNorm1d) for m in algo.neck) == 2
    assert algo.queue.shape == (64, 128)
    assert torch.allclose(algo.queue.norm(dim=1), torch.ones(64))


def test_info_nce_finite_and_decreasing_on_fixed_batch():
    torch.manual_seed(0)
    algo = make_algorithm()
    data = views(8, seed=0)
    # fixed negatives: keys of 64 other images, restored before every step
    with torch.no_grad():
        other = algo.data_preprocessor(views(64, seed=1), True)['inputs'][1]
        algo.queue.copy_(algo.key(other))
    negatives = algo.queue.clone()
    wrapper, losses = sgd(algo), []
    for _ in range(5):
        algo.queue.copy_(negatives)
        algo.queue_ptr.zero_()
        log = algo.train_step(data, wrapper)
        assert set(log) == {'loss', 'contrast_acc'}
        losses.append(log['loss'].item())
    assert all(torch.isfinite(torch.tensor(losses)))
    assert losses[-1] < 0.6 * losses[0], losses


def test_momentum_encoder_is_ema_of_online_and_gets_no_grads():
    torch.manual_seed(0)
    algo = make_algorithm(momentum=0.5)
    algo.init_weights()
    for k, o in zip(key_params(algo), online_params(algo)):
        assert torch.equal(k, o)  # a copy at start
        assert not k.requires_grad
    before = [k.detach().clone() for k in key_params(algo)]
    algo.train_step(views(8, seed=0), sgd(algo))
    moved = 0
    for k, k0, o in zip(key_params(algo), before, online_params(algo)):
        assert k.grad is None
        assert torch.allclose(k, 0.5 * k0 + 0.5 * o.detach(), atol=1e-6)
        # half the distance to the online weights is left
        if not torch.equal(k0, o):
            moved += 1
            assert (k - o).norm() < (k0 - o).norm()
    assert moved > 0
    # no optimizer state or gradient ever reaches the key encoder
    assert all(p.grad is None for p in algo.momentum_encoder.parameters())


def test_queue_pointer_advances_and_wraps():
    algo = make_algorithm(queue_size=10)
    keys = [torch.nn.functional.normalize(torch.randn(4, 32), dim=1)
            for _ in range(3)]
    pointers = []
    for k in keys:
        algo.dequeue_and_enqueue(k)
        pointers.append(int(algo.queue_ptr))
    assert pointers == [4, 8, 2]
    assert torch.equal(algo.queue[2:4], keys[0][2:])  # [0:2] overwritten
    assert torch.equal(algo.queue[4:8], keys[1])
    assert torch.equal(algo.queue[8:10], keys[2][:2])  # wrapped
    assert torch.equal(algo.queue[0:2], keys[2][2:])
    # more keys than slots: the newest fill the queue
    many = torch.nn.functional.normalize(torch.randn(13, 32), dim=1)
    algo.dequeue_and_enqueue(many)
    assert int(algo.queue_ptr) == 2
    assert torch.equal(algo.queue[2:10], many[3:11])
    assert torch.equal(algo.queue[0:2], many[11:13])


def test_train_step_enqueues_its_keys():
    torch.manual_seed(0)
    algo = make_algorithm(queue_size=12)
    data = views(8, seed=0)
    with torch.no_grad():  # the keys of this step: pre-step key encoder
        expected = algo.key(algo.data_preprocessor(data, True)['inputs'][1])
    algo.train_step(data, sgd(algo))
    assert int(algo.queue_ptr) == 8
    assert torch.allclose(algo.queue[:8], expected, atol=1e-6)
    algo.train_step(data, sgd(algo))
    assert int(algo.queue_ptr) == 4  # 16 mod 12


def test_rejects_single_view_and_has_no_validation():
    algo = make_algorithm()
    x = torch.randint(0, 256, (4, 3, 16, 16), dtype=torch.uint8)
    with pytest.raises(ValueError, match='two augmented views'):
        algo.train_step(dict(inputs=x, data_samples=[None] * 4), sgd(algo))
    with pytest.raises(NotImplementedError):
        algo.val_step(views(4, seed=0))
    with pytest.raises(NotImplementedError):
        algo.test_step(views(4, seed=0))


def test_stage1_checkpoint_fills_stage2_supernet(tmp_path):
    torch.manual_seed(0)
    stage1 = make_algorithm(momentum=0.5)
    stage1.train_step(views(8, seed=0), sgd(stage1))  # online != key now
    path = tmp_path / 'stage1.pth'
    torch.save({'state_dict': stage1.state_dict()}, path)

    torch.manual_seed(1)
    stage2 = MODELS.build(dict(
        type='SupernetAlgorithm',
        supernet=dict(type='ResNetSupernet', space=TINY),
        sampler=dict(type='BiasedSizeSampler', num_candidates=8, keep=2,
                     uniform_every=3),
        data_preprocessor=dict(type='mmpretrain.ClsDataPreprocessor',
                               num_classes=5)))
    target = stage2.state_dict()
    assert any(not torch.equal(v, stage1.state_dict()[k])
               for k, v in target.items() if v.is_floating_point())
    ckpt = torch.load(path, map_location='cpu')
    assert set(target) <= set(ckpt['state_dict'])  # nothing missing
    _load_checkpoint_to_model(stage2, ckpt, strict=False)

    online = stage1.supernet.state_dict()
    key = stage1.momentum_encoder['supernet'].state_dict()
    loaded = stage2.supernet.state_dict()
    assert set(loaded) == set(online)
    for name, value in loaded.items():
        assert torch.equal(value, online[name]), name
    # the online weights, not the momentum encoder's
    assert any(not torch.equal(loaded[n], key[n]) for n in loaded
               if loaded[n].is_floating_point())


def test_key_encoder_follows_loaded_online_weights_unless_loaded_itself():
    torch.manual_seed(0)
    algo = make_algorithm()
    with torch.no_grad():  # as if load_from filled the online encoder only
        for p in online_params(algo):
            p.add_(1.0)
    before = [k.clone() for k in key_params(algo)]
    algo.after_state_loaded({'momentum_encoder.supernet.stem.0.weight'})
    assert all(torch.equal(a, b) for a, b in zip(before, key_params(algo)))
    algo.after_state_loaded({'supernet.stem.0.weight'})
    for key, online in zip(key_params(algo), online_params(algo)):
        assert torch.equal(key, online)


def test_pinas_order_update_first_and_eval_key_encoder():
    torch.manual_seed(0)
    algo = make_algorithm(momentum_update_first=True, key_encoder_eval=True,
                          neck_norm=False)
    algo.train()
    calls = []
    update, key = algo.momentum_update, algo.key

    def record_update():
        calls.append('update')
        update()

    def record_key(x):
        calls.append(('key', algo.momentum_encoder.training))
        return key(x)

    algo.momentum_update, algo.key = record_update, record_key
    stats = {k: v.clone() for k, v in
             algo.momentum_encoder.state_dict().items() if 'running' in k}
    algo.train_step(views(8, seed=0), sgd(algo))
    # the update comes before the keys, once; the keys in eval mode
    assert calls == ['update', ('key', True)]
    assert algo.momentum_encoder.training  # mode restored
    after = algo.momentum_encoder.state_dict()
    assert stats and all(torch.equal(v, after[k]) for k, v in stats.items())
    assert not any(isinstance(m, torch.nn.BatchNorm1d)
                   for m in algo.neck.modules())


def test_default_order_updates_after_the_step_with_train_mode_keys():
    torch.manual_seed(0)
    algo = make_algorithm()
    algo.train()
    stats = {k: v.clone() for k, v in
             algo.momentum_encoder.state_dict().items() if 'running_mean' in k}
    before = [k.clone() for k in key_params(algo)]
    algo.train_step(views(8, seed=0), sgd(algo))
    after = algo.momentum_encoder.state_dict()
    # train-mode keys move the key encoder's BN statistics
    assert any(not torch.equal(v, after[k]) for k, v in stats.items())
    # the EMA after the step pulls the key encoder towards the new weights
    assert any(not torch.equal(a, b) for a, b in zip(before,
                                                     key_params(algo)))
