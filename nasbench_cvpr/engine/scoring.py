"""Score subnets of a supernet on fixed, pre-processed batches."""
import random
from contextlib import contextmanager, nullcontext
from typing import (Dict, Iterable, Iterator, List, Optional, Sequence,
                    Tuple, Union)

import torch
import torch.nn.functional as F
from mmengine.dataset import pseudo_collate
from torch import Tensor, nn

from ..models.ops import PinnableLayer, pin_layers
from ..registry import DATASETS
from ..utils import ModeSwitch
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


class PreparedBatches(Sequence[Batch]):
    """Fixed batches kept as the pipeline made them (e.g. uint8 images),
    normalised by the data preprocessor each time a batch is read.

    At 224 x 224 a float32 image takes 0.6 MB, its uint8 form a quarter of
    that; normalising per batch on the device costs little next to a
    forward pass and gives bit-identical inputs (the same preprocessor on
    the same data).

    With mmpretrain's ``ClsDataPreprocessor`` and images of one shape, a
    batch is kept stacked (one uint8 tensor and one label tensor) and read
    through the preprocessor's tensor branch: the same arithmetic per value
    as its per-image branch, without re-collating the images and re-setting
    every data sample's label on each read, which took about a third of the
    time of scoring small networks (Fashion-MNIST).

    Args:
        data_preprocessor: The model's data preprocessor (run with
            ``training=False``: normalisation, device placement).
        raw: Collated batches (``pseudo_collate`` of the pipeline outputs);
            an iterator is consumed batch by batch, so each batch's
            per-image tensors can be freed once it is stacked.
    """

    def __init__(self, data_preprocessor: nn.Module,
                 raw: Iterable[dict]) -> None:
        self.data_preprocessor = data_preprocessor
        stackable = _reads_stacked_batches(data_preprocessor)
        self.raw = [_stacked(batch) if stackable else batch for batch in raw]

    def __len__(self) -> int:
        return len(self.raw)

    @torch.no_grad()
    def __getitem__(self, index):
        if isinstance(index, slice):
            return PreparedBatches(self.data_preprocessor, self.raw[index])
        batch = self.raw[index]
        if 'labels' in batch:  # stacked, see _stacked
            inputs = self.data_preprocessor({'inputs': batch['inputs']},
                                            False)['inputs']
            return inputs, batch['labels'].to(inputs.device)
        data = self.data_preprocessor(batch, False)
        labels = torch.cat([s.gt_label for s in data['data_samples']])
        return data['inputs'], labels.to(data['inputs'].device)

    def inputs(self) -> 'PreparedInputs':
        """The normalised inputs of every batch (re-iterable, one batch
        normalised at a time)."""
        return PreparedInputs(self)

    def keep_near(self, device: Union[str, torch.device],
                  max_fraction: float = 0.5) -> str:
        """Keep the stacked batches where reading them costs least.

        Every scored code reads every batch again: 50,000 ImageNet images
        are 7.5 GB of uint8 per code. On a CUDA device they are moved there
        once when they take at most ``max_fraction`` of its free memory, and
        put in pinned host memory otherwise (copied without blocking); on
        the CPU nothing changes.

        Args:
            device: The model's device.
            max_fraction: Largest share of the device's free memory the
                batches may take.

        Returns:
            ``'device'``, ``'pinned'`` or ``'host'`` (where they are now).
        """
        device = torch.device(device)
        if device.type != 'cuda' or not torch.cuda.is_available():
            return 'host'
        free, _ = torch.cuda.mem_get_info(device)
        where = batch_placement(self.nbytes(), free, max_fraction)
        for batch in self.raw:
            if 'labels' not in batch:  # per-image lists: left as they are
                continue
            for key in ('inputs', 'labels'):
                batch[key] = batch[key].to(device) if where == 'device' \
                    else batch[key].pin_memory()
        return where

    def nbytes(self) -> int:
        """Bytes held by the kept images."""
        total = 0
        for data in self.raw:
            items = data['inputs']
            for item in [items] if isinstance(items, Tensor) else items:
                total += item.numel() * item.element_size()
        return total


def batch_placement(nbytes: int, free_bytes: int,
                    max_fraction: float = 0.5) -> str:
    """``'device'`` if ``nbytes`` fit in ``max_fraction`` of a device's
    ``free_bytes``, else ``'pinned'`` (see :meth:`PreparedBatches.keep_near`).
    """
    if not 0 < max_fraction <= 1:
        raise ValueError(f'max_fraction must be in (0, 1], got '
                         f'{max_fraction}')
    return 'device' if nbytes <= max_fraction * free_bytes else 'pinned'


def _reads_stacked_batches(data_preprocessor: nn.Module) -> bool:
    """Whether the preprocessor's tensor branch equals its per-image branch
    on equal-size images (mmpretrain's ``ClsDataPreprocessor`` itself: flip,
    float, normalise and pad act per value in both; a subclass may not)."""
    from mmpretrain.models.utils import ClsDataPreprocessor
    return type(data_preprocessor) is ClsDataPreprocessor


def _stacked(batch: dict) -> dict:
    """``{'inputs': (N, C, H, W) tensor, 'labels': (N,) tensor}`` for a
    collated batch of equal-shape image tensors with one label each; the
    batch itself otherwise."""
    images, samples = batch.get('inputs'), batch.get('data_samples')
    if (not isinstance(images, (list, tuple)) or not images
            or not isinstance(samples, (list, tuple))
            or len(samples) != len(images)
            or not all(isinstance(x, Tensor) for x in images)
            or len({(x.shape, x.dtype) for x in images}) != 1
            or not all('gt_label' in s for s in samples)):
        return batch
    labels = [s.gt_label for s in samples]
    if not all(isinstance(t, Tensor) and t.numel() == 1 for t in labels):
        return batch
    return dict(inputs=torch.stack(images), labels=torch.cat(labels))


class PreparedInputs(Sequence[Tensor]):
    """The inputs of :class:`PreparedBatches`, normalised when read.

    Args:
        batches: The prepared batches.
    """

    def __init__(self, batches: PreparedBatches) -> None:
        self.batches = batches

    def __len__(self) -> int:
        return len(self.batches)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return PreparedInputs(self.batches[index])
        return self.batches[index][0]


@torch.no_grad()
def prepare_batches(data_preprocessor: nn.Module, dataset_cfg: dict,
                    batch_size: int, num: Optional[int] = None,
                    seed: int = 0) -> PreparedBatches:
    """Load and transform a fixed set of images once; keep them as the
    pipeline made them (see :class:`PreparedBatches`).

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

    from ..utils.malloc import fix_mmap_threshold
    fix_mmap_threshold()  # batches are normalised per read: see there
    dataset = DATASETS.build(dataset_cfg)
    indices = select_indices(len(dataset), num, seed)
    batches = []
    # stacked batch by batch: the per-image tensors of all batches and
    # their stacked copies never coexist
    stackable = _reads_stacked_batches(data_preprocessor)
    py_state, np_state = random.getstate(), np.random.get_state()
    random.seed(seed)
    np.random.seed(seed)
    try:
        for start in range(0, len(indices), batch_size):
            samples = [dataset[i] for i in indices[start:start + batch_size]]
            batch = pseudo_collate(samples)
            batches.append(_stacked(batch) if stackable else batch)
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
    return PreparedBatches(data_preprocessor, batches)


@torch.no_grad()
def evaluate(model: nn.Module, batches: Iterable[Batch]) -> Dict[str, float]:
    """Top-1 accuracy and negative mean cross-entropy on ``batches``.

    Both sums stay on the model's device until the end (one host sync per
    call, not two per batch); the loss is summed in float64, as a Python
    float would, so the result does not depend on where it is summed.
    """
    correct = loss = None
    count = 0
    for inputs, labels in batches:
        logits = model(inputs)
        hits = (logits.argmax(1) == labels).sum()
        batch_loss = F.cross_entropy(logits, labels,
                                     reduction='sum').double()
        correct = hits if correct is None else correct + hits
        loss = batch_loss if loss is None else loss + batch_loss
        count += labels.numel()
    if correct is None:
        raise ValueError('evaluate needs at least one batch')
    total_correct, total_loss = torch.stack(
        [correct.double(), loss]).tolist()
    return dict(top1=total_correct / count, neg_ce=-total_loss / count)


#: precisions of :class:`SubnetScorer` (``autocast``)
AUTOCAST_MODES = (None, 'bf16')


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
        autocast: ``None`` (float32) or ``'bf16'``: calibration and
            evaluation run under ``torch.autocast`` with bfloat16 on the
            supernet's device (BN statistics stay float32). Faster on GPUs
            with bf16 units; scores differ from float32 (see the README).
    """

    def __init__(self, supernet: nn.Module, eval_batches: Sequence[Batch],
                 calib_batches: Sequence[Batch] = (),
                 bn_mode: str = 'recalibrate',
                 calib_momentum: Optional[float] = None,
                 autocast: Optional[str] = None) -> None:
        if autocast not in AUTOCAST_MODES:
            raise ValueError(f'autocast must be one of {list(AUTOCAST_MODES)}'
                             f', got {autocast!r}')
        self.autocast = autocast
        self.supernet = supernet
        # kept as given: prepared batches are normalised when read
        self.eval_batches = eval_batches
        self.calib_batches = calib_batches
        self.bn_mode = check_bn_mode(bn_mode)
        self.calib_momentum = check_calib_momentum(calib_momentum)
        if bn_mode == 'recalibrate' and not len(self.calib_batches):
            raise ValueError("bn_mode 'recalibrate' needs calibration batches")
        self._snapshot: Optional[BNSnapshot] = None
        self._mode_switch: Optional[ModeSwitch] = None
        self._session: Optional[Tuple[bool, Optional[str]]] = None
        self._pinnable: List[PinnableLayer] = []

    def _state_tools(self) -> Tuple[BNSnapshot, ModeSwitch]:
        """The scorer's BN snapshot and mode switch (and list of pinnable
        layers), made on first use and refreshed (``save``) on every later
        one: the module tree of a supernet does not change while it is
        scored."""
        if self._snapshot is None:
            self._snapshot = BNSnapshot(self.supernet)
            self._mode_switch = ModeSwitch(self.supernet)
            self._pinnable = [m for m in self._mode_switch.modules
                              if isinstance(m, PinnableLayer)]
        else:
            self._snapshot.save()
        return self._snapshot, self._mode_switch

    @contextmanager
    def session(self) -> Iterator['SubnetScorer']:
        """Score many codes with one save and one restore of the supernet's
        state (BN statistics, active arch, train/eval mode) around all of
        them, instead of one per code.

        The scores are the ones :meth:`score` gives alone: a code's score
        never reads what the previous code left behind. ``recalibrate``
        with ``calib_momentum=None`` resets the statistics first;
        ``batch_stats`` and ``supernet`` do not read statistics that an
        earlier code changed (``supernet`` changes none); ``recalibrate``
        with a momentum starts from the supernet's statistics, so those are
        put back before each code. Saves a full arch switch and a BN
        restore per code (about 1% of a small subnet's scoring time).

        Yields:
            The scorer itself.
        """
        if self._session is not None:
            raise RuntimeError('a scoring session is already open')
        net = self.supernet
        snapshot, switch = self._state_tools()
        self._session = (net.training, net.current_code)
        try:
            yield self
        finally:
            was_training, active_code = self._session
            self._session = None
            snapshot.restore()
            net.set_arch(active_code)
            switch(was_training)

    def score(self, code: str) -> Dict[str, float]:
        """Metrics of one code; the supernet's BN statistics, active arch
        and train/eval mode are restored afterwards (inside
        :meth:`session`: when the session ends)."""
        if self._session is not None:
            if self.bn_mode == 'recalibrate' \
                    and self.calib_momentum is not None:
                self._snapshot.restore()
            return self._score_in_place(code)
        with self.session():
            return self._score_in_place(code)

    def _score_in_place(self, code: str) -> Dict[str, float]:
        """Set the arch and BN statistics of ``code`` and evaluate; leaves
        the supernet as it is afterwards."""
        net, snapshot, switch = (self.supernet, self._snapshot,
                                 self._mode_switch)
        net.set_arch(code)
        # arch and weights stay fixed until the code is scored
        pin_layers(self._pinnable, True)
        try:
            with self._precision():
                if self.bn_mode == 'recalibrate':
                    recalibrate(net, (x for x, _ in self.calib_batches),
                                self.calib_momentum, bns=snapshot.bns,
                                train_mode=switch)
                switch(self.bn_mode == 'batch_stats')
                return evaluate(net, self.eval_batches)
        finally:
            pin_layers(self._pinnable, False)

    def _precision(self):
        """The autocast region of :attr:`autocast` (a no-op for float32)."""
        if self.autocast is None:
            return nullcontext()
        device = next(self.supernet.parameters()).device.type
        return torch.autocast(device_type=device, dtype=torch.bfloat16)
