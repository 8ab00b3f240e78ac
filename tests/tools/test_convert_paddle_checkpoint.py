"""tools/convert_paddle_checkpoint.py: files in, files out, one-line errors."""
import importlib
import json
import os
import pickle
import sys

import torch

from nasbench_cvpr.models.checkpoint_files import read_standalone_checkpoint
from nasbench_cvpr.spaces import build_space
from tests.models.paddle.fakes import paddle_arrays, write_pdparams

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
DEMO = os.path.join(ROOT, 'configs', 'supernet', 'demo_spos_digits.py')


def convert(capsys, *args):
    """Run the tool in this process: (status, stdout, stderr)."""
    sys.path.insert(0, os.path.join(ROOT, 'tools'))
    try:
        tool = importlib.import_module('convert_paddle_checkpoint')
        capsys.readouterr()
        status = tool.main([str(a) for a in args])
    finally:
        sys.path.pop(0)
    out = capsys.readouterr()
    return status, out.out, out.err


def demo_space():
    from mmengine.config import Config
    return Config.fromfile(DEMO).model.supernet.space.to_dict()


def test_space_from_a_config_and_both_outputs(tmp_path, capsys):
    space = build_space(demo_space())
    src = tmp_path / 'max.pdparams'
    write_pdparams(src, paddle_arrays(space.decode(space.max_code())))
    status, out, err = convert(capsys, src, tmp_path / 'init.pth', '--space',
                               DEMO, '--reorder')
    assert status == 0, err
    assert 'supernet weights' in out
    ckpt = torch.load(tmp_path / 'init.pth', weights_only=True)
    assert ckpt['meta']['reordered'] and \
        'supernet.layers.3.1.bn2.running_var' in ckpt['state_dict']

    code = space.min_code()
    status, out, err = convert(capsys, src, tmp_path / 'min.pth', '--space',
                               json.dumps(demo_space()), '--arch', code)
    assert status == 0, err
    assert read_standalone_checkpoint(str(tmp_path / 'min.pth'))[1][
        'arch'] == code


def test_errors_are_one_line_naming_the_cause(tmp_path, capsys):
    space = build_space(demo_space())
    params = paddle_arrays(space.decode(space.max_code()))
    del params['blocks.3.conv2.weight']
    src = tmp_path / 'bad.pdparams'
    write_pdparams(src, params)
    status, _, err = convert(capsys, src, tmp_path / 'x.pth', '--space', DEMO)
    assert status == 2 and err.count('\n') == 1
    assert "missing key 'blocks.3.conv2.weight'" in err
    assert not (tmp_path / 'x.pth').exists()

    evil = tmp_path / 'evil.pdparams'
    evil.write_bytes(pickle.dumps({'w': os.getpid}))  # a harmless global
    status, _, err = convert(capsys, evil, tmp_path / 'y.pth')
    assert status == 2 and err.count('\n') == 1
    assert 'evil.pdparams' in err and 'getpid' in err


def test_supernet_config_loads_the_converted_weights(tmp_path, capsys):
    from mmengine.config import Config

    from nasbench_cvpr.registry import RUNNERS
    space = build_space(demo_space())
    params = paddle_arrays(space.decode(space.max_code()), seed=7)
    src = tmp_path / 'max.pdparams'
    write_pdparams(src, params)
    assert convert(capsys, src, tmp_path / 'init.pth', '--space', DEMO)[0] == 0
    cfg = Config.fromfile(DEMO)
    cfg.load_from = str(tmp_path / 'init.pth')
    # the file holds the largest network only (as official_baseline.py)
    cfg.allow_partial_load = True
    cfg.work_dir = str(tmp_path / 'run')
    cfg.launcher = 'none'
    runner = RUNNERS.build(cfg)
    runner.load_or_resume()
    supernet = runner.model.supernet
    assert torch.equal(supernet.fc.weight,
                       torch.from_numpy(params['blocks.10.fc.weight']).t())
    assert torch.equal(supernet.layers[2][2].bn1.running_var,
                       torch.from_numpy(params['blocks.7.bn1._variance']))
