"""NASRunner loads checkpoints safely and only when they fit the model."""
import builtins
import itertools

import pytest
import torch
from mmengine.config import Config
from mmengine.model import BaseModel
from torch import nn

from nasbench_cvpr.engine import NASRunner
from nasbench_cvpr.utils.checkpoint import (CheckpointError,
                                            CheckpointMismatchError)

_names = itertools.count()


class Tiny(BaseModel):

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)
        self.bn = nn.BatchNorm1d(2)  # 5 tensors: 7 in all

    def forward(self, inputs, data_samples=None, mode='tensor'):
        return self.bn(self.fc(inputs))


class CreatesFile:

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return builtins.open, (self.path, 'w')


def make_runner(tmp_path, **cfg):
    torch.manual_seed(next(_names))
    # the package's scope: a Runner without one makes mmengine's scope the
    # current one for every later registry build in this process
    return NASRunner(model=Tiny(), work_dir=str(tmp_path),
                     experiment_name=f'test_runner_{next(_names)}',
                     default_scope='nasbench_cvpr', cfg=Config(cfg))


def other_state():
    torch.manual_seed(1000)
    return {k: v.clone() for k, v in Tiny().state_dict().items()}


def test_own_checkpoint_loads_completely(tmp_path):
    runner = make_runner(tmp_path)
    state = other_state()
    path = tmp_path / 'own.pth'
    torch.save(dict(meta=dict(epoch=1, iter=3),
                    state_dict={f'module.{k}': v for k, v in state.items()}),
               path)
    runner.load_checkpoint(str(path))
    for key, value in runner.model.state_dict().items():
        assert torch.equal(value, state[key]), key


def test_crafted_checkpoint_with_empty_state_dict_refused(tmp_path):
    runner = make_runner(tmp_path)
    target = tmp_path / 'payload_ran'
    path = tmp_path / 'crafted.pth'
    torch.save(dict(state_dict={}, meta=CreatesFile(target)), path)
    with pytest.raises(CheckpointError, match='io.open'):
        runner.load_checkpoint(str(path))
    assert not target.exists()
    torch.save(dict(state_dict={}, meta={}), path)  # no payload, no weights
    with pytest.raises(CheckpointMismatchError, match='0 of 7 model tensors'):
        runner.load_checkpoint(str(path))


def test_partial_checkpoint_refused_unless_the_config_allows_it(tmp_path):
    state = other_state()
    del state['bn.running_var']
    state['neck.weight'] = torch.zeros(1)
    path = tmp_path / 'part.pth'
    torch.save(dict(state_dict=state), path)

    runner = make_runner(tmp_path / 'a')
    before = {k: v.clone() for k, v in runner.model.state_dict().items()}
    with pytest.raises(CheckpointMismatchError,
                       match='6 of 7 model tensors match') as info:
        runner.load_checkpoint(str(path))
    assert 'allow_partial_load = True' in str(info.value)
    assert all(torch.equal(v, before[k])
               for k, v in runner.model.state_dict().items())

    runner = make_runner(tmp_path / 'b', allow_partial_load=True)
    var = runner.model.bn.running_var.clone()
    runner.load_checkpoint(str(path))
    assert torch.equal(runner.model.fc.weight, state['fc.weight'])
    assert torch.equal(runner.model.bn.running_var, var)
    # resuming is always strict
    with pytest.raises(CheckpointMismatchError, match='6 of 7'):
        runner.resume(str(path))

    runner = make_runner(tmp_path / 'c', allow_partial_load='yes')
    with pytest.raises(ValueError, match='allow_partial_load'):
        runner.load_checkpoint(str(path))


class RecordsLoad(Tiny):
    """A model that asks to hear which tensors a load filled."""

    def __init__(self):
        super().__init__()
        self.loaded = None

    def after_state_loaded(self, loaded_keys):
        self.loaded = loaded_keys


def test_model_hears_which_tensors_were_loaded(tmp_path):
    runner = NASRunner(model=RecordsLoad(), work_dir=str(tmp_path),
                       experiment_name=f'test_runner_{next(_names)}',
                       default_scope='nasbench_cvpr',
                       cfg=Config(dict(allow_partial_load=True)))
    state = {k: v for k, v in other_state().items() if k.startswith('fc.')}
    path = tmp_path / 'part.pth'
    torch.save(dict(state_dict=state), path)
    runner.load_checkpoint(str(path))
    assert runner.model.loaded == {'fc.weight', 'fc.bias'}
