import os
import subprocess
import sys

HERE = os.path.dirname(__file__)
ROOT = os.path.dirname(os.path.dirname(HERE))


def test_training_with_plugin_sampler(tmp_path):
    env = dict(os.environ, PYTHONPATH=HERE)
    cmd = [sys.executable, os.path.join(ROOT, 'tools', 'train.py'),
           os.path.join(HERE, 'plugin_config.py'), '--work-dir', str(tmp_path),
           '--cfg-options', 'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
           'train_dataloader.dataset.indices=64']
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env,
                          cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (tmp_path / 'epoch_1.pth').exists()
    assert 'AlternatingExtremesSampler' in (proc.stdout + proc.stderr)
