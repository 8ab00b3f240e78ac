"""Prepared batches keep the pipeline's uint8 images and normalise per read:
the same inputs and scores as normalising once, a quarter of the memory."""
import random

import torch
from mmpretrain.structures import DataSample

from nasbench_cvpr.engine.scoring import PreparedBatches, SubnetScorer
from nasbench_cvpr.models import ResNetSupernet
from nasbench_cvpr.registry import MODELS
from nasbench_cvpr.utils.malloc import fix_mmap_threshold


def raw_batches(n_batches=3, size=8, side=16, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return [dict(inputs=[torch.randint(0, 256, (3, side, side),
                                       dtype=torch.uint8, generator=gen)
                         for _ in range(size)],
                 data_samples=[DataSample().set_gt_label(i % 5)
                               for i in range(size)])
            for _ in range(n_batches)]


def preprocessor():
    return MODELS.build(dict(type='mmpretrain.ClsDataPreprocessor',
                             mean=[127.5] * 3, std=[60.0] * 3, to_rgb=True))


def test_reads_equal_eager_normalisation_and_hold_uint8():
    pre = preprocessor()
    raw = raw_batches()
    prepared = PreparedBatches(pre, raw)
    assert len(prepared) == 3
    assert prepared.nbytes() == 3 * 8 * 3 * 16 * 16  # one byte per value
    for i, data in enumerate(raw):
        eager = pre(data, False)
        inputs, labels = prepared[i]
        assert inputs.dtype == torch.float32
        assert torch.equal(inputs, eager['inputs'])
        assert labels.tolist() == [j % 5 for j in range(8)]
    # the kept images stay uint8 after reads
    assert all(x.dtype == torch.uint8 for d in raw for x in d['inputs'])
    assert len(prepared[1:]) == 2 and len(prepared.inputs()) == 3
    assert torch.equal(prepared.inputs()[2], prepared[2][0])


def test_equal_size_batches_kept_stacked_others_as_collated():
    pre = preprocessor()
    same = PreparedBatches(pre, raw_batches(1))
    assert same.raw[0]['inputs'].shape == (8, 3, 16, 16)
    assert same.raw[0]['inputs'].dtype == torch.uint8
    # two image sizes in one batch: kept as collated, read through the
    # preprocessor's per-image branch (which pads them to one size)
    mixed = raw_batches(1)[0]
    mixed['inputs'][0] = torch.randint(0, 256, (3, 12, 12),
                                       dtype=torch.uint8)
    prepared = PreparedBatches(pre, [mixed])
    assert isinstance(prepared.raw[0]['inputs'], list)
    eager = pre(dict(inputs=list(mixed['inputs']),
                     data_samples=[DataSample().set_gt_label(i % 5)
                                   for i in range(8)]), False)
    assert torch.equal(prepared[0][0], eager['inputs'])
    assert prepared.nbytes() == 7 * 3 * 16 * 16 + 3 * 12 * 12


def test_other_preprocessors_read_the_collated_batch():
    from mmpretrain.models.utils import ClsDataPreprocessor

    class Shifted(ClsDataPreprocessor):
        def forward(self, data, training=False):
            out = super().forward(data, training)
            out['inputs'] = out['inputs'] + 1
            return out

    pre = Shifted(mean=[127.5] * 3, std=[60.0] * 3)
    raw = raw_batches(1)
    prepared = PreparedBatches(pre, raw)
    assert isinstance(prepared.raw[0]['inputs'], list)
    assert torch.equal(prepared[0][0], pre(raw[0], False)['inputs'])


def test_scores_identical_to_float32_batches(tiny_space):
    torch.manual_seed(0)
    net = ResNetSupernet(tiny_space).eval()
    pre = preprocessor()
    evals = PreparedBatches(pre, raw_batches(seed=1))
    calib = PreparedBatches(pre, raw_batches(2, seed=2))
    eager_evals = [evals[i] for i in range(len(evals))]
    eager_calib = [calib[i] for i in range(len(calib))]
    code = tiny_space.sample(random.Random(3))
    for mode in ('recalibrate', 'batch_stats', 'supernet'):
        lazy = SubnetScorer(net, evals, calib, mode).score(code)
        eager = SubnetScorer(net, eager_evals, eager_calib, mode).score(code)
        assert lazy == eager, mode


def test_mmap_threshold_can_be_pinned_here():
    assert fix_mmap_threshold() is True


def test_placement_rule():
    from nasbench_cvpr.engine.scoring import batch_placement
    assert batch_placement(5, 10) == 'device'
    assert batch_placement(6, 10) == 'pinned'
    assert batch_placement(6, 10, max_fraction=0.6) == 'device'
    import pytest
    with pytest.raises(ValueError, match='max_fraction'):
        batch_placement(1, 10, 0)


def test_kept_where_reading_costs_least(monkeypatch):
    prepared = PreparedBatches(preprocessor(), raw_batches())
    before = [prepared[i] for i in range(len(prepared))]
    assert prepared.keep_near('cpu') == 'host'
    # a CUDA device too full for them: pinned host memory (mocked here)
    pinned = []
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    monkeypatch.setattr(torch.cuda, 'mem_get_info',
                        lambda device: (prepared.nbytes(), 10 ** 12))
    monkeypatch.setattr(torch.Tensor, 'pin_memory',
                        lambda self: pinned.append(self) or self)
    assert prepared.keep_near('cuda:0') == 'pinned'
    assert len(pinned) == 2 * len(prepared)  # images and labels
    after = [prepared[i] for i in range(len(prepared))]
    assert all(torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
               for a, b in zip(before, after))
