import math

import pytest

from nasbench_cvpr.evaluation import match_mode, match_scores, ranking_metrics


def test_perfect_and_reversed_order():
    up = ranking_metrics([1, 2, 3, 4, 5], [10, 20, 30, 40, 50])
    assert up['n'] == 5
    assert up['kendall_tau'] == pytest.approx(1.0)
    assert up['spearman'] == pytest.approx(1.0)
    assert up['pearson'] == pytest.approx(1.0)
    down = ranking_metrics([1, 2, 3, 4, 5], [50, 40, 30, 20, 10])
    assert down['kendall_tau'] == pytest.approx(-1.0)
    assert down['spearman'] == pytest.approx(-1.0)
    assert down['pearson'] == pytest.approx(-1.0)


def test_hand_computed_one_swap():
    # 6 pairs, 1 discordant: tau = (5 - 1) / 6; Pearson = Spearman =
    # sum(dx*dy) / sum(dx^2) = 4 / 5 (same spread on both sides).
    m = ranking_metrics([1, 2, 3, 4], [1, 3, 2, 4], topk=())
    assert m['kendall_tau'] == pytest.approx(2 / 3)
    assert m['pearson'] == pytest.approx(0.8)
    assert m['spearman'] == pytest.approx(0.8)
    assert set(m) == {'n', 'kendall_tau', 'pearson', 'spearman'}


def test_kendall_is_tau_b_with_ties():
    # pairs: (0,1) tied in pred, (0,2) and (1,2) concordant:
    # tau-b = 2 / sqrt((3 - 1) * (3 - 0)); tau-a would be 2 / 3.
    m = ranking_metrics([1, 1, 2], [1, 2, 3], topk=())
    assert m['kendall_tau'] == pytest.approx(2 / math.sqrt(6))


def test_topk_overlap():
    pred = [5, 4, 3, 2, 1, 0]
    gt = [5, 4, 0, 1, 2, 3]
    m = ranking_metrics(pred, gt, topk=(1, 2, 3, 6, 7))
    assert m['top1_overlap'] == 1.0
    assert m['top2_overlap'] == 1.0
    assert m['top3_overlap'] == pytest.approx(2 / 3)  # {0,1,2} vs {0,1,5}
    assert m['top6_overlap'] == 1.0
    assert 'top7_overlap' not in m  # k > n is skipped


def test_default_topk_skips_large_k():
    m = ranking_metrics(list(range(7)), list(range(7)))
    assert m['top5_overlap'] == 1.0
    assert 'top10_overlap' not in m


def test_constant_input_gives_nan():
    m = ranking_metrics([1, 1, 1], [1, 2, 3], topk=(2,))
    assert math.isnan(m['kendall_tau']) and math.isnan(m['pearson'])
    assert math.isnan(m['spearman'])


@pytest.mark.parametrize('pred,gt,topk,match', [
    ([1, 2, 3], [1, 2], (5,), 'same length'),
    ([1], [1], (5,), 'at least 2'),
    ([1, float('nan')], [1, 2], (5,), 'finite'),
    ([1, 2], [1, 2], (0,), 'positive'),
])
def test_metric_errors(pred, gt, topk, match):
    with pytest.raises(ValueError, match=match):
        ranking_metrics(pred, gt, topk=topk)


def entries(**kw):
    return {k: dict(arch=code, acc=acc) for k, (code, acc) in kw.items()}


def test_match_by_key_ignores_invalid_and_unmatched():
    pred = entries(a=('c1', 0.1), b=('c2', 0.2), x=('c9', 0.9))
    pred['invalid'] = [dict(key='z', position=0, reason='bad')]
    gt = entries(b=('c2', 2.0), a=('c1', 1.0), y=('c8', 8.0))
    assert match_mode(pred, gt) == 'key'
    keys, p, g = match_scores(pred, gt)
    assert keys == ['b', 'a']  # ground-truth order
    assert p == [0.2, 0.1] and g == [2.0, 1.0]


def test_match_by_arch_when_keys_differ():
    pred = entries(p1=('c3', 0.3), p2=('c1', 0.1), p3=('c2', 0.2))
    gt = entries(arch1=('c1', 1.0), arch2=('c2', 2.0), arch3=('c3', 3.0),
                 p1=('c7', 7.0))  # one shared key, three shared codes
    assert match_mode(pred, gt) == 'arch'
    keys, p, g = match_scores(pred, gt)
    assert keys == ['arch1', 'arch2', 'arch3']
    assert p == [0.1, 0.2, 0.3] and g == [1.0, 2.0, 3.0]


def test_key_wins_ties_with_arch():
    pred = entries(a=('c1', 0.1), b=('c2', 0.2))
    gt = entries(a=('c2', 2.0), b=('c1', 1.0))  # 2 keys and 2 codes shared
    assert match_mode(pred, gt) == 'key'
    assert match_scores(pred, gt)[1:] == ([0.1, 0.2], [2.0, 1.0])


def test_other_fields():
    pred = {'a': dict(arch='c1', params=10, flops=5.5),
            'b': dict(arch='c2', params=20, flops=1.5)}
    gt = entries(a=('c1', 1.0), b=('c2', 2.0))
    assert match_scores(pred, gt, pred_key='params')[1] == [10.0, 20.0]
    assert match_scores(pred, gt, pred_key='flops')[1] == [5.5, 1.5]


def test_too_few_matches_names_sizes():
    pred = entries(a=('c1', 0.1), b=('c2', 0.2), c=('c3', 0.3))
    gt = entries(a=('c1', 1.0), y=('c8', 8.0))
    with pytest.raises(ValueError, match=r'only 1 .*\(3 entries\).*'
                       r'\(2 entries\)'):
        match_scores(pred, gt)


def test_missing_or_bad_field_names_key_and_entry():
    pred = entries(a=('c1', 0.1), b=('c2', 0.2))
    gt = entries(a=('c1', 1.0), b=('c2', 2.0))
    with pytest.raises(ValueError, match="prediction entry 'a' has no "
                       "'params'"):
        match_scores(pred, gt, pred_key='params')
    del gt['b']['acc']
    with pytest.raises(ValueError, match="ground-truth entry 'b' has no "
                       "'acc'"):
        match_scores(pred, gt)
    gt['b']['acc'] = 'high'
    with pytest.raises(ValueError, match="'b': 'acc' must be a finite"):
        match_scores(pred, gt)
