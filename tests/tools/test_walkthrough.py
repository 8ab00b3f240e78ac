"""README's walkthrough (CVPR 2022 1st place), run with the same commands on
the CPU-scale configs: Paddle weights -> stage 1 from them -> stage 2 with
the converted teacher -> scores of an arch file -> the best code exported."""
import json
import os
import random
import re
import subprocess
import sys

import torch

from nasbench_cvpr.models.checkpoint_files import read_standalone_checkpoint
from nasbench_cvpr.spaces import build_space
from nasbench_cvpr.utils.checkpoint import safe_load_checkpoint
from tests.models.paddle.fakes import paddle_arrays, write_pdparams

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
SUPERNET = os.path.join(ROOT, 'configs', 'supernet')
SMALL = ['train_cfg.max_epochs=1', 'train_dataloader.dataset.indices=64',
         'default_hooks.logger.interval=1']


def run(tool: str, *args) -> str:
    """``python tools/<tool>.py ARGS`` from the repository root: its log."""
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, 'tools', f'{tool}.py'),
         *map(str, args)], capture_output=True, text=True, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout + proc.stderr


def test_paddle_weights_to_submission_and_network(tmp_path):
    from mmengine.config import Config
    stage1_cfg = os.path.join(SUPERNET, 'demo_pinas_stage1_digits.py')
    stage2_cfg = os.path.join(SUPERNET, 'demo_pinas_stage2_digits.py')
    space_cfg = Config.fromfile(stage2_cfg).model.supernet.space.to_dict()
    space = build_space(space_cfg)

    # step 2: official-format weights of the largest network, converted
    pdparams = tmp_path / 'max.pdparams'
    write_pdparams(pdparams,
                   paddle_arrays(space.decode(space.max_code()), seed=3))
    teacher = tmp_path / 'teacher_max.pth'
    run('convert_paddle_checkpoint', pdparams, teacher, '--space',
        os.path.join(SUPERNET, 'demo_spos_digits.py'), '--reorder')
    converted = safe_load_checkpoint(str(teacher))['state_dict']

    # step 3: stage 1 starts from them; the key encoder follows the load
    log = run('train', stage1_cfg, '--work-dir', tmp_path / 's1',
              '--cfg-options', f'load_from={teacher}',
              'allow_partial_load=True', *SMALL)
    assert f'Load checkpoint from {teacher}' in log
    stage1 = safe_load_checkpoint(str(tmp_path / 's1' / 'epoch_1.pth'))
    assert int(stage1['state_dict']['queue_ptr']) == 64  # one step of 64
    weights = [k for k in converted if k.endswith('conv.weight')]
    assert weights
    for name in weights:  # momentum 0.99, one or two steps: still the load
        key = stage1['state_dict']['momentum_encoder.' + name]
        assert (key - converted[name]).norm() < 0.05 * converted[name].norm()

    # step 4: stage 2 from stage 1, the converted file as its frozen teacher
    stage1_ckpt = tmp_path / 's1' / 'epoch_1.pth'
    log = run('train', stage2_cfg, '--work-dir', tmp_path / 's2',
              '--cfg-options', f'load_from={stage1_ckpt}',
              f'model.distiller.checkpoint={teacher}',
              'val_dataloader.dataset.indices=64', *SMALL)
    assert f'Load checkpoint from {stage1_ckpt}' in log
    stage2_ckpt = tmp_path / 's2' / 'epoch_1.pth'
    state = safe_load_checkpoint(str(stage2_ckpt))['state_dict']
    teacher_keys = [k for k in state if k.startswith('distiller.teacher.')]
    assert teacher_keys
    # every student tensor was filled: only the teacher, which loads its own
    # file, is missing from the stage-1 checkpoint
    missing = re.search(r'(\d+) missing \(e\.g\. \[([^]]*)\]', log)
    assert missing and int(missing.group(1)) == len(teacher_keys)
    assert "'distiller.teacher." in missing.group(2)
    # the teacher is the converted network, unchanged by training
    teacher_stem = [k for k in teacher_keys if k.endswith('weight')][0]
    assert any(torch.equal(state[teacher_stem], v)
               for v in converted.values() if v.shape ==
               state[teacher_stem].shape)

    # step 5: scores of an arch file (the submission format)
    rng = random.Random(0)
    codes = list(dict.fromkeys(space.sample(rng) for _ in range(8)))
    arch_file = tmp_path / 'archs.json'
    arch_file.write_text(json.dumps(
        {f'arch{i + 1}': dict(arch=c) for i, c in enumerate(codes)}))
    submission = tmp_path / 'submission.json'
    run('eval_subnets', stage2_cfg, stage2_ckpt, '--arch-file', arch_file,
        '--out', submission, '--calib-num-images', 64, '--batch-size', 32)
    scores = json.loads(submission.read_text())
    assert list(scores) == [f'arch{i + 1}' for i in range(len(codes))]
    assert [v['arch'] for v in scores.values()] == codes
    assert all(isinstance(v['acc'], float) for v in scores.values())

    # step 6: the best code as a network
    best = max(scores.values(), key=lambda v: v['acc'])['arch']
    out = tmp_path / 'best.pth'
    run('export_subnet', stage2_cfg, stage2_ckpt, '--from-scores',
        submission, '--top', 1, '--out', out, '--calib-num-images', 64,
        '--batch-size', 32)
    assert read_standalone_checkpoint(str(out))[1]['arch'] == best
