"""Every Fashion-MNIST benchmark config's training pipeline runs on the real
data (1-channel 28 x 28 images: colour transforms made for RGB fail there)."""
import glob
import os

import pytest
from mmengine.config import Config

from nasbench_cvpr.datasets.fashion_mnist import check_fashion_mnist

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
CONFIGS = sorted(glob.glob(os.path.join(ROOT, 'configs', 'supernet',
                                        'fashion_*.py')))
DATA = os.path.join(ROOT, 'data', 'fashion_mnist')


# mmpretrain's dataset build warns once per image under numpy 2 (an
# __array__ without the copy keyword); nothing to act on here
@pytest.mark.filterwarnings('ignore::DeprecationWarning')
@pytest.mark.skipif(bool(check_fashion_mnist(DATA)),
                    reason='Fashion-MNIST not prepared (README data step)')
@pytest.mark.parametrize('path', CONFIGS,
                         ids=[os.path.basename(p) for p in CONFIGS])
def test_training_pipeline_runs(path):
    from mmengine.registry import init_default_scope

    from nasbench_cvpr.registry import DATASETS
    cfg = Config.fromfile(path)
    init_default_scope(cfg.default_scope)
    dataset = dict(cfg.train_dataloader.dataset.to_dict(),
                   data_root=DATA, indices=4)
    built = DATASETS.build(dataset)
    for i in range(len(built)):
        item = built[i]
        inputs = item['inputs']
        views = inputs if isinstance(inputs, list) else [inputs]
        assert all(v.shape[-2:] == (28, 28) for v in views), path


@pytest.mark.filterwarnings('ignore::DeprecationWarning')
@pytest.mark.skipif(bool(check_fashion_mnist(DATA)),
                    reason='Fashion-MNIST not prepared (README data step)')
def test_stacked_training_batches_preprocess_like_a_list_of_images():
    """The benchmark's training loader stacks each batch (default_collate);
    the data preprocessor gives the same normalised images and labels as
    from the per-image list (pseudo_collate)."""
    import torch
    from mmengine.dataset import default_collate, pseudo_collate
    from mmengine.registry import init_default_scope

    from nasbench_cvpr.registry import DATASETS, MODELS
    cfg = Config.fromfile(os.path.join(ROOT, 'configs', '_base_', 'datasets',
                                       'fashion_mnist.py'))
    assert cfg.train_dataloader.collate_fn == dict(type='default_collate')
    init_default_scope('nasbench_cvpr')
    dataset = DATASETS.build(dict(cfg.train_dataloader.dataset.to_dict(),
                                  data_root=DATA, indices=16))
    items = [dataset[i] for i in range(len(dataset))]
    preprocess = MODELS.build(dict(cfg.data_preprocessor.to_dict(),
                                   batch_augments=None))
    stacked = default_collate([dict(x) for x in items])
    assert isinstance(stacked['inputs'], torch.Tensor)
    got = preprocess(stacked, training=True)
    want = preprocess(pseudo_collate([dict(x) for x in items]), training=True)
    assert got['inputs'].shape == (16, 1, 28, 28)
    assert torch.equal(got['inputs'], want['inputs'])
    assert [s.gt_label.item() for s in got['data_samples']] == \
        [s.gt_label.item() for s in want['data_samples']]
