"""Configs whose ``load_from`` fills only part of the model allow partial
loads explicitly: stage 2 loads stage 1's supernet (every supernet tensor
matches), the official baseline the converted pretrained largest network."""
import os
from unittest import mock

import pytest
from mmengine.config import Config

from nasbench_cvpr.models.distillers import FixedTeacherDistiller
from nasbench_cvpr.registry import MODELS
from nasbench_cvpr.utils.checkpoint import match_state_dict

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))


def build(name):
    cfg = Config.fromfile(os.path.join(ROOT, 'configs', 'supernet', name))
    # the teacher file is not needed to compare the keys
    with mock.patch.object(FixedTeacherDistiller, 'init_weights',
                           lambda self: None):
        return cfg, MODELS.build(cfg.model)


@pytest.mark.parametrize('stage1, stage2', [
    ('demo_pinas_stage1_digits.py', 'demo_pinas_stage2_digits.py'),
    ('fashion_pinas_stage1.py', 'fashion_pinas_stage2.py'),
    ('pinas_stage1.py', 'pinas_stage2.py'),
])
def test_stage2_loads_every_supernet_tensor_of_stage1(stage1, stage2):
    _, model1 = build(stage1)
    cfg, model2 = build(stage2)
    match = match_state_dict(model2.state_dict(), model1.state_dict())
    supernet = [k for k in model2.state_dict() if k.startswith('supernet.')]
    assert set(supernet) <= set(match.matched)
    assert not match.mismatched
    # the frozen teacher loads its own file
    assert all(k.startswith('distiller.teacher.') for k in match.missing)
    assert {k.split('.')[0] for k in match.unexpected} == {
        'neck', 'momentum_encoder', 'queue', 'queue_ptr'}
    assert cfg.allow_partial_load is True


def test_official_baseline_allows_a_partial_pretrained_load():
    cfg = Config.fromfile(
        os.path.join(ROOT, 'configs', 'supernet', 'official_baseline.py'))
    assert cfg.load_from == cfg.pretrained
    assert cfg.allow_partial_load is True
