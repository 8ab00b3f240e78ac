"""Smoke tests of the speed benchmarks: they run and print their ratio."""
import re
import runpy
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / 'benchmarks'


def run_script(name: str, args: list, monkeypatch, capsys) -> str:
    monkeypatch.setattr(sys, 'argv', [name] + args)
    runpy.run_path(str(BENCHMARKS / name), run_name='__main__')
    return capsys.readouterr().out


def test_scoring_speed_prints_both_ratios(monkeypatch, capsys):
    out = run_script('scoring_speed.py',
                     ['--codes', '2', '--repeats', '2', '--batch-size', '4',
                      '--calib-batches', '1', '--eval-batches', '1',
                      '--threads', '1'], monkeypatch, capsys)
    match = re.search(r'ratio supernet/static: (\d+\.\d+) \(fastest of 2 '
                      r'per code; ratio of means (\d+\.\d+)\)', out)
    assert match, out
    assert float(match.group(1)) > 0 and float(match.group(2)) > 0


def test_scoring_speed_refuses_repeats_of_one_code(monkeypatch, capsys):
    with pytest.raises(SystemExit):
        run_script('scoring_speed.py', ['--codes', '1', '--repeats', '2'],
                   monkeypatch, capsys)
    assert '--codes >= 2' in capsys.readouterr().err


def test_training_speed_prints_both_ratios(monkeypatch, capsys):
    out = run_script('training_speed.py',
                     ['--k', '1', '--steps', '1', '--repeats', '2'],
                     monkeypatch, capsys)
    assert re.search(r'ratio supernet/static: \d+\.\d+ \(fastest of 2 per '
                     r'step; ratio of means \d+\.\d+\)', out), out
