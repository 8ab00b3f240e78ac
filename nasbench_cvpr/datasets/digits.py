"""The embedded default task: scikit-learn's bundled handwritten digits.

1,797 real 8x8 grey images of 10 digit classes ship inside scikit-learn, so
this data set needs no download. Images are upsampled (bilinear) to
``image_size`` and repeated to 3 channels; a fixed, stratified split gives
1,000 training and 797 validation images. Optional Gaussian noise, drawn from
a per-image seed, makes the task harder without losing determinism.
"""
from typing import List, Optional

import numpy as np
from mmpretrain.datasets import BaseDataset

from ..registry import DATASETS

CLASSES = tuple(str(i) for i in range(10))


def _digits_arrays(image_size: int, noise_std: float, seed: int):
    """All images (N, S, S, 3) uint8 and labels, noise applied."""
    import torch
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = torch.tensor(digits.images, dtype=torch.float32)[:, None]
    images = torch.nn.functional.interpolate(
        images, size=(image_size, image_size), mode='bilinear',
        align_corners=False)[:, 0].numpy() / 16.0
    if noise_std > 0:
        rng = np.random.default_rng(seed)
        images = images + rng.normal(0, noise_std, images.shape)
    images = np.clip(images * 255.0, 0, 255).astype(np.uint8)
    return np.repeat(images[..., None], 3, axis=-1), digits.target


def split_indices(labels: np.ndarray, num_train: int, seed: int) -> tuple:
    """Stratified, seeded split of indices into (train, val)."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(labels))
    per_class = {c: [i for i in order if labels[i] == c]
                 for c in np.unique(labels)}
    train, fraction = [], num_train / len(labels)
    for idx in per_class.values():
        train += idx[:int(round(len(idx) * fraction))]
    train = sorted(train)[:num_train]
    val = sorted(set(range(len(labels))) - set(train))
    return train, val


@DATASETS.register_module()
class DigitsDataset(BaseDataset):
    """scikit-learn digits as an mmpretrain data set.

    Args:
        split: ``'train'`` (1,000 images) or ``'val'`` (the other 797).
        image_size: Side of the upsampled square images.
        noise_std: Std of Gaussian noise on [0, 1] pixel values.
        num_train: Size of the training split.
        seed: Seed of the split and the noise.
        pipeline: mmpretrain transforms.
        indices: Optional subset (mmengine ``BaseDataset`` semantics).
    """

    METAINFO = dict(classes=CLASSES)

    def __init__(self,
                 split: str = 'train',
                 image_size: int = 16,
                 noise_std: float = 0.0,
                 num_train: int = 1000,
                 seed: int = 0,
                 pipeline: Optional[list] = None,
                 indices=None,
                 **kwargs) -> None:
        if split not in ('train', 'val'):
            raise ValueError(f"split must be 'train' or 'val', got {split!r}")
        self.split = split
        self.image_size = image_size
        self.noise_std = noise_std
        self.num_train = num_train
        self.seed = seed
        super().__init__(ann_file='', data_root='', pipeline=pipeline or [],
                         indices=indices, lazy_init=False, **kwargs)

    def load_data_list(self) -> List[dict]:
        images, labels = _digits_arrays(self.image_size, self.noise_std,
                                        self.seed)
        train, val = split_indices(labels, self.num_train, self.seed)
        chosen = train if self.split == 'train' else val
        return [dict(img=images[i], gt_label=int(labels[i]),
                     img_shape=images[i].shape[:2]) for i in chosen]
