import numpy as np
import pytest
import torch

from nasbench_cvpr.datasets import DigitsDataset, PixelNoise, add_pixel_noise
from nasbench_cvpr.registry import DATASETS


def test_fixed_split_and_noise_is_deterministic():
    train = DigitsDataset(split='train')
    val = DigitsDataset(split='val', noise_std=0.6)
    assert len(train) == 1000 and len(val) == 797
    again = DigitsDataset(split='val', noise_std=0.6)
    assert np.array_equal(val.get_data_info(0)['img'],
                          again.get_data_info(0)['img'])
    clean = DigitsDataset(split='val')
    assert not np.array_equal(val.get_data_info(0)['img'],
                              clean.get_data_info(0)['img'])
    labels = [train.get_data_info(i)['gt_label'] for i in range(len(train))]
    assert sorted(set(labels)) == list(range(10))  # stratified


def test_split_rejected():
    with pytest.raises(ValueError, match='split'):
        DigitsDataset(split='test')


def test_pixel_noise_shared_across_channels_and_clipped():
    x = torch.zeros(4, 3, 8, 8)
    y = add_pixel_noise(x, 0.6, torch.Generator().manual_seed(0))
    assert torch.equal(y[:, 0], y[:, 1]) and torch.equal(y[:, 1], y[:, 2])
    assert y.min() >= -1 and y.max() <= 1 and y.std() > 0.5
    score = torch.ones(4, 10)
    out, same = PixelNoise(0.6)(x, score)
    assert same is score and out.shape == x.shape
    with pytest.raises(ValueError, match='std'):
        PixelNoise(-1)


def test_registered_for_configs():
    assert DATASETS.get('DigitsDataset') is DigitsDataset
    from mmengine.registry import DefaultScope
    from mmpretrain.models.utils import ClsDataPreprocessor
    # configs run with default_scope='nasbench_cvpr', as the Runner sets it
    with DefaultScope.overwrite_default_scope('nasbench_cvpr'):
        pre = ClsDataPreprocessor(
            mean=[127.5] * 3, std=[127.5] * 3,
            batch_augments=dict(augments=[dict(type='PixelNoise', std=0.6)]))
    assert isinstance(pre.batch_augments.augments[0], PixelNoise)
