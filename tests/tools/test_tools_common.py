import os
import sys

import pytest
import torch
import torch.distributed as dist

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))


@pytest.fixture(scope='module')
def common():
    sys.path.insert(0, os.path.join(ROOT, 'tools'))
    try:
        import tools_common
    finally:
        sys.path.pop(0)
    return tools_common


@pytest.mark.parametrize('visible,local_rank,device', [
    (1, 3, 0),  # the cluster shows each task only its own GPU
    (8, 3, 3),  # all GPUs of the node are visible
    (4, 6, 2),  # two tasks per visible device
])
def test_gpu_of_a_rank_with_mocked_cuda(common, monkeypatch, visible,
                                        local_rank, device):
    chosen, groups = [], []
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    monkeypatch.setattr(torch.cuda, 'device_count', lambda: visible)
    monkeypatch.setattr(torch.cuda, 'set_device', chosen.append)
    monkeypatch.setattr(dist, 'is_initialized', lambda: False)
    monkeypatch.setattr(dist, 'init_process_group',
                        lambda backend, **kw: groups.append(backend))
    monkeypatch.setenv('LOCAL_RANK', str(local_rank))
    assert common.init_process_group('pytorch') == 'nccl'
    assert chosen == [device] and groups == ['nccl']


def test_no_visible_device_is_named(common):
    with pytest.raises(ValueError, match='no device is visible'):
        common.local_device_index(0, 0)
