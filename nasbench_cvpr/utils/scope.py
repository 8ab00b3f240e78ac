"""Build nested configs in this package's registry scope."""
from contextlib import contextmanager

from mmengine.registry import DefaultScope

SCOPE = 'nasbench_cvpr'


@contextmanager
def package_scope():
    """Make ``nasbench_cvpr`` the default registry scope inside the block.

    The Runner sets it from ``default_scope``, but a model built directly
    (``MODELS.build(cfg)`` in a script or test) would otherwise build nested
    OpenMMLab components, e.g. mmpretrain's batch augmentations, in their own
    scope, where this package's registrations (``PixelNoise``) are invisible.
    """
    with DefaultScope.overwrite_default_scope(SCOPE):
        yield
