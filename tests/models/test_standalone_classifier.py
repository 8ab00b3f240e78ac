"""StandaloneClassifier: a code's standalone network as an mmengine model."""
import torch
from mmpretrain.structures import DataSample

import nasbench_cvpr  # noqa: F401
from nasbench_cvpr.models.standalone_classifier import StandaloneClassifier
from nasbench_cvpr.registry import MODELS

TINY = dict(type='ResNet48Space', base_channels=(8, 16, 24, 32),
            max_depths=(2, 2, 3, 2), divisor=4, stem_type='cifar',
            num_classes=5, input_size=16)


def batch(n=4):
    samples = [DataSample().set_gt_label(i % 5) for i in range(n)]
    return torch.randn(n, 3, 16, 16), samples


def build(**kwargs):
    from nasbench_cvpr.spaces import build_space
    space = build_space(dict(TINY))
    return StandaloneClassifier(space, arch=space.max_code(), **kwargs)


def test_registered_and_builds_from_config():
    from nasbench_cvpr.spaces import build_space
    code = build_space(dict(TINY)).min_code()
    model = MODELS.build(dict(type='StandaloneClassifier', space=TINY,
                              arch=code))
    assert isinstance(model, StandaloneClassifier)
    assert model.code == code
    assert type(model.data_preprocessor).__name__ == 'ClsDataPreprocessor'


def test_loss_predict_tensor_shapes():
    torch.manual_seed(0)
    model = build(train_noise_std=0.3, label_smoothing=0.1)
    x, samples = batch()
    losses = model(x, samples, mode='loss')
    assert set(losses) == {'loss'} and losses['loss'].ndim == 0
    losses['loss'].backward()
    assert model.network.fc.weight.grad is not None
    model.eval()
    logits = model(x, mode='tensor')
    assert logits.shape == (4, 5)
    preds = model(x, samples, mode='predict')
    assert len(preds) == 4
    for p, row in zip(preds, logits):
        assert p.pred_score.shape == (5, )
        assert torch.allclose(p.pred_score.sum(), torch.tensor(1.0))
        assert int(p.pred_label) == int(row.argmax())
        assert p.gt_label is not None  # the input samples are kept
    assert len(model(x, None, mode='predict')) == 4


def test_accuracy_metric_reads_predictions():
    from mmpretrain.evaluation import Accuracy
    model = build().eval()
    x, samples = batch(6)
    preds = model(x, samples, mode='predict')
    metric = Accuracy(topk=(1, ))
    metric.process(None, [p.to_dict() for p in preds])
    result = metric.compute_metrics(metric.results)
    assert 0.0 <= result['top1'] <= 100.0


def test_data_preprocessor_in_train_step():
    model = build(data_preprocessor=dict(
        type='mmpretrain.ClsDataPreprocessor', mean=[127.5] * 3,
        std=[127.5] * 3))
    optim = torch.optim.SGD(model.parameters(), lr=0.01)
    from mmengine.optim import OptimWrapper
    imgs = [torch.randint(0, 255, (3, 16, 16), dtype=torch.uint8)
            for _ in range(4)]
    _, samples = batch()
    log = model.train_step(dict(inputs=imgs, data_samples=samples),
                           OptimWrapper(optim))
    assert torch.isfinite(log['loss'])
