"""Reading .pdparams files: numpy arrays only, nothing executed."""
import os
import pickle

import numpy as np
import pytest

from nasbench_cvpr.models.paddle import (PaddleCheckpointError,
                                         UnsafePickleError, read_pdparams,
                                         select_network)

from .fakes import write_pdparams


class _Payload:
    """Pickles as a call of ``func(*args)``."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


@pytest.mark.parametrize('protocol', [2, 4, 5])
@pytest.mark.parametrize('as_tuples', [False, True])
def test_arrays_read_back(tmp_path, protocol, as_tuples):
    params = {'blocks.0.conv.weight': np.arange(6, dtype=np.float32)
              .reshape(1, 2, 3, 1),
              'blocks.1.fc.bias': np.ones(3, np.float32)}
    path = tmp_path / 'w.pdparams'
    write_pdparams(path, params, protocol, as_tuples)
    got = read_pdparams(str(path))
    assert list(got) == list(params)  # the structured-name table is dropped
    for k, v in params.items():
        assert got[k].dtype == np.float32 and np.array_equal(got[k], v)


def test_nested_dicts_are_flattened(tmp_path):
    path = tmp_path / 'nested.pdparams'
    with open(path, 'wb') as f:
        pickle.dump({'model': {'blocks.0.bn.weight':
                               ('bn_0.w_0', np.ones(2, np.float32))}}, f)
    assert list(read_pdparams(str(path))) == ['model.blocks.0.bn.weight']


@pytest.mark.parametrize('func,args', [
    (os.system, ('touch {marker}', )),
    (exec, ("open(r'{marker}', 'w').close()", )),
])
def test_forbidden_global_refused_without_executing(tmp_path, func, args):
    marker = tmp_path / 'executed'
    payload = _Payload(func, *[a.format(marker=marker) for a in args])
    path = tmp_path / 'evil.pdparams'
    with open(path, 'wb') as f:
        pickle.dump({'blocks.0.conv.weight': np.zeros(1, np.float32),
                     'x': payload}, f, protocol=4)
    with pytest.raises(UnsafePickleError) as info:
        read_pdparams(str(path))
    message = str(info.value)
    assert str(path) in message and func.__name__ in message
    assert not marker.exists()


def test_non_array_entry_and_non_pickle_named(tmp_path):
    path = tmp_path / 'odd.pdparams'
    with open(path, 'wb') as f:
        pickle.dump({'epoch': 3}, f)
    with pytest.raises(PaddleCheckpointError, match="'epoch'"):
        read_pdparams(str(path))
    path.write_bytes(b'not a pickle')
    with pytest.raises(PaddleCheckpointError, match='odd.pdparams'):
        read_pdparams(str(path))


def test_training_prefixes():
    a = np.zeros(1)
    plain = {'blocks.0.conv.weight': a}
    assert select_network(plain, 'f') == plain
    with pytest.raises(PaddleCheckpointError, match='no teacher copy'):
        select_network(plain, 'f', teacher=True)
    training = {'model.blocks.0.conv.weight': a,
                'ofa_teacher_model.model.blocks.0.conv.weight': a}
    assert list(select_network(training, 'f')) == ['blocks.0.conv.weight']
    assert list(select_network(training, 'f', True)) == \
        ['blocks.0.conv.weight']
    with pytest.raises(PaddleCheckpointError, match="'optimizer.lr'"):
        select_network(dict(training, **{'optimizer.lr': a}), 'f')


def test_numpy1_module_names(tmp_path):
    # files written under numpy 1 name numpy.core, not numpy._core
    data = pickle.dumps({'w': np.arange(3, dtype=np.float32)}, protocol=2)
    assert b'numpy._core.multiarray\n' in data
    path = tmp_path / 'old.pdparams'
    path.write_bytes(data.replace(b'numpy._core.multiarray\n',
                                  b'numpy.core.multiarray\n'))
    assert np.array_equal(read_pdparams(str(path))['w'], np.arange(3))
