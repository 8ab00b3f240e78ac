"""A standalone network of one code as an mmengine model (Runner-trainable).

:class:`StandaloneClassifier` wraps :class:`StandaloneResNet` (the network of
a code built from scratch) with the data preprocessor and the three forward
modes of mmengine models, so one code can be trained and validated by the
project's Runner with mmpretrain's ``Accuracy`` metric
(``configs/standalone/digits_tiny.py``, ``tools/train_standalone.py``).
"""
from typing import List, Optional, Union

import torch
from mmengine.model import BaseModel
from mmpretrain.structures import DataSample
from torch import Tensor
from torch.nn import functional as F

from ..datasets.noise import add_pixel_noise
from ..registry import MODELS
from ..utils import package_scope
from ..spaces import BaseSearchSpace
from .export import StandaloneResNet


@MODELS.register_module()
class StandaloneClassifier(BaseModel):
    """Image classifier made of the standalone network of one arch code.

    Args:
        space: Search space (instance, config dict or alias).
        arch: The arch code.
        shortcut: Shortcut policy (``'auto'`` or ``'always_conv'``).
        data_preprocessor: Preprocessor config; default
            ``mmpretrain.ClsDataPreprocessor`` (no normalisation).
        label_smoothing: Label smoothing of the training cross-entropy.
        train_noise_std: Std of fresh Gaussian noise added to every training
            batch, on the [0, 1] pixel scale (the inputs are assumed
            normalised as ``(x - 127.5) / 127.5``, so the noise added to them
            has twice this std), then clipped to the pixel range ([-1, 1]
            after normalisation) like DigitsDataset's fixed ``noise_std``.
            ``0`` disables it. Only the ``'loss'`` mode adds noise.
        init_cfg: mmengine init config (the network already uses Kaiming
            initialisation).
    """

    def __init__(self,
                 space: Union[BaseSearchSpace, dict, str],
                 arch: str,
                 shortcut: str = 'auto',
                 data_preprocessor: Optional[dict] = None,
                 label_smoothing: float = 0.0,
                 train_noise_std: float = 0.0,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type='mmpretrain.ClsDataPreprocessor')
        if isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        with package_scope():  # nested configs see this package
            super().__init__(data_preprocessor=data_preprocessor,
                             init_cfg=init_cfg)
        if train_noise_std < 0:
            raise ValueError(f'train_noise_std must be >= 0, '
                             f'got {train_noise_std}')
        self.network = StandaloneResNet(space, arch=arch, shortcut=shortcut)
        self.space = self.network.space
        self.code = arch
        self.label_smoothing = label_smoothing
        self.train_noise_std = train_noise_std

    @staticmethod
    def _labels(data_samples: List[DataSample]) -> Tensor:
        return torch.cat([s.gt_label for s in data_samples])

    def forward(self,
                inputs: Tensor,
                data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor'):
        """``'tensor'``: logits ``(N, classes)``; ``'loss'``:
        ``{"loss": cross-entropy}``; ``'predict'``: data samples with
        ``pred_score`` (softmax) and ``pred_label`` set."""
        if mode == 'tensor':
            return self.network(inputs)
        if mode == 'loss':
            if data_samples is None:
                raise ValueError("mode='loss' needs data_samples")
            if self.train_noise_std > 0:
                inputs = add_pixel_noise(inputs, self.train_noise_std)
            logits = self.network(inputs)
            target = self._labels(data_samples).to(logits.device)
            return dict(loss=F.cross_entropy(
                logits, target, label_smoothing=self.label_smoothing))
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise RuntimeError(f'invalid mode {mode!r}; expected "tensor", '
                           '"loss" or "predict"')

    def predict(self,
                inputs: Tensor,
                data_samples: Optional[List[DataSample]] = None
                ) -> List[DataSample]:
        """Data samples (new ones when ``None``) with the predictions."""
        scores = F.softmax(self.network(inputs), dim=1)
        labels = scores.argmax(dim=1, keepdim=True).detach()
        if data_samples is None:
            data_samples = [DataSample() for _ in range(len(scores))]
        out = []
        for sample, score, label in zip(data_samples, scores, labels):
            if sample is None:
                sample = DataSample()
            out.append(sample.set_pred_score(score).set_pred_label(label))
        return out
