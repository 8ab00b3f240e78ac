"""Embedded data sets and batch augmentations (real data sets come from
mmpretrain)."""
from .crop_flip import BatchRandomCropFlip, random_crop_flip
from .digits import DigitsDataset
from .fashion_mnist import PreparedFashionMNIST, prepare_fashion_mnist
from .noise import PixelNoise, add_pixel_noise

__all__ = [
    'BatchRandomCropFlip', 'random_crop_flip', 'DigitsDataset', 'PixelNoise', 'PreparedFashionMNIST', 'add_pixel_noise',
    'prepare_fashion_mnist'
]
