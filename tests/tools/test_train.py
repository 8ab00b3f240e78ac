"""End-to-end training: resume is exact; 2 CPU processes agree and end
cleanly."""
import glob
import os
import re
import socket
import subprocess
import sys

import pytest
import torch
import torch.distributed as dist

from nasbench_cvpr.utils.checkpoint import safe_load_checkpoint

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
DEMO = os.path.join(ROOT, 'configs', 'supernet', 'demo_spos_digits.py')
SMALL = ['train_dataloader.dataset.indices=96', 'train_dataloader.batch_size=32',
         'val_dataloader.dataset.indices=64', 'default_hooks.logger.interval=1']
KILL_DRIVER = os.path.join(ROOT, 'tests', 'tools', 'train_kill_driver.py')


def train(work_dir, *options, resume=False, kill_at_step=None, config=DEMO):
    """Train the demo 2 epochs (validation after each), 3 steps per epoch;
    with ``kill_at_step`` the process SIGKILLs itself before that step."""
    script = os.path.join(ROOT, 'tools', 'train.py')
    env = dict(os.environ, OMP_NUM_THREADS='1')
    if kill_at_step is not None:
        script, env['KILL_AT_STEP'] = KILL_DRIVER, str(kill_at_step)
    cmd = [sys.executable, script, config, '--work-dir', str(work_dir),
           *(['--resume'] if resume else []), '--cfg-options',
           'train_cfg.max_epochs=2', 'train_cfg.val_interval=1', *SMALL,
           *options]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT,
                          env=env)
    expected = 0 if kill_at_step is None else -9
    assert proc.returncode == expected, proc.stderr[-3000:]
    return proc


@pytest.mark.parametrize('workers', [0, 2])
def test_kill_in_mid_epoch_and_resume_is_bit_identical(tmp_path, workers):
    # 2 persistent workers: their streams cannot be saved, so they restart
    options = [] if workers == 0 else [
        f'train_dataloader.num_workers={workers}',
        'train_dataloader.persistent_workers=True']
    train(tmp_path / 'full', *options)
    # step 5 is the 2nd of epoch 2: killed after epoch_1.pth, in mid-epoch
    train(tmp_path / 'cut', *options, kill_at_step=5)
    assert not os.path.exists(tmp_path / 'cut' / 'epoch_2.pth')
    proc = train(tmp_path / 'cut', *options, resume=True)
    assert 'resumed epoch: 1, iter: 3' in proc.stdout + proc.stderr
    full = safe_load_checkpoint(str(tmp_path / 'full' / 'epoch_2.pth'))
    cut = safe_load_checkpoint(str(tmp_path / 'cut' / 'epoch_2.pth'))
    assert full['meta']['iter'] == cut['meta']['iter'] == 6
    assert full['state_dict'].keys() == cut['state_dict'].keys()
    for key, value in full['state_dict'].items():
        assert torch.equal(value, cut['state_dict'][key]), key
    momentum = [s['momentum_buffer'] for s in
                (full['optimizer']['state'], cut['optimizer']['state'])
                for s in s.values()]
    half = len(momentum) // 2
    assert all(torch.equal(a, b)
               for a, b in zip(momentum[:half], momentum[half:]))
    assert full['supernet_train_state'] == cut['supernet_train_state']
    losses = [c['message_hub']['log_scalars']['train/loss'].data[0]
              for c in (full, cut)]
    assert losses[0].tolist() == losses[1].tolist()


def test_few_shot_run_resumes_exactly_after_a_kill(tmp_path):
    """Few-shot copies, group sampling and the NSAS memory survive a
    SIGKILL: the resumed run ends with the same weights, memory and losses."""
    config = os.path.join(ROOT, 'configs', 'supernet',
                          'demo_fewshot_digits.py')
    train(tmp_path / 'full', config=config)
    train(tmp_path / 'cut', kill_at_step=5, config=config)
    train(tmp_path / 'cut', resume=True, config=config)
    full = safe_load_checkpoint(str(tmp_path / 'full' / 'epoch_2.pth'))
    cut = safe_load_checkpoint(str(tmp_path / 'cut' / 'epoch_2.pth'))
    assert any('.copies.1.' in key for key in full['state_dict'])
    for key, value in full['state_dict'].items():
        assert torch.equal(value, cut['state_dict'][key]), key
    state = full['supernet_train_state']
    assert state['distiller']['memories']
    assert state == cut['supernet_train_state']


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
    # the effective scale of the run, logged as it starts
    assert re.search(r'training scale: 2 process\(es\) x \d+ images = total '
                     r'batch \d+, lr [\d.e-]+, \d+ iterations per epoch',
                     proc.stdout + proc.stderr)


@pytest.fixture
def one_process_group_env(monkeypatch):
    """torchrun's environment for a world of 1 process; the group, if a
    test leaves one, is destroyed afterwards."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    for key, value in dict(RANK='0', LOCAL_RANK='0', WORLD_SIZE='1',
                           MASTER_ADDR='127.0.0.1',
                           MASTER_PORT=str(port)).items():
        monkeypatch.setenv(key, value)
    monkeypatch.syspath_prepend(os.path.join(ROOT, 'tools'))
    yield
    if dist.is_initialized():
        dist.destroy_process_group()


class FakeRunner:
    """Records that the group exists while the tool runs; may fail."""

    def __init__(self, fail):
        self.fail = fail
        self.saw_group = dist.is_initialized()

    def run(self):
        if self.fail:
            raise RuntimeError('boom')

    train = test = run


@pytest.mark.parametrize('tool', ['train', 'eval_subnets'])
@pytest.mark.parametrize('fail', [False, True])
def test_tools_destroy_the_process_group(one_process_group_env, monkeypatch,
                                         tmp_path, tool, fail):
    import importlib

    from nasbench_cvpr.registry import RUNNERS
    module = importlib.import_module(tool)
    runners = []

    def build(cfg):
        runners.append(FakeRunner(fail))
        return runners[-1]

    monkeypatch.setattr(RUNNERS, 'build', build)
    argv = [DEMO, '--launcher', 'pytorch', '--work-dir', str(tmp_path)]
    if tool == 'eval_subnets':
        ckpt = tmp_path / 'supernet.pth'
        ckpt.write_bytes(b'')
        argv[1:1] = [str(ckpt), '--arch-file', str(tmp_path / 'a.json'),
                     '--out', str(tmp_path / 'out.json')]
    if fail:
        with pytest.raises(RuntimeError, match='boom'):
            module.main(argv)
    else:
        assert module.main(argv) == 0
    assert runners and runners[0].saw_group
    assert not dist.is_initialized()


def test_auto_scale_lr_scales_by_total_batch(tmp_path):
    sys.path.insert(0, os.path.join(ROOT, 'tools'))
    try:
        import train as train_tool
        args = train_tool.parse_args([
            DEMO, '--work-dir', str(tmp_path), '--auto-scale-lr',
            '--cfg-options', 'auto_scale_lr.base_batch_size=256',
            'train_dataloader.batch_size=64'])
        cfg = train_tool.build_cfg(args)
        plain = train_tool.build_cfg(train_tool.parse_args(
            [DEMO, '--work-dir', str(tmp_path)]))
    finally:
        sys.path.pop(0)
    assert cfg.auto_scale_lr == dict(base_batch_size=256, enable=True)
    from nasbench_cvpr.registry import RUNNERS
    cfg.setdefault('runner_type', 'NASRunner')
    runner = RUNNERS.build(cfg)
    from nasbench_cvpr.engine.scale_report import TrainingScaleHook
    assert sum(isinstance(h, TrainingScaleHook) for h in runner.hooks) == 1
    wrapper = runner.build_optim_wrapper(runner.optim_wrapper)
    runner.scale_lr(wrapper, runner.auto_scale_lr)  # as Runner.train does
    base_lr = plain.optim_wrapper.optimizer.lr
    assert wrapper.param_groups[0]['lr'] == pytest.approx(base_lr * 64 / 256)
    # without the flag the lr stays as configured
    assert not (plain.get('auto_scale_lr') or {}).get('enable')
