"""tools/slurm_train.sh and tools/slurm_eval.sh under a fake srun: the
OpenMMLab options reach srun, each task gets its rank from Slurm's
environment, and 2 tasks train and score as 2 torchrun processes would."""
import json
import os
import random
import socket
import subprocess
import sys

import pytest

from nasbench_cvpr.spaces import build_space

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
DEMO = os.path.join(ROOT, 'configs', 'supernet', 'demo_spos_digits.py')
FAKE = os.path.join(ROOT, 'tests', 'tools', 'fake_slurm.py')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture
def slurm(tmp_path):
    """PATH with fake srun/scontrol; returns (env, read_records)."""
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    for tool in ('srun', 'scontrol'):  # the fake picks its role by name
        path = bin_dir / tool
        path.write_text(f'#!{sys.executable}\nimport os, runpy\n'
                        f'os.environ["FAKE_SLURM_TOOL"] = {tool!r}\n'
                        f'runpy.run_path({FAKE!r}, run_name="__main__")\n')
        path.chmod(0o755)
    records = tmp_path / 'records.jsonl'
    env = dict(os.environ, PATH=f'{bin_dir}:{os.environ["PATH"]}',
               FAKE_SLURM_RECORD=str(records), PYTHON=sys.executable,
               MASTER_PORT=str(free_port()))
    env.pop('MASTER_ADDR', None)

    def read():
        return [json.loads(line) for line in records.read_text().splitlines()]

    return env, read


def run(script, *args, env):
    proc = subprocess.run(['bash', os.path.join(ROOT, 'tools', script),
                           *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_two_slurm_tasks_train_then_score(slurm, tmp_path):
    env, read = slurm
    work = tmp_path / 'work'
    run('slurm_train.sh', 'debug', 'nas_demo', DEMO, work, '--cfg-options',
        'train_cfg.max_epochs=1', 'train_dataloader.dataset.indices=64',
        'train_dataloader.batch_size=16', 'val_dataloader.dataset.indices=32',
        env=dict(env, GPUS='2', CPUS_PER_TASK='1'))
    srun, scontrol = [r for r in read() if r['tool'] == 'srun'], \
        [r for r in read() if r['tool'] == 'scontrol']
    options = srun[0]['options']
    assert options['partition'] == 'debug'
    assert options['job-name'] == 'nas_demo'
    assert options['ntasks'] == '2' and options['ntasks-per-node'] == '2'
    assert options['gres'] == 'gpu:2' and options['cpus-per-task'] == '1'
    assert options['kill-on-bad-exit'] == '1'
    command = srun[0]['command']
    assert command[0] == sys.executable and command[2].endswith('train.py')
    assert '--launcher=slurm' in command and f'--work-dir={work}' in command
    # every task resolved the master node from the node list
    assert len(scontrol) == 2 and all(
        r['argv'] == ['show', 'hostnames', 'node[1]'] for r in scontrol)
    ckpt = work / 'epoch_1.pth'
    assert ckpt.exists()
    log = next(work.glob('*/*.log')).read_text()
    # mmengine's runtime summary: 2 processes, started by the slurm launcher
    assert 'Distributed launcher: slurm' in log
    assert 'GPU number: 2' in log

    from mmengine.config import Config
    space = build_space(Config.fromfile(DEMO).model.supernet.space.to_dict())
    rng = random.Random(0)
    archs = tmp_path / 'archs.json'
    archs.write_text(json.dumps({f'arch{i}': dict(arch=space.sample(rng))
                                 for i in range(4)}))
    out = tmp_path / 'scores.json'
    run('slurm_eval.sh', 'debug', 'nas_eval', DEMO, ckpt, '--arch-file',
        archs, '--out', out, '--calib-num-images', 32, '--batch-size', 16,
        '--eval-num-images', 32, env=dict(env, GPUS='2', CPUS_PER_TASK='1'))
    scores = json.loads(out.read_text())
    assert sorted(scores) == [f'arch{i}' for i in range(4)]
    eval_cmd = [r for r in read() if r['tool'] == 'srun'][1]['command']
    assert eval_cmd[2].endswith('eval_subnets.py') and \
        '--launcher=slurm' in eval_cmd


def test_slurm_launcher_outside_a_slurm_task_is_one_line():
    env = {k: v for k, v in os.environ.items() if not k.startswith('SLURM_')}
    proc = subprocess.run([sys.executable, os.path.join(ROOT, 'tools',
                                                        'train.py'), DEMO,
                           '--launcher', 'slurm'], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert proc.returncode != 0
    assert 'needs a Slurm task (srun)' in proc.stderr
    assert 'Traceback' not in proc.stderr
