"""Safe checkpoint loading: crafted pickles never run, our own files load."""
import builtins
import json
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub

from nasbench_cvpr.utils.checkpoint import (CheckpointError,
                                            CheckpointMismatchError,
                                            check_state_dict,
                                            safe_load_checkpoint)


class CreatesFile:
    """Unpickling this calls ``open(path, 'w')``: the file appears."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return builtins.open, (self.path, 'w')


class CallsGetattr:
    """Unpickling this calls ``getattr(HistoryBuffer, '__init__')``."""

    def __reduce__(self):
        return getattr, (HistoryBuffer, '__init__')


def crafted_files(tmp_path, payload):
    """The payload as a torch zip checkpoint, a torch legacy checkpoint and
    plain pickles of protocols 2 and 4."""
    ckpt = {'state_dict': {}, 'meta': payload}
    paths = []
    for name, new_zip in (('zip.pth', True), ('legacy.pth', False)):
        torch.save(ckpt, tmp_path / name,
                   _use_new_zipfile_serialization=new_zip)
        paths.append(tmp_path / name)
    for protocol in (2, 4):
        path = tmp_path / f'pickle{protocol}.pth'
        path.write_bytes(pickle.dumps(ckpt, protocol=protocol))
        paths.append(path)
    return paths


def test_crafted_pickle_never_runs_and_is_named(tmp_path):
    target = tmp_path / 'payload_ran'
    for path in crafted_files(tmp_path, CreatesFile(target)):
        with pytest.raises(CheckpointError) as info:
            safe_load_checkpoint(str(path))
        message = str(info.value)
        assert str(path) in message and 'io.open' in message, message
        assert '\n' not in message
    assert not target.exists()


def test_getattr_only_for_history_buffer_statistics(tmp_path):
    path = tmp_path / 'getattr.pth'
    torch.save({'x': CallsGetattr()}, path)
    with pytest.raises(CheckpointError, match="'__init__'"):
        safe_load_checkpoint(str(path))


def test_own_checkpoint_content_loads(tmp_path):
    hub = MessageHub('safe_load_test')
    for value in (0.5, 0.25):
        hub.update_scalar('train/loss', value)
    ckpt = dict(state_dict={'w': torch.ones(2)},
                message_hub=hub.state_dict(),
                meta=dict(epoch=1, seed=np.int64(3), arr=np.arange(3.0),
                          ints=np.array([1, 2], dtype=np.uint32)))
    path = tmp_path / 'own.pth'
    torch.save(ckpt, path)
    loaded = safe_load_checkpoint(str(path))
    buffer = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer) and buffer.mean() == 0.375
    assert loaded['meta']['seed'] == 3
    assert np.array_equal(loaded['meta']['arr'], np.arange(3.0))
    assert loaded['meta']['ints'].dtype == np.uint32


def test_not_a_checkpoint_and_missing_file(tmp_path):
    path = tmp_path / 'scores.json'
    path.write_text(json.dumps({'a': 1}))
    with pytest.raises(CheckpointError, match='not a readable torch '
                       'checkpoint'):
        safe_load_checkpoint(str(path))
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        safe_load_checkpoint(str(tmp_path / 'nope.pth'))


def test_partial_state_dict_refused_unless_allowed():
    model = {'a': torch.zeros(2), 'b': torch.zeros(3), 'c': torch.zeros(1)}
    part = {'a': torch.ones(2), 'b': torch.ones(4), 'x': torch.ones(1)}
    with pytest.raises(CheckpointMismatchError,
                       match='1 of 3 model tensors match') as info:
        check_state_dict(model, part, 'part.pth')
    assert 'allow_partial_load' in str(info.value)
    match = check_state_dict(model, part, 'part.pth', allow_partial=True)
    assert (match.matched, match.missing, match.mismatched,
            match.unexpected) == (['a'], ['c'], ['b'], ['x'])
    # nothing matched: refused even when partial loads are allowed
    with pytest.raises(CheckpointMismatchError, match='0 of 3'):
        check_state_dict(model, {}, 'empty.pth', allow_partial=True)
    assert check_state_dict(model, dict(model), 'same.pth').complete
