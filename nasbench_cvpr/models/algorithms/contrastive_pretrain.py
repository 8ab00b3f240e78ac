"""Stage 1 of the CVPR 2022 NAS Track 1 1st place: contrastive pre-training
of the largest subnet (MoCo v2 style).

The supernet, fixed at its max arch, is the query encoder; an MLP neck
projects its globally pooled features; a momentum (EMA) copy of supernet +
neck encodes the keys; a queue of past keys gives the negatives of an InfoNCE
loss. Stage 2 (``configs/supernet/pinas_stage2.py``) starts from the online
supernet's weights: they are saved under the prefix ``supernet.`` exactly as
in :class:`SupernetAlgorithm`, so a non-strict ``load_from`` of a stage-1
checkpoint fills them and ignores the neck, the momentum encoder and the
queue.

Distributed training uses the same wrapper as supernet training
(:class:`SupernetDistributedWrapper`, not DDP): gradients are averaged once
per step by :func:`average_gradients`, keys are all-gathered before they are
enqueued (so every process holds the same queue), and the key encoder sees a
batch shuffled across processes (MoCo's shuffle BN).
"""
import copy
from typing import Dict, Optional, Sequence, Set, Union

import torch
import torch.nn.functional as F
from mmengine.dist import all_gather, get_world_size
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper
from mmpretrain.models.utils import batch_shuffle_ddp, batch_unshuffle_ddp
from torch import Tensor, nn

from ...registry import MODELS
from ...utils import package_scope
from .grad_sync import average_gradients


def build_mlp_neck(in_channels: int, channels: Sequence[int],
                   norm: bool = True) -> nn.Sequential:
    """``Linear(in_channels, c[0])-BN1d-ReLU-...-Linear(c[-2], c[-1])``: one
    Linear per entry of ``channels`` (its output width), BN1d + ReLU after
    every Linear but the last.

    Args:
        in_channels: Input width.
        channels: Output width of each Linear.
        norm: BN1d after the hidden Linears (MoCo v2 style: hidden Linears
            without bias). ``False``: Linear-ReLU-...-Linear, every Linear
            with a bias (the CVPR 2022 1st place's ``NonLinearNeckV1``).
    """
    channels = [int(c) for c in channels]
    if not channels or min(channels) < 1:
        raise ValueError('neck_channels must be a non-empty sequence of '
                         f'positive widths, got {channels!r}')
    layers, prev = [], in_channels
    for i, width in enumerate(channels):
        last = i == len(channels) - 1
        layers.append(nn.Linear(prev, width, bias=last or not norm))
        if not last:
            layers += [nn.BatchNorm1d(width)] if norm else []
            layers.append(nn.ReLU(inplace=True))
        prev = width
    return nn.Sequential(*layers)


@MODELS.register_module()
class ContrastivePretrainAlgorithm(BaseModel):
    """MoCo-style contrastive pre-training of a supernet's largest subnet.

    Per ``train_step`` (two views per image from ``MultiView``):
    ``q = normalize(neck(GAP(supernet.forward_features(view1))))``, the keys
    ``k`` are the same for ``view2`` through the momentum encoder (no
    gradient), the loss is InfoNCE with the queue as negatives (logits
    ``[q.k, q.queue] / temperature``, target 0), the optimizer steps once,
    then the momentum encoder is updated (``key = m * key + (1 - m) *
    online``, parameters only; its BN statistics come from its own forward
    passes, as in MoCo) and the keys are enqueued.

    Args:
        supernet: Config of the supernet (``ResNetSupernet``); trained at its
            max arch, saved under ``supernet.``.
        neck_channels: Output widths of the neck's Linear layers; the first
            one's input is the supernet's max final width, every Linear but
            the last is followed by BN1d + ReLU. The default (512, 512, 128)
            is the "512-512-128" MLP: two hidden layers of 512, 128-d
            embeddings. ``(512, 128)`` is MoCo v2's two-layer neck.
        neck_norm: BN1d in the neck (see :func:`build_mlp_neck`).
        momentum_update_first: Update the key encoder before computing the
            step's keys (MoCo's order and the CVPR 2022 1st place's) instead
            of after the optimizer step.
        key_encoder_eval: Compute keys with the key encoder in eval mode:
            its BN uses (and keeps) its running statistics, e.g. those of
            the loaded pretrained weights, as the 1st place's frozen teacher
            wrapper did; no batch shuffle is needed then.
        temperature: InfoNCE temperature.
        queue_size: Number of negative keys kept.
        momentum: EMA coefficient of the key encoder (MoCo's ``m``; 0.999).
        data_preprocessor: Config; default ``mmpretrain``'s
            ``SelfSupDataPreprocessor`` (no normalisation unless configured).
            It must return ``inputs`` as a list of two or more view batches
            (``MultiView`` + ``PackInputs`` with ``default_collate``).
        init_cfg: mmengine init config.
    """

    def __init__(self,
                 supernet: dict,
                 neck_channels: Sequence[int] = (512, 512, 128),
                 neck_norm: bool = True,
                 temperature: float = 0.1,
                 queue_size: int = 40960,
                 momentum: float = 0.999,
                 momentum_update_first: bool = False,
                 key_encoder_eval: bool = False,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[Union[dict, list]] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type='mmpretrain.SelfSupDataPreprocessor')
        with package_scope():  # nested configs see this package
            super().__init__(data_preprocessor=data_preprocessor,
                             init_cfg=init_cfg)
        if not temperature > 0:
            raise ValueError(f'temperature must be > 0, got {temperature!r}')
        if not (isinstance(queue_size, int) and queue_size >= 1):
            raise ValueError(f'queue_size must be an int >= 1, got '
                             f'{queue_size!r}')
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f'momentum must be in [0, 1], got {momentum!r}')
        self.temperature = float(temperature)
        self.queue_size = queue_size
        self.momentum = float(momentum)
        self.momentum_update_first = bool(momentum_update_first)
        self.key_encoder_eval = bool(key_encoder_eval)

        self.supernet = MODELS.build(supernet)
        self.space = self.supernet.space
        in_channels = self.supernet.set_max_arch().out_channels
        self.neck = build_mlp_neck(in_channels, neck_channels, neck_norm)
        self.embed_dim = int(neck_channels[-1])

        # key encoder: a frozen copy of supernet + neck, updated by EMA only
        self.momentum_encoder = nn.ModuleDict(
            dict(supernet=copy.deepcopy(self.supernet),
                 neck=copy.deepcopy(self.neck)))
        for p in self.momentum_encoder.parameters():
            p.requires_grad_(False)

        self.register_buffer(
            'queue', F.normalize(torch.randn(queue_size, self.embed_dim),
                                 dim=1))
        self.register_buffer('queue_ptr', torch.zeros(1, dtype=torch.long))

    def init_weights(self) -> None:
        """mmengine initialisation, then key encoder := online encoder."""
        super().init_weights()
        self.copy_online_to_momentum()

    def after_state_loaded(self, loaded_keys: Set[str]) -> None:
        """Called by ``NASRunner.load_checkpoint`` after a load.

        ``init_weights`` copies the online encoder into the key encoder
        before mmengine applies ``load_from``. A file without key-encoder
        weights (e.g. converted pretrained weights of the largest network)
        would leave the key encoder at its random initialisation, so it
        takes the loaded online weights; a file with them (our own
        checkpoints, ``--resume``) is kept as loaded.

        Args:
            loaded_keys: State-dict keys that came from the file.
        """
        if not any(k.startswith('momentum_encoder.') for k in loaded_keys):
            self.copy_online_to_momentum()

    # ------------------------------------------------------------ encoders
    def _online_pairs(self):
        online = list(self.supernet.parameters()) + \
            list(self.neck.parameters())
        key = list(self.momentum_encoder['supernet'].parameters()) + \
            list(self.momentum_encoder['neck'].parameters())
        return zip(key, online)

    @torch.no_grad()
    def copy_online_to_momentum(self) -> None:
        """Key encoder parameters and buffers := the online ones."""
        self.momentum_encoder['supernet'].load_state_dict(
            self.supernet.state_dict())
        self.momentum_encoder['neck'].load_state_dict(self.neck.state_dict())

    @torch.no_grad()
    def momentum_update(self) -> None:
        """``key = m * key + (1 - m) * online`` for every parameter."""
        for key, online in self._online_pairs():
            key.mul_(self.momentum).add_(online.detach(),
                                         alpha=1.0 - self.momentum)

    @staticmethod
    def _embed(supernet: nn.Module, neck: nn.Module, x: Tensor) -> Tensor:
        feats = supernet.forward_features(x)
        feats = torch.flatten(F.adaptive_avg_pool2d(feats, 1), 1)
        return F.normalize(neck(feats), dim=1)

    def query(self, x: Tensor) -> Tensor:
        """L2-normalised embeddings of the online encoder (max arch)."""
        return self._embed(self.supernet, self.neck, x)

    @torch.no_grad()
    def key(self, x: Tensor) -> Tensor:
        """L2-normalised embeddings of the momentum encoder (no gradient);
        shuffled across processes for BN under distributed training."""
        encoder = self.momentum_encoder
        if self.key_encoder_eval:
            was_training = encoder.training
            encoder.eval()
            try:
                return self._embed(encoder['supernet'], encoder['neck'], x)
            finally:
                encoder.train(was_training)
        distributed = get_world_size() > 1
        if distributed:
            x, idx_unshuffle = batch_shuffle_ddp(x)
        k = self._embed(encoder['supernet'], encoder['neck'], x)
        if distributed:
            k = batch_unshuffle_ddp(k, idx_unshuffle)
        return k

    @torch.no_grad()
    def dequeue_and_enqueue(self, keys: Tensor) -> None:
        """Write ``keys`` (gathered from all processes) at the pointer,
        wrapping around; the pointer advances by their number."""
        keys = torch.cat(all_gather(keys.detach().contiguous()), dim=0)
        n = keys.shape[0]
        if n > self.queue_size:  # only the newest fit
            keys, n = keys[-self.queue_size:], self.queue_size
        ptr = int(self.queue_ptr[0])
        idx = (ptr + torch.arange(n, device=keys.device)) % self.queue_size
        self.queue[idx] = keys.to(self.queue.dtype)
        self.queue_ptr[0] = (ptr + n) % self.queue_size

    def info_nce(self, q: Tensor, k: Tensor) -> Dict[str, Tensor]:
        """InfoNCE of queries ``q`` against their keys ``k`` (positives) and
        the queue (negatives); also the fraction of queries whose positive
        scores highest."""
        l_pos = (q * k).sum(dim=1, keepdim=True)
        l_neg = q @ self.queue.clone().detach().t()
        logits = torch.cat([l_pos, l_neg], dim=1) / self.temperature
        target = torch.zeros(q.shape[0], dtype=torch.long, device=q.device)
        loss = F.cross_entropy(logits, target)
        acc = (logits.argmax(dim=1) == 0).float().mean()
        return dict(loss=loss, acc=acc.detach())

    # ---------------------------------------------------------------- train
    def _views(self, inputs) -> Sequence[Tensor]:
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2 or \
                not all(isinstance(v, Tensor) and v.dim() == 4
                        for v in inputs[:2]):
            raise ValueError(
                'ContrastivePretrainAlgorithm needs two augmented views per '
                'image: a pipeline with MultiView(num_views=2) + PackInputs, '
                "collate_fn=dict(type='default_collate') and a "
                'SelfSupDataPreprocessor, giving inputs = [view1 (N, C, H, '
                'W), view2 (N, C, H, W)]')
        return inputs[0], inputs[1]

    def train_step(self, data: Union[dict, tuple, list],
                   optim_wrapper: OptimWrapper) -> Dict[str, Tensor]:
        data = self.data_preprocessor(data, True)
        view_q, view_k = self._views(data['inputs'])
        self.supernet.set_max_arch()
        self.momentum_encoder['supernet'].set_max_arch()
        if self.momentum_update_first:
            self.momentum_update()
        k = self.key(view_k)
        with optim_wrapper.optim_context(self):
            q = self.query(view_q)
            out = self.info_nce(q, k)
            optim_wrapper.backward(out['loss'])
        average_gradients(self.parameters())
        optim_wrapper.step()
        optim_wrapper.zero_grad()
        if not self.momentum_update_first:
            self.momentum_update()
        self.dequeue_and_enqueue(k)
        return dict(loss=out['loss'].detach(), contrast_acc=out['acc'])

    # ----------------------------------------------------------- inference
    def forward(self, inputs: Tensor, data_samples=None, mode: str = 'tensor'):
        """Query embeddings of ``inputs`` (``mode='tensor'``) at max arch."""
        if mode == 'tensor':
            self.supernet.set_max_arch()
            return self.query(inputs)
        raise NotImplementedError(
            f'ContrastivePretrainAlgorithm: mode {mode!r} is not supported; '
            'it only pre-trains (train_step) and embeds (mode="tensor")')

    def val_step(self, data):
        raise NotImplementedError(
            'ContrastivePretrainAlgorithm has no validation: stage-1 configs '
            'set val_cfg/val_dataloader/val_evaluator to None; evaluate the '
            'supernet after stage 2')

    def test_step(self, data):
        raise NotImplementedError(
            'ContrastivePretrainAlgorithm has no test step; evaluate the '
            'supernet after stage 2')
