"""Shared pieces of the Fashion-MNIST benchmark: the space and the task.

The benchmark scripts in this directory import this module (run them from
anywhere: each script puts its own directory first on ``sys.path``).
"""
import os

#: ResNet48-shaped space on 28x28 grayscale: the ImageNet stem (7x7/2 conv +
#: 3x3/2 max-pool), base widths 16-32-64-128, depths 2-3 / 2-3 / 2-4 / 2-3,
#: five width ratios, tied codes like the challenge file.
FASHION_SPACE = dict(
    type='ResNet48Space', base_channels=(16, 32, 64, 128),
    max_depths=(3, 3, 4, 3), min_depth=2, ratios=(1.0, 0.8, 0.6, 0.45, 0.3),
    divisor=4, stem_type='imagenet', num_classes=10, input_size=28,
    in_channels=1, tie_out_channels=True)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def fashion_space():
    """The benchmark space as an instance (imports the package lazily)."""
    import nasbench_cvpr  # noqa: F401  (first: makes mmrazor importable)
    from nasbench_cvpr.spaces import build_space
    return build_space(dict(FASHION_SPACE))
