"""End-to-end training: resume reproduces the run; 2 CPU processes agree."""
import glob
import os
import subprocess
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
DEMO = os.path.join(ROOT, 'configs', 'supernet', 'demo_spos_digits.py')
SMALL = ['train_dataloader.dataset.indices=96', 'train_dataloader.batch_size=32',
         'val_dataloader.dataset.indices=64', 'default_hooks.logger.interval=1']


def train(work_dir, epochs, *extra):
    cmd = [sys.executable, os.path.join(ROOT, 'tools', 'train.py'), DEMO,
           '--work-dir', str(work_dir), *extra, '--cfg-options',
           f'train_cfg.max_epochs={epochs}', f'train_cfg.val_interval={epochs}',
           *SMALL]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def load(path):
    return torch.load(path, map_location='cpu', weights_only=False)


def test_resume_reproduces_uninterrupted_run(tmp_path):
    train(tmp_path / 'a', 2)
    train(tmp_path / 'b', 1)
    train(tmp_path / 'b', 2, '--resume')
    a, b = load(tmp_path / 'a' / 'epoch_2.pth'), load(tmp_path / 'b' /
                                                      'epoch_2.pth')
    # sampler RNG, fairness state and epoch: the arch sequence continues as
    # if never interrupted (weights also depend on augmentation randomness,
    # which mmengine does not checkpoint)
    assert a['supernet_train_state'] == b['supernet_train_state']
    assert b['meta']['epoch'] == 2


def test_two_processes_same_archs_and_weights():
    script = os.path.join(ROOT, 'tests', 'tools', 'dist_check.py')
    proc = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node=2',
         '--master_port=29613', script], capture_output=True, text=True,
        cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'DIST_OK' in proc.stdout


def test_dist_train_sh_runs_on_cpu(tmp_path):
    env = dict(os.environ, PORT='29614', PYTHON=sys.executable)
    cmd = ['bash', os.path.join(ROOT, 'tools', 'dist_train.sh'), DEMO, '2',
           '--work-dir', str(tmp_path), '--cfg-options', 'train_cfg.max_epochs=1',
           'train_cfg.val_interval=1', *SMALL]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT,
                          env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert glob.glob(str(tmp_path / 'epoch_1.pth'))
