"""Distillers: the per-subnet (and per-step) losses of one-shot training.

See :mod:`.base` for the contract with the training algorithm.
"""
from .base import BaseDistiller, WrappingDistiller, build_distiller
from .fixed_teacher import (CheckpointMismatchError, FixedTeacherDistiller,
                            load_teacher_checkpoint)
from .inplace import InplaceDistiller
from .losses import AlphaDivergence, KLDivergence, build_kd_loss
from .no_distill import NoDistiller
from .nsas import NSASDistiller
from .rank_loss import RankLossDistiller

__all__ = [
    'BaseDistiller', 'WrappingDistiller', 'build_distiller', 'CheckpointMismatchError',
    'FixedTeacherDistiller', 'load_teacher_checkpoint', 'InplaceDistiller',
    'AlphaDivergence', 'KLDivergence', 'build_kd_loss', 'NoDistiller',
    'NSASDistiller', 'RankLossDistiller'
]
