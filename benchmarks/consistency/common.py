"""Shared pieces of the consistency benchmark: the space and the task.

The benchmark scripts in this directory import this module (run them from
anywhere: each script puts its own directory first on ``sys.path``).
"""
import os

#: The tiny ResNet48-shaped space of the demo
#: (``configs/_base_/models/resnet48_tiny_supernet.py``), tied codes.
TINY_SPACE = dict(
    type='ResNet48Space', base_channels=(16, 32, 64, 128),
    max_depths=(2, 2, 3, 2), divisor=4, stem_type='cifar', num_classes=10,
    input_size=16, tie_out_channels=True)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def tiny_space():
    """The tiny space as an instance (imports the package lazily)."""
    import nasbench_cvpr  # noqa: F401  (first: makes mmrazor importable)
    from nasbench_cvpr.spaces import build_space
    return build_space(dict(TINY_SPACE))
