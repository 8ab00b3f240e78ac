"""Embedded data sets and batch augmentations (real data sets come from
mmpretrain)."""
from .digits import DigitsDataset
from .noise import PixelNoise, add_pixel_noise

__all__ = ['DigitsDataset', 'PixelNoise', 'add_pixel_noise']
