"""Every paper config that starts from the official pretrained weights or
distils from them loads the converter's output completely, at full size:
every tensor of the file fills a tensor of the same shape, every tensor of
the largest network is in the file, and the frozen teacher loads strictly."""
import os
from unittest import mock

import pytest
import torch
from mmengine.config import Config

from nasbench_cvpr.models.distillers import FixedTeacherDistiller
from nasbench_cvpr.models.distillers.fixed_teacher import \
    load_teacher_checkpoint
from nasbench_cvpr.models.paddle.convert_file import convert_pdparams_file
from nasbench_cvpr.registry import MODELS
from nasbench_cvpr.spaces import build_space
from nasbench_cvpr.utils.checkpoint import (match_state_dict,
                                            safe_load_checkpoint)
from tests.models.paddle.fakes import paddle_arrays, write_pdparams

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
SUPERNET = os.path.join(ROOT, 'configs', 'supernet')
#: configs whose load_from is a converted official file
PRETRAINED_START = ['official_baseline.py', 'pinas_stage1.py',
                    'rdnas_rankloss.py', 'cvpr22_2nd_progressive.py']


@pytest.fixture(scope='module')
def converted(tmp_path_factory):
    """The converter's output for a full-size official ResNet48 file (with
    and without reordering), read back."""
    tmp = tmp_path_factory.mktemp('pretrained')
    space = build_space('resnet48')
    src = tmp / 'resnet48.pdparams'
    write_pdparams(src, paddle_arrays(space.decode(space.max_code()), seed=1))
    files = {}
    for reorder in (True, False):
        dst = tmp / f'converted_{reorder}.pth'
        convert_pdparams_file(str(src), str(dst), 'resnet48', reorder=reorder)
        files[reorder] = str(dst)
    return files


def build_model(cfg):
    # the teacher loads below, from the same file
    with mock.patch.object(FixedTeacherDistiller, 'init_weights',
                           lambda self: None):
        return MODELS.build(cfg.model)


@pytest.mark.parametrize('name', PRETRAINED_START)
def test_pretrained_start_loads_completely(name, converted):
    cfg = Config.fromfile(os.path.join(SUPERNET, name))
    assert cfg.allow_partial_load is True
    reorder = 'noreorder' not in cfg.load_from
    state = safe_load_checkpoint(converted[reorder])['state_dict']
    model = build_model(cfg)
    match = match_state_dict(model.state_dict(), state)
    assert not match.unexpected and not match.mismatched
    assert len(match.matched) == len(state)
    # what stays unfilled is not part of the largest network: projections
    # of other widths, channel masks, BN counters, the key encoder, neck,
    # queue (stage 1) and the teacher (loaded from its own file)
    largest = build_space('resnet48').decode(
        build_space('resnet48').max_code())
    assert largest.blocks and all(
        k.endswith(('.mask', 'num_batches_tracked')) or 'shortcut' in k
        or k.startswith(('distiller.', 'momentum_encoder.', 'neck.',
                         'queue'))
        for k in match.missing), [k for k in match.missing][:5]


@pytest.mark.parametrize('name', ['official_baseline.py', 'pinas_stage2.py'])
def test_teacher_loads_strictly(name, converted):
    cfg = Config.fromfile(os.path.join(SUPERNET, name))
    assert cfg.model.distiller.checkpoint == \
        'checkpoints/resnet48_max_pretrained.pth'
    teacher = MODELS.build(cfg.model.distiller.teacher)
    prefix = load_teacher_checkpoint(teacher, converted[True])
    assert prefix == 'supernet.'
    state = safe_load_checkpoint(converted[True])['state_dict']
    assert torch.equal(teacher.state_dict()['fc.weight'],
                       state['supernet.fc.weight'])
