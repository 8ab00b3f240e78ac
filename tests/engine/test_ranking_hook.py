import json
import os
import random
import subprocess
import sys

from nasbench_cvpr.spaces import build_space

HERE = os.path.dirname(__file__)
ROOT = os.path.dirname(os.path.dirname(HERE))


def test_ranking_check_logs_kendall_tau(tmp_path):
    from mmengine.config import Config
    cfg = Config.fromfile(os.path.join(HERE, 'ranking_config.py'))
    space = build_space(cfg.model.supernet.space.to_dict())
    rng = random.Random(0)
    archs = {f'a{i}': dict(arch=space.sample(rng)) for i in range(4)}
    # a made-up ground truth: it only reaches the log
    gt = {k: dict(arch=v['arch'], acc=float(i)) for i, (k, v) in
          enumerate(archs.items())}
    (tmp_path / 'archs.json').write_text(json.dumps(archs))
    (tmp_path / 'gt.json').write_text(json.dumps(gt))
    cmd = [sys.executable, os.path.join(ROOT, 'tools', 'train.py'),
           os.path.join(HERE, 'ranking_config.py'), '--work-dir',
           str(tmp_path / 'w'), '--cfg-options', 'train_cfg.max_epochs=1',
           'train_cfg.val_interval=1', 'train_dataloader.dataset.indices=64',
           f'custom_hooks.1.arch_file={tmp_path / "archs.json"}',
           f'custom_hooks.1.gt_file={tmp_path / "gt.json"}']
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout + proc.stderr
    assert 'ranking check (epoch 1, 4 archs): kendall_tau=' in out
