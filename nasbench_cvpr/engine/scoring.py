"""Score subnets of a supernet on fixed, pre-processed batches."""
import random
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmengine.dataset import pseudo_collate
from torch import Tensor, nn

from ..registry import DATASETS
from .bn_calibration import (BNSnapshot, check_bn_mode,
                             check_calib_momentum, recalibrate)

Batch = Tuple[Tensor, Tensor]
SCORE_KEYS = ('top1', 'neg_ce')


def select_indices(num_items: int, num: Optional[int], seed: int = 0
                   ) -> List[int]:
    """A deterministic subset: all items, or ``num`` drawn with ``seed``."""
    if num is None or num >= num_items:
        return list(range(num_items))
    return sorted(random.Random(seed).sample(range(num_items), num))


@torch.no_grad()
def prepare_batches(data_preprocessor: nn.Module, dataset_cfg: dict,
                    batch_size: int, num: Optional[int] = None,
                    seed: int = 0) -> List[Batch]:
    """Load, transform and pre-process a fixed set of images once.

    Every process gets the same batches (no distributed sampler: scoring is
    sharded over arch codes, not over images). Random transforms (e.g. a
    training pipeline used for calibration) draw from the global ``random``
    and numpy generators, seeded with ``seed`` for the call and restored
    afterwards, so every process prepares identical batches.

    Args:
        data_preprocessor: The model's data preprocessor (normalisation,
            device placement).
        dataset_cfg: Data set config (with its test-time pipeline).
        batch_size: Images per batch.
        num: Number of images drawn deterministically; ``None``: all.
        seed: Seed of the draw.
    """
    import numpy as np
    dataset = DATASETS.build(dataset_cfg)
    indices = select_indices(len(dataset), num, seed)
    batches = []
    py_state, np_state = random.getstate(), np.random.get_state()
    random.seed(seed)
    np.random.seed(seed)
    try:
        for start in range(0, len(indices), batch_size):
            samples = [dataset[i] for i in indices[start:start + batch_size]]
            data = data_preprocessor(pseudo_collate(samples), False)
            labels = torch.cat([s.gt_label for s in data['data_samples']])
            batches.append((data['inputs'], labels.to(data['inputs'].device)))
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
    return batches


@torch.no_grad()
def evaluate(model: nn.Module, batches: Iterable[Batch]) -> Dict[str, float]:
    """Top-1 accuracy and negative mean cross-entropy on ``batches``."""
    correct, loss, count = 0, 0.0, 0
    for inputs, labels in batches:
        logits = model(inputs)
        correct += int((logits.argmax(1) == labels).sum())
        loss += float(F.cross_entropy(logits, labels, reduction='sum'))
        count += labels.numel()
    return dict(top1=correct / count, neg_ce=-loss / count)


class SubnetScorer:
    """Scores codes on a supernet without changing its weights or state.

    Args:
        supernet: The supernet (``set_arch`` in place, no copies).
        eval_batches: Batches the score is computed on.
        calib_batches: Batches for ``recalibrate`` (inputs only are used).
        bn_mode: ``supernet`` (shared running statistics), ``recalibrate``
            (population statistics on the calibration batches) or
            ``batch_stats`` (per-batch statistics of each eval batch).
        calib_momentum: How ``recalibrate`` estimates: ``None`` resets and
            takes the cumulative average; a number updates the supernet's
            statistics as a moving average (see :func:`recalibrate`).
    """

    def __init__(self, supernet: nn.Module, eval_batches: Sequence[Batch],
                 calib_batches: Sequence[Batch] = (),
                 bn_mode: str = 'recalibrate',
                 calib_momentum: Optional[float] = None) -> None:
        self.supernet = supernet
        self.eval_batches = list(eval_batches)
        self.calib_inputs = [inputs for inputs, _ in calib_batches]
        self.bn_mode = check_bn_mode(bn_mode)
        self.calib_momentum = check_calib_momentum(calib_momentum)
        if bn_mode == 'recalibrate' and not self.calib_inputs:
            raise ValueError("bn_mode 'recalibrate' needs calibration batches")

    def score(self, code: str) -> Dict[str, float]:
        """Metrics of one code; the supernet's BN statistics, active arch
        and train/eval mode are restored afterwards."""
        net = self.supernet
        was_training, active_code = net.training, net.current_code
        snapshot = BNSnapshot(net)
        try:
            net.set_arch(code)
            if self.bn_mode == 'recalibrate':
                recalibrate(net, self.calib_inputs, self.calib_momentum)
            net.train(self.bn_mode == 'batch_stats')
            return evaluate(net, self.eval_batches)
        finally:
            snapshot.restore()
            net.set_arch(active_code)
            net.train(was_training)
