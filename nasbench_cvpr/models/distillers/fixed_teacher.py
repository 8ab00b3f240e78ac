"""Distillation from a fixed, pretrained teacher network."""
import os
from typing import Dict, Mapping, Optional, Union

import torch
from torch import Tensor, nn

from ...registry import DISTILLERS, MODELS
from ...utils.checkpoint import (CheckpointMismatchError, extract_state_dict,
                                 safe_load_checkpoint)
from .base import BaseDistiller, cross_entropy
from .losses import build_kd_loss


def _read_checkpoint(path: str) -> Mapping[str, Tensor]:
    """The state dict stored at ``path`` (raw or mmengine ``state_dict``),
    read safely (:func:`safe_load_checkpoint`)."""
    path = os.path.expanduser(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f'teacher checkpoint not found: {path}')
    return extract_state_dict(safe_load_checkpoint(path), path)


def _find_prefix(expected: list, keys: set) -> Optional[str]:
    """Shortest ``P`` such that ``P + k`` is in ``keys`` for all expected
    ``k`` (``''`` included), or ``None``."""
    if not expected:
        return ''
    ref = expected[0]
    candidates = sorted(
        {k[:len(k) - len(ref)] for k in keys
         if k == ref or k.endswith('.' + ref)}, key=len)
    for prefix in candidates:
        if all(prefix + k in keys for k in expected):
            return prefix
    return None


def load_teacher_checkpoint(model: nn.Module,
                            path: str,
                            prefix: Optional[str] = None) -> str:
    """Load a checkpoint into ``model`` strictly; return the prefix used.

    Rule: the file holds a raw state dict or an mmengine checkpoint (its
    ``state_dict`` entry). With ``prefix`` given, the keys starting with it
    are kept and the prefix is stripped. Otherwise the prefix is the
    shortest ``P`` (possibly ``''``) such that ``P + key`` exists for every
    key of the model, e.g. ``'supernet.'``, ``'teacher.'`` or ``'module.'``;
    keys outside ``P`` (other submodules of the saved algorithm) are
    ignored. The keys under ``P`` must then match the model exactly
    (``strict=True``), shapes included.

    Args:
        model: The network to fill.
        path: Checkpoint file.
        prefix: Prefix to strip; ``None`` detects it.

    Raises:
        FileNotFoundError: if ``path`` does not exist (names the path).
        CheckpointError: if the file is not a checkpoint or contains a type
            that a safe load refuses (names it).
        CheckpointMismatchError: if no prefix fits, or keys/shapes differ.
    """
    state = _read_checkpoint(path)
    expected = list(model.state_dict())
    if prefix is None:
        prefix = _find_prefix(expected, set(state))
        if prefix is None:
            missing = [k for k in expected if k not in state]
            raise CheckpointMismatchError(
                f'{path} does not fit the teacher {type(model).__name__}: no '
                f'key prefix P gives P + key for all {len(expected)} teacher '
                f'keys ({len(missing)} missing unprefixed, e.g. '
                f'{missing[:3]}); checkpoint keys e.g. {list(state)[:3]}. '
                f'Pass prefix=... to choose the prefix explicitly.')
    sub = {k[len(prefix):]: v for k, v in state.items()
           if k.startswith(prefix)}
    if not sub:
        raise CheckpointMismatchError(
            f'{path}: no key starts with prefix {prefix!r}; checkpoint keys '
            f'e.g. {list(state)[:3]}')
    try:
        model.load_state_dict(sub, strict=True)
    except RuntimeError as e:
        raise CheckpointMismatchError(
            f'{path} (prefix {prefix!r}) does not fit the teacher '
            f'{type(model).__name__}: {e}') from e
    return prefix


@DISTILLERS.register_module()
class FixedTeacherDistiller(BaseDistiller):
    """Distillation from a frozen, pretrained network.

    The teacher is built with ``nasbench_cvpr.registry.MODELS`` and loaded
    from ``checkpoint`` by :func:`load_teacher_checkpoint` (raw state dict or
    mmengine checkpoint; a common prefix such as ``'supernet.'`` or
    ``'teacher.'`` is detected and stripped, see there). It is frozen: its
    parameters have ``requires_grad=False`` and it stays in eval mode even
    when the parent calls ``train()``; :meth:`teacher_logits` runs under
    ``no_grad``. Every subnet gets ``ce_weight * CE + kd_weight * KD(logits,
    teacher_logits)``.

    The teacher is an ordinary submodule: it moves with ``.to(device)`` and
    is saved in (and restored from) the parent's checkpoints. Its parameters
    may appear in an optimizer's parameter groups but never get a gradient,
    so they are never updated. :meth:`init_weights` reloads the checkpoint,
    so an mmengine ``init_cfg`` of the parent model applied before it cannot
    overwrite the teacher.

    Args:
        teacher: Model config (``MODELS`` type, e.g. ``StandaloneResNet`` or
            ``ResNetSupernet``) or an ``nn.Module``; ``forward(x)`` must
            return logits.
        checkpoint: Path of the teacher weights.
        kd_loss: KD loss config (``MODELS`` type) or module.
        ce_weight: Cross-entropy weight.
        kd_weight: KD weight.
        prefix: Key prefix to strip; ``None`` detects it.
        teacher_arch: Arch code activated with ``teacher.set_arch`` (for a
            supernet teacher); ``None`` keeps the teacher's own arch.
    """

    teacher_mode = 'fixed'

    def __init__(self,
                 teacher: Union[dict, nn.Module],
                 checkpoint: str,
                 kd_loss: Union[dict, nn.Module] = dict(
                     type='KLDivergence', tau=1.0),
                 ce_weight: float = 1.0,
                 kd_weight: float = 1.0,
                 prefix: Optional[str] = None,
                 teacher_arch: Optional[str] = None) -> None:
        super().__init__()
        self.teacher = teacher if isinstance(teacher, nn.Module) \
            else MODELS.build(teacher)
        self.checkpoint = checkpoint
        self.prefix = prefix
        self.teacher_arch = teacher_arch
        self.kd_loss = build_kd_loss(kd_loss)
        self.ce_weight = ce_weight
        self.kd_weight = kd_weight
        self.init_weights()

    def init_weights(self) -> None:
        """(Re)load the teacher checkpoint and freeze the teacher."""
        load_teacher_checkpoint(self.teacher, self.checkpoint, self.prefix)
        if self.teacher_arch is not None:
            if not hasattr(self.teacher, 'set_arch'):
                raise TypeError(f'teacher_arch given but '
                                f'{type(self.teacher).__name__} has no '
                                f'set_arch()')
            self.teacher.set_arch(self.teacher_arch)
        for p in self.teacher.parameters():
            p.requires_grad_(False)
        self.teacher.eval()

    def train(self, mode: bool = True) -> 'FixedTeacherDistiller':
        """Set the mode of the losses; the teacher stays in eval mode."""
        super().train(mode)
        self.teacher.eval()
        return self

    @torch.no_grad()
    def teacher_logits(self, inputs: Tensor) -> Tensor:
        self.teacher.eval()
        return self.teacher(inputs)

    def subnet_loss(self, logits: Tensor, labels: Tensor,
                    teacher_logits: Optional[Tensor],
                    is_teacher_pass: bool) -> Dict[str, Tensor]:
        losses: Dict[str, Tensor] = {}
        if self.ce_weight:
            losses['loss_ce'] = self.ce_weight * cross_entropy(logits, labels)
        if self.kd_weight:
            if teacher_logits is None:
                raise ValueError('FixedTeacherDistiller needs the logits of '
                                 'teacher_logits(inputs)')
            losses['loss_kd'] = self.kd_weight * self.kd_loss(
                logits, teacher_logits.detach())
        return losses

    def extra_repr(self) -> str:
        return (f'checkpoint={self.checkpoint!r}, ce_weight={self.ce_weight}, '
                f'kd_weight={self.kd_weight}')
