"""README's main job on a small slice of the real Fashion-MNIST data: train
the supernet, score benchmark codes with BN recalibration, rank them."""
import json
import os
import re
import subprocess
import sys

import pytest

from nasbench_cvpr.datasets.fashion_mnist import (DEFAULT_DATA_ROOT,
                                                  check_fashion_mnist)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
CONFIG = 'configs/supernet/fashion_spos.py'
ARCHS = 'benchmarks/fashion_mnist/archs.json'

pytestmark = pytest.mark.skipif(
    check_fashion_mnist(os.path.join(ROOT, DEFAULT_DATA_ROOT)) != [],
    reason='Fashion-MNIST not prepared (README data step)')


def run(*args):
    proc = subprocess.run([sys.executable, *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_train_score_rank(tmp_path):
    work = tmp_path / 'work'
    run('tools/train.py', CONFIG, '--work-dir', work, '--cfg-options',
        'train_dataloader.dataset.indices=256', 'max_epochs=1',
        'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
        'param_scheduler.1.T_max=1', 'val_dataloader.dataset.indices=200')
    ckpt = work / 'epoch_1.pth'
    assert ckpt.exists()
    # a small arch file of benchmark codes, scored on 300 test images after
    # recalibrating BN on 200 training images
    with open(os.path.join(ROOT, ARCHS)) as f:
        archs = json.load(f)
    keys = ['arch1', 'arch16', 'arch32', 'arch48']
    subset = tmp_path / 'archs.json'
    subset.write_text(json.dumps({k: archs[k] for k in keys}))
    scores = tmp_path / 'scores.json'
    run('tools/eval_subnets.py', CONFIG, ckpt, '--arch-file', subset, '--out',
        scores, '--eval-num-images', 300, '--calib-num-images', 200,
        '--work-dir', work)
    out = json.loads(scores.read_text())
    assert list(out) == keys
    # the config scores by -CE (the benchmark's metric); top-1 is recorded
    metrics = json.loads((tmp_path / 'scores.metrics.json').read_text())
    for k in keys:
        assert out[k]['acc'] == metrics[k]['neg_ce'] < 0
        assert 0.0 <= metrics[k]['top1'] <= 100.0
    # a ground truth in the benchmark's format: the ranking tool reads it
    gt = tmp_path / 'gt.json'
    # (not in size order, so something is left beyond size)
    gt.write_text(json.dumps({k: dict(arch=archs[k]['arch'], ema_neg_ce=v)
                              for k, v in zip(keys, [-0.35, -0.30, -0.32,
                                                     -0.28])}))
    proc = run('tools/analyze_ranking.py', scores, gt, '--gt-key',
               'ema_neg_ce', '--config', CONFIG)
    assert re.search(r'^matched: 4 ', proc.stdout, re.M)
    assert re.search(r'^kendall_tau: -?[0-9.]+$', proc.stdout, re.M)
    # beyond size: 4 codes are too few for 4 FLOPs strata
    assert re.search(r'^residual_tau: -?[0-9.]+$', proc.stdout, re.M)
    assert re.search(r'^stratified_tau: nan$', proc.stdout, re.M)
