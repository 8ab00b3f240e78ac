import json
import os
import subprocess
import sys

import pytest

from tests.conftest import DATA, shared_file

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
TOOL = os.path.join(ROOT, 'tools', 'arch_stats.py')


def run(*args):
    return subprocess.run([sys.executable, TOOL, *args], capture_output=True,
                          text=True)


def test_sample_file(tmp_path):
    out = tmp_path / 'stats.json'
    proc = run(os.path.join(DATA, 'cvpr22_first200.json'), '--out', str(out))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    assert len(data) == 200
    assert data['arch1']['arch'] == \
        '1252233313000000223212122253130000000000006515000000'
    assert set(data['arch1']) == {'arch', 'params', 'flops'}


def test_invalid_codes_reported_and_nothing_written(tmp_path):
    good = '1252233313000000223212122253130000000000006515000000'
    archs = tmp_path / 'archs.json'
    archs.write_text(json.dumps({
        'k1': {'arch': good},
        'k2': {'arch': good[:20] + '9' + good[21:]},
        'k3': {'arch': good[:-3]}}))
    out = tmp_path / 'out.json'
    proc = run(str(archs), '--out', str(out))
    assert proc.returncode == 1
    assert not out.exists()
    lines = [l for l in proc.stderr.splitlines() if l.startswith('invalid')]
    assert len(lines) == 2
    assert 'k2: position 20' in lines[0] and 'k3: whole code' in lines[1]
    assert 'Traceback' not in proc.stderr

    proc = run(str(archs), '--out', str(out), '--skip-invalid')
    assert proc.returncode == 0
    data = json.loads(out.read_text())
    assert list(data) == ['k1', 'invalid']
    assert [e['key'] for e in data['invalid']] == ['k2', 'k3']


def test_bad_json_file_one_line_error(tmp_path):
    bad = tmp_path / 'bad.json'
    bad.write_text('{"x": 1}')
    proc = run(str(bad), '--out', str(tmp_path / 'o.json'))
    assert proc.returncode == 2 and 'Traceback' not in proc.stderr
    assert "'x'" in proc.stderr


def test_resnet20_format(tmp_path):
    out = tmp_path / 's.json'
    proc = run(os.path.join(DATA, 'cvpr21_gt_first200.json'), '--space',
               'resnet20', '--out', str(out))
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(out.read_text())) == 200


def test_real_45k_file(tmp_path):
    src = shared_file('CVPR_2022_NAS_Track1_test.json')
    out = tmp_path / 'stats.json'
    proc = run(src, '--out', str(out))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    assert len(data) == 45000
    params = sorted((v['params'], k) for k, v in data.items())
    flops = sorted((v['flops'], k) for k, v in data.items())
    assert params[0] == (7_114_904, 'arch3785')
    assert params[-1] == (31_913_256, 'arch10067')
    assert (round(flops[0][0] / 1e9, 2), flops[0][1]) == (1.38, 'arch24859')
    assert (round(flops[-1][0] / 1e9, 2), flops[-1][1]) == (4.86, 'arch35187')
