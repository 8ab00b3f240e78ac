"""Embedded data sets (real ones come from mmpretrain)."""
from .digits import DigitsDataset

__all__ = ['DigitsDataset']
