import json
import os
import subprocess
import sys

import pytest

from tests.conftest import DATA, shared_file
from tests.spaces.random_codes import random_resnet48_codes
from tests.spaces.test_arch_file import mixed_file_text

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
TOOL = os.path.join(ROOT, 'tools', 'arch_stats.py')


def run(*args):
    return subprocess.run([sys.executable, TOOL, *args], capture_output=True,
                          text=True)


@pytest.fixture(scope='module')
def tool():
    """The tool's module, for in-process runs of ``main()`` (same code
    path as the command line, without a second interpreter start)."""
    sys.path.insert(0, os.path.dirname(TOOL))
    try:
        import arch_stats
    finally:
        sys.path.pop(0)
    return arch_stats


def test_sample_file(tmp_path):
    # the one run through a second interpreter: the command line itself
    out = tmp_path / 'stats.json'
    proc = run(os.path.join(DATA, 'cvpr22_first200.json'), '--out', str(out))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    assert len(data) == 200
    assert data['arch1']['arch'] == \
        '1252233313000000223212122253130000000000006515000000'
    assert set(data['arch1']) == {'arch', 'params', 'flops'}


def test_invalid_codes_reported_and_nothing_written(tool, tmp_path, capsys):
    good = '1252233313000000223212122253130000000000006515000000'
    archs = tmp_path / 'archs.json'
    archs.write_text(json.dumps({
        'k1': {'arch': good},
        'k2': {'arch': good[:20] + '9' + good[21:]},
        'k3': {'arch': good[:-3]}}))
    out = tmp_path / 'out.json'
    assert tool.main([str(archs), '--out', str(out)]) == 1
    assert not out.exists()
    err = capsys.readouterr().err
    lines = [l for l in err.splitlines() if l.startswith('invalid')]
    assert len(lines) == 2
    assert 'k2: position 20' in lines[0] and 'k3: whole code' in lines[1]
    assert 'Traceback' not in err

    assert tool.main([str(archs), '--out', str(out), '--skip-invalid']) == 0
    data = json.loads(out.read_text())
    assert list(data) == ['k1', 'invalid']
    assert [e['key'] for e in data['invalid']] == ['k2', 'k3']


def test_bad_json_file_one_line_error(tmp_path):
    bad = tmp_path / 'bad.json'
    bad.write_text('{"x": ')
    proc = run(str(bad), '--out', str(tmp_path / 'o.json'))
    assert proc.returncode == 2 and 'Traceback' not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith(
        f'error: {bad}: not valid JSON: line 1')


def test_malformed_entry_is_listed_like_a_bad_code(tool, tmp_path, capsys):
    bad = tmp_path / 'bad.json'
    bad.write_text('{"x": 1}')
    assert tool.main([str(bad), '--out', str(tmp_path / 'o.json')]) == 1
    err = capsys.readouterr().err
    assert 'invalid entry: x: whole entry: expected an object' in err


def test_resnet20_format(tool, tmp_path, capsys):
    out = tmp_path / 's.json'
    assert tool.main([os.path.join(DATA, 'cvpr21_gt_first200.json'),
                      '--space', 'resnet20', '--out', str(out)]) == 0, \
        capsys.readouterr().err
    assert len(json.loads(out.read_text())) == 200


def test_real_45k_file(tool, tmp_path, capsys):
    src = shared_file('CVPR_2022_NAS_Track1_test.json')
    out = tmp_path / 'stats.json'
    assert tool.main([src, '--out', str(out)]) == 0, capsys.readouterr().err
    data = json.loads(out.read_text())
    assert len(data) == 45000
    params = sorted((v['params'], k) for k, v in data.items())
    flops = sorted((v['flops'], k) for k, v in data.items())
    assert params[0] == (7_114_904, 'arch3785')
    assert params[-1] == (31_913_256, 'arch10067')
    assert (round(flops[0][0] / 1e9, 2), flops[0][1]) == (1.38, 'arch24859')
    assert (round(flops[-1][0] / 1e9, 2), flops[-1][1]) == (4.86, 'arch35187')


def test_random_codes_of_the_whole_space_accepted(tool, tmp_path, capsys):
    from nasbench_cvpr.models.proxies import count_params
    from nasbench_cvpr.spaces import ResNet48Space
    space = ResNet48Space()
    codes = random_resnet48_codes(space, 400, seed=11)
    assert sum(not space.is_tied(c) for c in codes) > 100
    assert {len(c) for c in codes} == {51, 52}
    archs = tmp_path / 'archs.json'
    archs.write_text(json.dumps(
        {f'a{i}': {'arch': c} for i, c in enumerate(codes)}))
    out = tmp_path / 'out.json'
    assert tool.main([str(archs), '--out', str(out)]) == 0, \
        capsys.readouterr().err
    data = json.loads(out.read_text())
    assert [v['arch'] for v in data.values()] == codes
    for i in (0, 1, 2, 399):
        assert data[f'a{i}']['params'] == count_params(space.decode(codes[i]))


def test_malformed_entries_listed_with_bad_codes(tool, tmp_path, capsys):
    from nasbench_cvpr.spaces import ResNet48Space
    codes = random_resnet48_codes(ResNet48Space(), 5, seed=12)
    text, bad = mixed_file_text(codes)
    archs = tmp_path / 'archs.json'
    archs.write_text(text)
    out = tmp_path / 'out.json'
    assert tool.main([str(archs), '--out', str(out)]) == 1
    assert not out.exists()
    lines = capsys.readouterr().err.strip().splitlines()
    listed = [l for l in lines if l.startswith('invalid ')]
    assert len(listed) == len(bad) == 18
    assert [l.split(': ')[1] for l in listed] == bad
    assert sum(l.startswith('invalid entry: ') for l in listed) == 5
    assert all('whole entry' in l for l in listed
               if l.startswith('invalid entry: '))
    assert lines[-1].endswith('18 of 23 entries invalid; nothing written '
                              '(use --skip-invalid to write the valid ones)')
    assert not any("(code '1222') (code '1222')" in l for l in lines)

    assert tool.main([str(archs), '--out', str(out), '--skip-invalid']) == 0
    assert len([l for l in capsys.readouterr().err.splitlines()
                if l.startswith('invalid ')]) == 18
    data = json.loads(out.read_text())
    assert list(data)[:-1] == [f'ok{i}' for i in range(5)]
    assert [e['key'] for e in data['invalid']] == bad
    by_key = {e['key']: e for e in data['invalid']}
    assert by_key['dup']['where'] == 'whole entry'
    assert by_key['bad0']['where'] == 'whole code'
