"""Scores -> best code -> exported network -> standalone evaluation."""
import importlib
import importlib.util
import json
import os
import random
import sys

import pytest
import torch

from nasbench_cvpr.evaluation.selection import top_codes
from nasbench_cvpr.models.checkpoint_files import (load_standalone_resnet,
                                                   read_standalone_checkpoint)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
CONFIG = os.path.join(ROOT, 'configs', 'supernet', 'demo_spos_digits.py')
STANDALONE = os.path.join(ROOT, 'configs', 'standalone', 'digits_tiny.py')
CALIB = ['--calib-num-images', '64', '--batch-size', '32']


def tool_main(name: str, *args) -> int:
    """Run ``tools/<name>.py`` in this process (no interpreter start-up)."""
    sys.path.insert(0, os.path.join(ROOT, 'tools'))
    try:
        module = importlib.import_module(name)
        return module.main([str(a) for a in args])
    finally:
        sys.path.pop(0)


def export(capsys, *args):
    """Run tools/export_subnet.py: (status, stdout, stderr)."""
    capsys.readouterr()
    status = tool_main('export_subnet', *args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(scope='module')
def scored(tmp_path_factory):
    """A demo supernet checkpoint (BN statistics moved off their init) and
    its eval_subnets.py scores of a few codes."""
    from mmengine.config import Config

    from nasbench_cvpr.registry import MODELS
    tmp = tmp_path_factory.mktemp('export')
    cfg = Config.fromfile(CONFIG)
    model_cfg = cfg.model.to_dict()
    model_cfg['data_preprocessor'] = cfg.data_preprocessor
    algo = MODELS.build(model_cfg)
    ckpt = tmp / 'supernet.pth'
    torch.save(dict(state_dict=algo.state_dict(), meta=dict()), ckpt)
    space = algo.supernet.space
    rng = random.Random(1)
    archs = {f'arch{i}': dict(arch=space.sample(rng)) for i in range(5)}
    arch_file = tmp / 'archs.json'
    arch_file.write_text(json.dumps(archs))
    scores = tmp / 'scores.json'
    assert tool_main('eval_subnets', CONFIG, ckpt, '--arch-file', arch_file,
                     '--out', scores, '--work-dir', tmp / 'eval',
                     *CALIB) == 0
    return tmp, ckpt, scores


def standalone_top1(code: str, checkpoint: str, work_dir) -> float:
    """Top-1 (%) of the standalone config loading ``checkpoint``."""
    from mmengine.config import Config

    from nasbench_cvpr.registry import RUNNERS
    cfg = Config.fromfile(STANDALONE)
    cfg.model.arch = code
    cfg.load_from = checkpoint
    cfg.work_dir = str(work_dir)
    cfg.launcher = 'none'
    metrics = RUNNERS.build(cfg).test()
    return metrics['accuracy/top1']


def test_best_code_exported_reproduces_its_score(scored, capsys):
    tmp, ckpt, scores = scored
    out = tmp / 'best.pth'
    status, stdout, stderr = export(
        capsys, CONFIG, ckpt, '--from-scores', scores, '--top', '1', '--out',
        out, '--work-dir', tmp / 'w', *CALIB)
    assert status == 0, stderr[-2000:]
    best = top_codes(str(scores), 1)[0]
    _, meta = read_standalone_checkpoint(str(out))
    assert meta['arch'] == best.code and meta['key'] == best.key
    assert best.code in stdout
    # the standalone config evaluates it (load_from) to the supernet's score
    top1 = standalone_top1(best.code, str(out), tmp / 'standalone')
    assert abs(top1 - 100 * best.score) < 1e-4
    # and so does the network built from the file, on the cross-entropy too
    metrics = json.loads((tmp / 'scores.metrics.json').read_text())
    net = load_standalone_resnet(str(out))
    assert net.code == best.code

    from mmengine.config import Config

    from nasbench_cvpr.engine import evaluate, prepare_batches
    from nasbench_cvpr.registry import MODELS
    cfg = Config.fromfile(CONFIG)
    batches = prepare_batches(MODELS.build(cfg.data_preprocessor),
                              cfg.test_dataloader.dataset, 200)
    got = evaluate(net.eval(), batches)
    assert got['top1'] == metrics[best.key]['top1']
    assert abs(got['neg_ce'] - metrics[best.key]['neg_ce']) < 1e-5


def test_top_n_and_onnx_and_errors(scored, capsys):
    tmp, ckpt, scores = scored
    out = tmp / 'many.pth'
    status, _, stderr = export(capsys, CONFIG, ckpt, '--from-scores', scores,
                               '--top', '2', '--out', out, '--bn-mode',
                               'supernet', '--work-dir', tmp / 'w2')
    assert status == 0, stderr[-2000:]
    codes = [read_standalone_checkpoint(str(tmp / f'many.top{i}.pth'))[1]
             ['arch'] for i in (1, 2)]
    assert codes == [s.code for s in top_codes(str(scores), 2)]

    status, _, stderr = export(capsys, CONFIG, ckpt, '--arch', '12345',
                               '--out', tmp / 'bad.pth')
    assert status == 2 and 'error:' in stderr and '12345' in stderr
    assert not (tmp / 'bad.pth').exists()

    partial = torch.load(ckpt, weights_only=True)
    del partial['state_dict']['supernet.layers.1.0.conv2.weight']
    torch.save(partial, tmp / 'partial.pth')
    status, _, stderr = export(capsys, CONFIG, tmp / 'partial.pth', '--arch',
                               top_codes(str(scores), 1)[0].code, '--out',
                               tmp / 'p.pth', '--work-dir', tmp / 'w3')
    assert status == 2 and 'supernet.layers.1.0.conv2.weight' in stderr
    assert not (tmp / 'p.pth').exists()

    if importlib.util.find_spec('onnx') is None:
        status, _, stderr = export(capsys, CONFIG, ckpt, '--from-scores',
                                   scores, '--out', tmp / 'x.pth', '--onnx',
                                   tmp / 'x.onnx')
        assert status == 2 and stderr.strip().count('\n') == 0
        assert "'onnx'" in stderr and not (tmp / 'x.pth').exists()
