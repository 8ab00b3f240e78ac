"""Random streams round-trip through checkpoints; sampler state only on
resume."""
import random
from types import SimpleNamespace

import numpy as np
import torch
from mmengine.dataset import DefaultSampler
from torch.utils.data import DataLoader

from nasbench_cvpr.engine import (SupernetStateHook, capture_random_state,
                                  restore_random_state)
from nasbench_cvpr.utils.checkpoint import safe_load_checkpoint


def draws():
    return (random.random(), random.gauss(0, 1), np.random.rand(3).tolist(),
            np.random.randn(), torch.rand(3).tolist(), torch.randn(2).tolist())


def test_streams_round_trip_through_a_safe_loaded_checkpoint(tmp_path):
    random.gauss(0, 1)  # leaves a cached gaussian in python's state
    np.random.randn()
    dataset = list(range(10))
    loader = DataLoader(dataset, sampler=DefaultSampler(dataset, seed=5),
                        generator=torch.Generator().manual_seed(3))
    torch.randint(0, 9, (1, ), generator=loader.generator)
    path = tmp_path / 'ckpt.pth'
    torch.save({'random_state': capture_random_state(loader)}, path)
    expected = draws()
    expected_gen = torch.rand(2, generator=loader.generator)
    draws()
    loader.sampler.seed = 99
    torch.rand(2, generator=loader.generator)

    state = safe_load_checkpoint(str(path))['random_state']
    restore_random_state(state, loader)
    assert draws() == expected
    assert loader.sampler.seed == 5
    assert torch.equal(torch.rand(2, generator=loader.generator),
                       expected_gen)


class Algorithm:

    def __init__(self):
        self.loaded = []

    def train_state(self):
        return {'sampler': 'state'}

    def load_train_state(self, state):
        self.loaded.append(state)


def test_sampler_state_restored_on_resume_only():
    hook = SupernetStateHook()
    runner = SimpleNamespace(model=Algorithm(), iter=0)
    checkpoint = {}
    hook.before_save_checkpoint(runner, checkpoint)
    checkpoint['meta'] = dict(epoch=1, iter=6)
    # load_from: the run starts at iteration 0, not the checkpoint's 6
    hook.after_load_checkpoint(runner, checkpoint)
    hook.before_train(runner)
    assert runner.model.loaded == []
    # resume: the run continues at the checkpoint's iteration
    hook.after_load_checkpoint(runner, checkpoint)
    runner.iter = 6
    hook.before_train(runner)
    assert runner.model.loaded == [{'sampler': 'state'}]
