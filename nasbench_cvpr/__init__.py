"""nasbench_cvpr: one-shot NAS on ResNet channel/depth spaces (OpenMMLab)."""
from . import compat  # noqa: F401  (first: makes mmrazor importable)
from .version import __version__

__all__ = ['__version__']
