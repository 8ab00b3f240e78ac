import os

import pytest

DATA = os.path.join(os.path.dirname(__file__), 'data')
SHARED = os.path.abspath(
    os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'data'))


def shared_file(name: str) -> str:
    """Path of a file in ../shared/data; skip the test where it is absent."""
    path = os.path.join(SHARED, name)
    if not os.path.exists(path):
        pytest.skip(f'{path} not available')
    return path


@pytest.fixture
def tiny_space():
    """A CPU-sized ResNet48-shaped space accepting untied codes."""
    from nasbench_cvpr.spaces import ResNet48Space
    return ResNet48Space(base_channels=(8, 16, 24, 32), max_depths=(2, 2, 3, 2),
                         divisor=4, stem_type='cifar', num_classes=5,
                         input_size=16, tie_out_channels=False)
