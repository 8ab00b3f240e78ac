import json
import os
import re
import subprocess
import sys

import pytest

from tests.conftest import DATA

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
CVPR22_GT = os.path.join(DATA, 'cvpr22_gt_arch30.json')
CVPR21_GT = os.path.join(DATA, 'cvpr21_gt_first200.json')


def run_tool(name, *args):
    return subprocess.run([sys.executable, os.path.join('tools', name),
                           *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def metric(stdout, name):
    found = re.search(rf'^{name}: (\S+)$', stdout, re.M)
    assert found, stdout
    return float(found.group(1))


def start_tool(name, *args):
    return subprocess.Popen([sys.executable, os.path.join('tools', name),
                             *map(str, args)],
                            cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope='module')
def stats_files(tmp_path_factory):
    """arch_stats.py outputs of the CVPR22 and CVPR21 test files (run at
    once: each run spends most of its time importing the stack)."""
    tmp = tmp_path_factory.mktemp('stats')
    outs = dict(cvpr22=tmp / 'stats22.json', cvpr21=tmp / 'stats21.json')
    procs = [start_tool('arch_stats.py', CVPR22_GT, '--space', 'resnet48',
                        '--out', outs['cvpr22']),
             start_tool('arch_stats.py', CVPR21_GT, '--space', 'resnet20',
                        '--out', outs['cvpr21'])]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    return outs


@pytest.mark.parametrize('key,tau', [('params', 0.614), ('flops', 0.591)])
def test_cvpr22_proxies(stats_files, tmp_path, key, tau):
    plot, out = tmp_path / 'rank.png', tmp_path / 'metrics.json'
    proc = run_tool('analyze_ranking.py', stats_files['cvpr22'], CVPR22_GT,
                    '--key', key, '--plot', plot, '--json', out)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ''
    assert re.search(r'^matched: 30 \(by key', proc.stdout, re.M)
    assert round(metric(proc.stdout, 'kendall_tau'), 3) == tau
    for name in ('pearson', 'spearman', 'top5_overlap', 'top10_overlap'):
        assert -1 <= metric(proc.stdout, name) <= 1
    assert plot.stat().st_size > 0
    saved = json.loads(out.read_text())
    assert saved['matched_by'] == 'key' and saved['key'] == key
    assert round(saved['metrics']['kendall_tau'], 3) == tau
    assert saved['metrics']['n'] == 30


def test_cvpr21_first200(stats_files):
    proc = run_tool('analyze_ranking.py', stats_files['cvpr21'], CVPR21_GT,
                    '--key', 'params', '--topk', '5', '10', '50')
    assert proc.returncode == 0, proc.stderr
    assert re.search(r'^matched: 200 ', proc.stdout, re.M)
    assert -1 <= metric(proc.stdout, 'kendall_tau') <= 1
    assert 0 <= metric(proc.stdout, 'top50_overlap') <= 1


# The cases below run main() in-process (same code path, faster): main()
# must return 2 with one stderr line, never raise.

@pytest.fixture(scope='module')
def tool():
    sys.path.insert(0, os.path.join(ROOT, 'tools'))
    try:
        import analyze_ranking
    finally:
        sys.path.pop(0)
    return analyze_ranking


def write(path, obj, text=None):
    path.write_text(text if text is not None else json.dumps(obj))
    return str(path)


@pytest.mark.parametrize('pred,match', [
    (None, 'not valid JSON'),
    ({'k1': {'arch': 'x', 'acc': 1}}, r'only 0 entries match .*\(1 entries\)'
     r'.*\(30 entries\)'),
])
def test_bad_pred_file(tool, tmp_path, capsys, pred, match):
    path = write(tmp_path / 'pred.json', pred, '{' if pred is None else None)
    assert tool.main([path, CVPR22_GT]) == 2
    err = capsys.readouterr().err
    assert err.startswith('error: ') and err.count('\n') == 1
    assert re.search(match, err)


def test_missing_file(tool, tmp_path, capsys):
    assert tool.main([str(tmp_path / 'nope.json'), CVPR22_GT]) == 2
    err = capsys.readouterr().err
    assert err.count('\n') == 1 and 'no such arch file' in err


def test_missing_key_named(tool, capsys):
    assert tool.main([CVPR22_GT, CVPR22_GT, '--key', 'params']) == 2
    err = capsys.readouterr().err
    assert "prediction entry 'arch1' has no 'params' field" in err


def test_match_by_arch_and_self_ranking(tool, tmp_path, capsys):
    gt = json.load(open(CVPR22_GT))
    renamed = {f'x{i}': entry for i, entry in enumerate(gt.values())}
    renamed['invalid'] = [dict(key='y', position=0, reason='bad')]
    pred = write(tmp_path / 'pred.json', renamed)
    assert tool.main([pred, CVPR22_GT, '--topk', '3', '40']) == 0
    out = capsys.readouterr().out
    assert re.search(r'^matched: 30 \(by arch', out, re.M)
    assert metric(out, 'kendall_tau') == 1.0
    assert metric(out, 'top3_overlap') == 1.0
    assert 'top40_overlap' not in out


def test_warns_when_key_matched_codes_differ(tool, tmp_path, capsys):
    gt = json.load(open(CVPR22_GT))
    codes = [e['arch'] for e in gt.values()]
    shifted = {k: dict(e, arch=codes[(i + 1) % len(codes)])
               for i, (k, e) in enumerate(gt.items())}
    shifted['extra'] = dict(arch='nope', acc=1)
    pred = write(tmp_path / 'pred.json', shifted)  # 31 keys vs 30 codes
    assert tool.main([pred, CVPR22_GT]) == 0
    captured = capsys.readouterr()
    assert 'matched: 30 (by key' in captured.out
    assert 'warning: 30 of 30 entries matched by key' in captured.err


def test_reference_points_printed_beside_tau(tool, tmp_path, capsys):
    ref = dict(metrics=dict(acc=dict(
        split_half=dict(mean_tau=0.8, splits={}),
        proxies=dict(params=dict(kendall_tau=0.6),
                     flops=dict(kendall_tau=0.4)))))
    ref_path = write(tmp_path / 'ref.json', ref)
    assert tool.main([CVPR22_GT, CVPR22_GT, '--reference', ref_path]) == 0
    out = capsys.readouterr().out
    assert metric(out, 'kendall_tau') == 1.0
    assert metric(out, 'reference split-half reliability') == 0.8
    assert metric(out, 'reference params kendall_tau') == 0.6
    assert metric(out, r'kendall_tau - best proxy \(params\)') == 0.4
    assert metric(out, 'kendall_tau / reliability') == 1.25
    # a reference without the ground-truth key is named, not guessed
    bad = write(tmp_path / 'bad.json', dict(metrics={}))
    assert tool.main([CVPR22_GT, CVPR22_GT, '--reference', bad]) == 2
    err = capsys.readouterr().err
    assert err.startswith('error: reference') and "'acc'" in err


def test_every_malformed_entry_of_both_files_listed(tool, tmp_path, capsys):
    gt = json.load(open(CVPR22_GT))
    entries = [f'"{k}": {json.dumps(v)}' for k, v in gt.items()]
    pred_text = '{' + ', '.join(entries + [
        '"arch1": {"arch": "x", "acc": 0.1}',  # a key that appears twice
        '"noarch": {"acc": 1}', '"number": {"arch": 1222, "acc": 1}',
        '"list": [1]']) + '}'
    pred = write(tmp_path / 'pred.json', None, pred_text)
    gt_bad = dict(gt, nothing={})
    gt_path = write(tmp_path / 'gt.json', gt_bad)
    assert tool.main([pred, gt_path]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert [line.split(': ')[2] for line in lines[:-1]] == [
        'arch1', 'noarch', 'number', 'list', 'nothing']
    assert all(line.startswith('invalid entry: ') and 'whole entry' in line
               for line in lines[:-1])
    assert lines[0].startswith(f'invalid entry: {pred}: arch1: whole entry: '
                               'key appears 2 times')
    assert lines[-1].startswith(f'error: {pred}: 4 of 33 entries malformed; '
                                f'{gt_path}: 1 of 31 entries malformed')

    # --skip-invalid: listed, left out, the rest analysed
    assert tool.main([pred, gt_path, '--skip-invalid']) == 0
    captured = capsys.readouterr()
    assert len([l for l in captured.err.splitlines()
                if l.startswith('invalid entry: ')]) == 5
    assert re.search(r'^matched: 29 \(by key', captured.out, re.M)


def test_untied_and_short_codes_accepted(tool, tmp_path, capsys):
    from nasbench_cvpr.spaces import ResNet48Space
    from tests.spaces.random_codes import random_resnet48_codes
    codes = random_resnet48_codes(ResNet48Space(), 40, seed=13)
    pred = write(tmp_path / 'pred.json', {
        f'a{i}': dict(arch=c, acc=i) for i, c in enumerate(codes)})
    gt = write(tmp_path / 'gt.json', {
        f'a{i}': dict(arch=c, acc=-i) for i, c in enumerate(codes)})
    assert tool.main([pred, gt]) == 0
    out = capsys.readouterr().out
    assert re.search(r'^matched: 40 ', out, re.M)
    assert metric(out, 'kendall_tau') == -1.0


# Beyond size: --config counts the FLOPs of the ground truth's codes.

FASHION_GT = os.path.join(ROOT, 'benchmarks', 'fashion_mnist',
                          'ground_truth.json')
FASHION_REF = os.path.join(ROOT, 'benchmarks', 'fashion_mnist',
                           'reference_points.json')
FASHION_CFG = os.path.join(ROOT, 'configs', 'supernet', 'fashion_spos.py')


def fashion_flops():
    from mmengine.config import Config

    from nasbench_cvpr.models.proxies import count_flops
    from nasbench_cvpr.spaces import build_space, space_config_of
    space = build_space(space_config_of(Config.fromfile(FASHION_CFG)))
    gt = json.load(open(FASHION_GT))
    return gt, {k: count_flops(space.decode(e['arch'])) for k, e in gt.items()}


def test_scores_equal_to_flops_add_nothing_beyond_size(tool, tmp_path,
                                                       capsys):
    gt, flops = fashion_flops()
    pred = write(tmp_path / 'flops.json', {
        k: dict(arch=e['arch'], flops=flops[k]) for k, e in gt.items()})
    out_json = tmp_path / 'm.json'
    assert tool.main([pred, FASHION_GT, '--key', 'flops', '--gt-key',
                      'ema_neg_ce', '--config', FASHION_CFG,
                      '--reference', FASHION_REF, '--json',
                      str(out_json)]) == 0
    out = capsys.readouterr().out
    assert metric(out, 'kendall_tau') == pytest.approx(0.6862, abs=1e-4)
    assert metric(out, 'residual_tau') == 0.0
    assert metric(out, 'partial_tau') == 0.0
    ref = json.load(open(FASHION_REF))['metrics']['ema_neg_ce'][
        'size_adjusted']
    # FLOPs still rank within their strata: the reference's own figure
    assert metric(out, 'stratified_tau') == pytest.approx(
        ref['proxies']['flops']['stratified_tau'], abs=1e-4)
    ceiling = ref['ceilings']['residual_tau']['mean_tau']
    assert re.search(rf'^reference residual_tau: ceiling {ceiling:.4f}; '
                     r'params -?\d\.\d{4}, flops 0\.0000, zen', out, re.M)
    assert metric(out, r'residual_tau / ceiling') == 0.0
    saved = json.loads(out_json.read_text())['metrics']
    assert saved['residual_tau'] == 0.0 and 'stratified_tau' in saved


def test_truth_against_itself_and_another_fit(tool, capsys):
    assert tool.main([FASHION_GT, FASHION_GT, '--key', 'ema_neg_ce',
                      '--gt-key', 'ema_neg_ce', '--config', FASHION_CFG,
                      '--strata', '3', '--residual-fit', 'log',
                      '--reference', FASHION_REF]) == 0
    out = capsys.readouterr().out
    for name in ('residual_tau', 'partial_tau', 'stratified_tau'):
        assert metric(out, name) == 1.0
    # the reference counts 4 strata with the rank fit: no ratios
    assert 'warning: the reference counts 4 strata' in out
    assert 'residual_tau / ceiling' not in out


def test_codes_outside_the_config_space_are_listed(tool, tmp_path, capsys):
    gt = json.load(open(FASHION_GT))
    keys = list(gt)
    gt[keys[0]] = dict(gt[keys[0]], arch='9' + gt[keys[0]]['arch'][1:])
    gt[keys[5]] = dict(gt[keys[5]], arch=gt[keys[5]]['arch'][:-3])
    path = write(tmp_path / 'gt.json', gt)
    assert tool.main([path, path, '--key', 'ema_neg_ce', '--gt-key',
                      'ema_neg_ce', '--config', FASHION_CFG]) == 2
    err = capsys.readouterr().err
    assert f'{keys[0]}: position 0' in err and f'{keys[5]}: ' in err
    assert err.strip().splitlines()[-1].startswith(
        'error: 2 of 48 matched codes are not codes of the space')
