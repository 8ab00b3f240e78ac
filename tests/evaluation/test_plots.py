import os

from nasbench_cvpr.evaluation import plot_ranking


def test_plot_written_atomically(tmp_path):
    out = tmp_path / 'sub' / 'rank.png'
    plot_ranking([1, 2, 3, 4], [1, 3, 2, 4], str(out), title='t',
                 xlabel='pred', ylabel='gt')
    data = out.read_bytes()
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    assert os.listdir(out.parent) == ['rank.png']  # no temp file left


def test_plot_without_png_suffix(tmp_path):
    out = tmp_path / 'rank'
    plot_ranking([1, 2, 3], [3, 2, 1], str(out), 'reversed', 'x', 'y')
    assert out.read_bytes()[:4] == b'\x89PNG'
