"""eval_subnets refuses a crafted checkpoint instead of scoring a randomly
initialised supernet (the state-dict check itself: tests/engine/
test_runner.py)."""
import builtins
import json
import os
import random
import subprocess
import sys

import torch
from mmengine.config import Config

from nasbench_cvpr.spaces import build_space

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
CONFIG = os.path.join(ROOT, 'configs', 'supernet', 'demo_spos_digits.py')


class CreatesFile:

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return builtins.open, (self.path, 'w')


def test_crafted_checkpoint_fails_and_never_runs(tmp_path):
    space = build_space(
        Config.fromfile(CONFIG).model.supernet.space.to_dict())
    rng = random.Random(0)
    arch_file = tmp_path / 'archs.json'
    arch_file.write_text(json.dumps(
        {f'arch{i}': dict(arch=space.sample(rng)) for i in range(2)}))
    target = tmp_path / 'payload_ran'
    path = tmp_path / 'crafted.pth'
    # an empty state dict and a payload, as seen in the issue
    torch.save(dict(state_dict={}, meta=CreatesFile(target)), path)
    out = tmp_path / 'scores.json'
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, 'tools', 'eval_subnets.py'),
         CONFIG, str(path), '--arch-file', str(arch_file), '--out', str(out),
         '--work-dir', str(tmp_path / 'work'), '--eval-num-images', '32',
         '--calib-num-images', '32'],
        capture_output=True, text=True, cwd=ROOT,
        env=dict(os.environ, OMP_NUM_THREADS='1'))
    assert proc.returncode != 0, proc.stdout[-2000:]
    assert str(path) in proc.stderr and 'io.open' in proc.stderr, \
        proc.stderr[-2000:]
    assert not out.exists()
    assert not target.exists()
