"""Missing or unreadable inputs: one line naming the input, what is wrong and
how to get or make it, exit status 2, no traceback."""
import os
import pickle
import subprocess
import sys
import urllib.error

import pytest
from mmengine.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
TOOLS = os.path.join(ROOT, 'tools')
TEACHER = 'checkpoints/resnet48_max_pretrained.pth'
PADDLE_HINT = ('convert the official Paddle weights with '
               'tools/convert_paddle_checkpoint.py (see README)')


@pytest.fixture(scope='module')
def checks():
    sys.path.insert(0, TOOLS)
    try:
        import input_checks
    finally:
        sys.path.pop(0)
    return input_checks


def run_train(*args, env=None):
    return subprocess.run(
        [sys.executable, os.path.join(TOOLS, 'train.py'), *map(str, args)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)


def error_lines(stderr):
    return [line for line in stderr.splitlines() if line.startswith('error')]


def test_missing_teacher_and_stage1_checkpoint_named(checks, tmp_path):
    if os.path.exists(os.path.join(ROOT, TEACHER)):
        pytest.skip(f'{TEACHER} exists here')
    proc = run_train('configs/supernet/pinas_stage2.py', '--work-dir',
                     tmp_path)
    assert proc.returncode == 2
    assert 'Traceback' not in proc.stderr
    assert error_lines(proc.stderr) == [
        'error: checkpoint work_dirs/pinas_stage1/epoch_1.pth (load_from '
        'in the config) not found: train it first: python tools/train.py '
        'configs/supernet/pinas_stage1.py',
        f'error: teacher checkpoint {TEACHER} (model.distiller.checkpoint in '
        f'the config) not found: {PADDLE_HINT}']


def test_missing_inputs_of_a_config(checks, tmp_path):
    cfg = Config.fromfile(os.path.join(ROOT, 'configs', 'supernet',
                                       'official_baseline.py'))
    lines = checks.missing_inputs(cfg)
    assert len(lines) == 2 and all(PADDLE_HINT in line for line in lines)
    teacher = tmp_path / 'teacher.pth'
    teacher.write_bytes(b'')
    cfg.model.distiller.checkpoint = str(teacher)
    cfg.load_from = None
    assert checks.missing_inputs(cfg) == []
    cfg.load_from, cfg.resume = str(tmp_path), True
    assert checks.missing_inputs(cfg) == [
        f'error: resume checkpoint {tmp_path} (load_from in the config) is a '
        'directory: check the path in the config or pass another one']


def test_cifar100_without_files_and_network(tmp_path):
    """No CIFAR-100 on disk, no network (a proxy that refuses): one line
    naming the data set, its data_root and how to get it."""
    root = tmp_path / 'cifar100'
    env = dict(os.environ, http_proxy='http://127.0.0.1:9',
               https_proxy='http://127.0.0.1:9', no_proxy='')
    proc = run_train(
        'configs/supernet/cvpr21_3rd.py', '--work-dir', tmp_path / 'w',
        '--cfg-options', *(f'{loader}.dataset.data_root={root}'
                           for loader in ('train_dataloader',
                                          'val_dataloader',
                                          'test_dataloader')),
        'train_dataloader.num_workers=0', env=env)
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert 'Traceback' not in proc.stderr
    lines = error_lines(proc.stderr)
    assert len(lines) == 1
    assert lines[0].startswith(f'error: data set CIFAR100 (data_root {root})'
                               ' is not on disk and downloading it failed (')
    assert ('download https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz'
            f' and extract it into the data_root (giving {root}/'
            'cifar-100-python/)') in lines[0]


def failing_dataset(root):
    """A data set whose download fails, like mmpretrain's CIFAR without
    network."""
    from mmengine.dataset import BaseDataset

    class Fake(BaseDataset):
        url = 'https://example.org/fake.tar.gz'
        base_folder = 'fake-data'

        def __init__(self, root):  # no loading at construction
            self.data_root = root

        def load_data_list(self):
            raise urllib.error.URLError('no network')
    return Fake(root)


def test_download_error_line_names_the_failing_data_set(checks):
    cfg = Config(dict(train_dataloader=dict(dataset=dict(
        type='Other', data_root='data/other'))))
    try:
        failing_dataset('data/fake').load_data_list()
    except urllib.error.URLError as e:
        line = checks.download_error_line(e, cfg)
    assert line == (
        'error: data set Fake (data_root data/fake) is not on disk and '
        'downloading it failed (<urlopen error no network>): download '
        'https://example.org/fake.tar.gz and extract it into the data_root '
        '(giving data/fake/fake-data/), or run where the network is '
        'reachable')
    # raised elsewhere: the config's data sets are named
    line = checks.download_error_line(urllib.error.URLError('x'), cfg)
    assert 'Other (data_root data/other)' in line
    assert checks.download_error_line(ValueError('x'), cfg) is None


def test_checkpoint_read_errors_only_while_loading(checks):
    cfg = Config(dict(load_from='ckpt.pth', work_dir='w'))

    def load_or_resume():
        pickle.loads(b'{"a": 1}')

    try:
        load_or_resume()
    except pickle.UnpicklingError as e:
        line = checks.checkpoint_error_line(e, cfg)
    assert line.startswith('error: checkpoint ckpt.pth cannot be loaded '
                           '(UnpicklingError: ')
    assert line.endswith('pass a .pth checkpoint written by tools/train.py')
    try:  # the same error from a data file is not blamed on the checkpoint
        pickle.loads(b'{"a": 1}')
    except pickle.UnpicklingError as e:
        assert checks.checkpoint_error_line(e, cfg) is None


def test_refused_checkpoint_gets_the_hint_of_its_file(checks):
    CheckpointError, mismatch = checks._checkpoint_errors()
    if CheckpointError.__module__ == checks.__name__:
        pytest.skip('no safe checkpoint loader in the package')
    cfg = Config.fromfile(os.path.join(ROOT, 'configs', 'supernet',
                                       'official_baseline.py'))
    line = checks.checkpoint_error_line(
        CheckpointError(f'checkpoint {TEACHER} refused: it names os.system'),
        cfg)
    assert line == (f'error: checkpoint {TEACHER} refused: it names '
                    f'os.system: {PADDLE_HINT}')
    assert checks.checkpoint_error_line(
        mismatch('checkpoint a.pth does not fit'), cfg) == \
        'error: checkpoint a.pth does not fit'


def test_sampler_arch_file_errors_listed_by_train(tmp_path, monkeypatch):
    """A sampler's arch file with bad entries: every one listed, then one
    summary line (as tools/train.py prints them)."""
    from nasbench_cvpr.models.samplers import RestrictedRangeSampler
    from nasbench_cvpr.spaces import ArchFileError, ResNet48Space
    path = tmp_path / 'target.json'
    path.write_text('{"a": {"arch": "12"}, "b": 3, "a": {"arch": "1"}, '
                    '"c": {"acc": 1}}')
    monkeypatch.syspath_prepend(TOOLS)  # train.py imports its helpers late
    import train
    with pytest.raises(ArchFileError) as info:
        RestrictedRangeSampler(ResNet48Space(), str(path))
    lines = train.input_error_line(info.value, Config()).splitlines()
    assert [line.split(': ')[2] for line in lines[:-1]] == ['a', 'b', 'c']
    assert lines[-1].startswith(f'error: {path}: 3 of 3 entries invalid')
