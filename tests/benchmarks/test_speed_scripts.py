"""Smoke tests of the speed benchmarks: they run and print their ratio."""
import re
import runpy
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / 'benchmarks'
RATIO = (r'ratio supernet/static: \d+\.\d{{3}} \(median of back-to-back '
         r'pairs; fastest per {item} \d+\.\d{{3}}; ratio of means '
         r'\d+\.\d{{3}}\)')


def run_script(name: str, args: list, monkeypatch, capsys) -> str:
    monkeypatch.setattr(sys, 'argv', [name] + args)
    # the scripts put benchmarks/ on the path: undone after the test
    monkeypatch.setattr(sys, 'path', list(sys.path))
    try:
        runpy.run_path(str(BENCHMARKS / name), run_name='__main__')
    except SystemExit as e:  # scripts that end with sys.exit(main())
        if e.code:
            raise
    return capsys.readouterr().out


def test_scoring_speed_prints_its_ratios(monkeypatch, capsys):
    out = run_script('scoring_speed.py',
                     ['--codes', '2', '--repeats', '2', '--batch-size', '4',
                      '--calib-batches', '1', '--eval-batches', '1',
                      '--threads', '1'], monkeypatch, capsys)
    assert re.search(RATIO.format(item='code'), out), out


def test_scoring_speed_refuses_repeats_of_one_code(monkeypatch, capsys):
    with pytest.raises(SystemExit):
        run_script('scoring_speed.py', ['--codes', '1', '--repeats', '2'],
                   monkeypatch, capsys)
    assert '--codes >= 2' in capsys.readouterr().err


def test_training_speed_prints_its_ratios(monkeypatch, capsys):
    out = run_script('training_speed.py',
                     ['--k', '1', '--steps', '1', '--repeats', '2'],
                     monkeypatch, capsys)
    assert re.search(RATIO.format(item='step'), out), out


def test_compare_takes_the_median_of_pairs():
    from runpy import run_path
    compare = run_path(str(BENCHMARKS / 'timing.py'))['compare']
    # item 0: one pair hit by a load burst (3.0 against 1.0)
    stats = compare([[1.1, 3.0, 1.1], [2.2, 2.2, 2.2]],
                    [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]])
    assert stats['paired_median'] == pytest.approx(1.1)
    assert stats['fastest'] == pytest.approx(3.3 / 3.0)
    assert stats['means'] == pytest.approx(11.8 / 9.0)
    assert stats['candidate_best'] == pytest.approx(1.65)


def test_timed_pair_alternates_which_call_runs_first():
    from runpy import run_path
    timed_pair = run_path(str(BENCHMARKS / 'timing.py'))['timed_pair']
    order = []
    for turn in range(2):
        times = timed_pair(lambda: order.append('candidate'),
                           lambda: order.append('baseline'), turn)
        assert len(times) == 2 and all(t >= 0 for t in times)
    assert order == ['candidate', 'baseline', 'baseline', 'candidate']


def test_trainer_speed_prints_both_ratios(monkeypatch, capsys):
    out = run_script('fashion_mnist/trainer_speed.py',
                     ['--keys', 'arch1', '--steps', '1', '--repeats', '2'],
                     monkeypatch, capsys)
    for name in ('dense', 'dense\\+fused'):
        assert re.search(rf'ratio {name}/conv2d: \d+\.\d{{3}} \(median of '
                         r'back-to-back pairs', out), out
    # the dense path changes the logits by float rounding at most
    row = next(line for line in out.splitlines() if line.startswith('arch1'))
    assert float(row.split()[-1]) < 1e-4, row


def test_scoring_throughput_model_and_one_sync_per_code(monkeypatch, capsys):
    codes = BENCHMARKS.parent / 'tests' / 'data' / 'cvpr22_first200.json'
    out = run_script('scoring_throughput.py',
                     ['--arch-file', str(codes), '--gpus', '8',
                      '--measure-syncs'], monkeypatch, capsys)
    hours = {m.group(1): float(m.group(2)) for m in re.finditer(
        r'^hours (before|after \(resident[^:]*|after, with bf16[^:]*): '
        r'(\d+\.\d+)$', out, re.M)}
    assert len(hours) == 3, out
    before, after, bf16 = hours.values()
    assert before > after > bf16 > 0
    assert 'host syncs per scored code (measured on this CPU): 1\n' in out
    # twice the GPUs, half the hours
    out16 = run_script('scoring_throughput.py',
                       ['--arch-file', str(codes), '--gpus', '16'],
                       monkeypatch, capsys)
    assert float(re.search(r'^hours before: (\S+)$', out16, re.M).group(1)) \
        == pytest.approx(before / 2, abs=0.01)
