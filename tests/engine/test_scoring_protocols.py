"""Scoring protocols of the paper recipes: moving-average recalibration from
the supernet's statistics, seeded random calibration pipelines, min-max
normalised submissions, a separate calibration batch size."""
import json
import random

import numpy as np
import pytest
import torch

from nasbench_cvpr.engine import SubnetScorer
from nasbench_cvpr.engine.bn_calibration import batch_norms, recalibrate
from nasbench_cvpr.engine.scoring import prepare_batches
from nasbench_cvpr.engine.scoring_loop import normalize_scores
from nasbench_cvpr.models import ResNetSupernet
from tests.engine.test_scoring import CONFIG, FAST, batches, run_eval, setup  # noqa: F401,E501


def test_moving_average_recalibration_starts_from_supernet_stats(tiny_space):
    net = ResNetSupernet(tiny_space)
    net.set_arch(tiny_space.sample(random.Random(2)))
    with torch.no_grad():
        for bn in batch_norms(net):
            bn.running_mean.uniform_(-1, 1)
    calib = [inputs for inputs, _ in batches(tiny_space, 3, 5)]
    bn = net.stem.bn
    seen = []
    hook = bn.register_forward_hook(
        lambda module, args, out: seen.append(args[0].mean((0, 2, 3))))
    expected = bn.running_mean.clone()
    recalibrate(net, calib, momentum=0.1)
    hook.remove()
    assert len(seen) == 3
    active = seen[0].numel()
    for mean in seen:  # Paddle-style moving average from the old value
        expected[:active] = 0.9 * expected[:active] + 0.1 * mean
    assert torch.allclose(bn.running_mean[:active], expected[:active],
                          atol=1e-6)
    # the default forgets the old statistics: the cumulative average
    recalibrate(net, calib)
    assert torch.allclose(bn.running_mean[:active],
                          torch.stack(seen).mean(0), atol=1e-5)
    with pytest.raises(ValueError, match='calib_momentum'):
        recalibrate(net, calib, momentum=1.5)


def test_scorer_moving_average_is_order_independent(tiny_space):
    net = ResNetSupernet(tiny_space).eval()
    scorer = SubnetScorer(net, batches(tiny_space), batches(tiny_space, 2, 1),
                          'recalibrate', calib_momentum=0.1)
    rng = random.Random(1)
    codes = [tiny_space.sample(rng) for _ in range(4)]
    first = scorer.score(codes[0])
    for code in codes[1:]:
        scorer.score(code)
    assert scorer.score(codes[0]) == first
    other = SubnetScorer(net, batches(tiny_space), batches(tiny_space, 2, 1),
                         'recalibrate')
    assert other.score(codes[0]) != first


def test_minmax_normalisation_keeps_order_and_range():
    raw = dict(a=-2.5, b=-0.5, c=-1.0, d=-0.5)
    out = normalize_scores(raw, 'minmax')
    assert out == dict(a=0.0, b=1.0, c=0.75, d=1.0)
    assert normalize_scores(dict(a=3.0, b=3.0), 'minmax') == dict(a=0.5,
                                                                  b=0.5)
    assert normalize_scores(raw, None) == raw
    with pytest.raises(ValueError, match='submit_normalize'):
        normalize_scores(raw, 'zscore')


def test_random_calibration_pipeline_is_seeded_and_restores_rngs(tmp_path):
    from mmengine.config import Config

    from nasbench_cvpr.registry import MODELS
    cfg = Config.fromfile(CONFIG)
    preprocessor = MODELS.build(dict(
        type='mmpretrain.ClsDataPreprocessor',
        mean=cfg.data_preprocessor.mean, std=cfg.data_preprocessor.std))
    dataset = cfg.train_dataloader.dataset.to_dict()  # random crop + flip
    random.seed(123)
    np.random.seed(123)
    before = (random.random(), np.random.rand())
    random.seed(123)
    np.random.seed(123)
    first = prepare_batches(preprocessor, dataset, 16, 32, seed=4)
    assert (random.random(), np.random.rand()) == before  # restored
    second = prepare_batches(preprocessor, dataset, 16, 32, seed=4)
    other = prepare_batches(preprocessor, dataset, 16, 32, seed=5)
    assert all(torch.equal(a[0], b[0]) for a, b in zip(first, second))
    assert not all(torch.equal(a[0], b[0]) for a, b in zip(first, other))


def test_loop_writes_normalised_scores_and_raw_sidecar(setup, tmp_path):  # noqa: F811,E501
    _, ckpt, arch_file = setup
    out = tmp_path / 'scores.json'
    proc = run_eval([CONFIG, ckpt, '--arch-file', arch_file, '--out',
                     str(out), *FAST, '--score', 'neg_ce', '--cfg-options',
                     'scoring_cfg.submit_normalize=minmax',
                     'scoring_cfg.calib_batch_size=16',
                     'scoring_cfg.calib_momentum=0.1'])
    assert proc.returncode == 0, proc.stderr[-2000:]
    scores = json.loads(out.read_text())
    sidecar = json.loads((tmp_path / 'scores.metrics.json').read_text())
    accs = [v['acc'] for v in scores.values()]
    assert min(accs) == 0.0 and max(accs) == 1.0
    raw = {k: v['neg_ce'] for k, v in sidecar.items()}
    assert raw.values() and max(raw.values()) < 0  # -CE kept raw
    assert sorted(scores, key=lambda k: scores[k]['acc']) == \
        sorted(raw, key=raw.get)
