"""The example plugin package (examples/nasbench_plugin_example): its
sampler, registered in SAMPLERS, is loaded by a config's custom_imports."""
import os
import subprocess
import sys

HERE = os.path.dirname(__file__)
ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLE = os.path.join(ROOT, 'examples', 'nasbench_plugin_example')
CONFIG = os.path.join(EXAMPLE, 'configs', 'spos_alternating_digits.py')


def test_training_with_plugin_sampler(tmp_path):
    # install-free: the package directory on PYTHONPATH stands for
    # "pip install -e examples/nasbench_plugin_example"
    path = os.pathsep.join(p for p in (EXAMPLE, os.environ.get('PYTHONPATH'))
                           if p)
    env = dict(os.environ, PYTHONPATH=path)
    cmd = [sys.executable, os.path.join(ROOT, 'tools', 'train.py'), CONFIG,
           '--work-dir', str(tmp_path), '--cfg-options',
           'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
           'train_dataloader.dataset.indices=64']
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env,
                          cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (tmp_path / 'epoch_1.pth').exists()
    assert 'AlternatingExtremesSampler' in (proc.stdout + proc.stderr)


def test_plugin_sampler_draws_only_the_extremes():
    sys.path.insert(0, EXAMPLE)
    try:
        from nasbench_plugin_example import AlternatingExtremesSampler

        from nasbench_cvpr.registry import SAMPLERS
        from nasbench_cvpr.spaces import build_space
        assert SAMPLERS.get('AlternatingExtremesSampler') is \
            AlternatingExtremesSampler
        space = build_space('resnet48')
        codes = AlternatingExtremesSampler(space, seed=0).sample(20)
        assert set(codes) == {space.max_code(), space.min_code()}
    finally:
        sys.path.remove(EXAMPLE)
