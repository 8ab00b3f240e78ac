"""Interface between the one-shot training algorithm and its distiller.

Per training step the algorithm

1. asks :meth:`BaseDistiller.teacher_logits` (only ``teacher_mode='fixed'``
   returns logits, from a frozen network);
2. in ``'inplace'`` mode, runs the max subnet first and calls
   :meth:`~BaseDistiller.subnet_loss` with ``is_teacher_pass=True`` and
   ``teacher_logits=None``; the detached logits of that pass become the
   teacher logits of the other subnets of the step;
3. calls :meth:`~BaseDistiller.subnet_loss` for each subnet and sums the
   named losses;
4. if :attr:`~BaseDistiller.joint_backward`, keeps every subnet's graph,
   adds :meth:`~BaseDistiller.step_loss` and runs one backward;
5. if :attr:`~BaseDistiller.num_extra_codes` is not 0 (extra forward
   passes, e.g. RD-NAS's rank-loss pairs): before the step, draws
   :meth:`~BaseDistiller.extra_codes` with a generator whose state the
   algorithm checkpoints; after the step's subnets, forwards each extra
   code and adds :meth:`~BaseDistiller.extra_loss` (not scaled by the
   algorithm's ``loss_scale``) to the same backward. Extra passes are not
   trained by :meth:`~BaseDistiller.subnet_loss`. With
   ``num_extra_codes == 0`` the algorithm draws nothing and forwards
   nothing more.

Rule of the CVPR NAS competitions: ground-truth accuracies of architectures
must never reach a training loss. Distillers only use labels of the training
batch, logits and zero-cost proxies of the codes.
"""
import random
from typing import Dict, List, Optional, Union

import torch.nn.functional as F
from torch import Tensor, nn

from ...registry import DISTILLERS
from ...spaces import BaseSearchSpace


class BaseDistiller(nn.Module):
    """Losses of the subnets of one training step.

    Attributes:
        teacher_mode: ``'none'``, ``'inplace'`` (the max subnet of the step
            teaches the others) or ``'fixed'`` (a frozen network teaches).
        joint_backward: ``True`` if the algorithm must keep every subnet's
            graph, call :meth:`step_loss` and backpropagate once.
    """

    teacher_mode: str = 'none'
    joint_backward: bool = False

    def teacher_logits(self, inputs: Tensor) -> Optional[Tensor]:
        """Logits of a fixed teacher for ``inputs``; ``None`` by default.

        Args:
            inputs: The (preprocessed) batch of images.
        """
        return None

    def subnet_loss(self, logits: Tensor, labels: Tensor,
                    teacher_logits: Optional[Tensor],
                    is_teacher_pass: bool) -> Dict[str, Tensor]:
        """Named losses of one subnet; the algorithm sums them.

        Args:
            logits: Logits of the subnet (N, C).
            labels: Class indices (N,) (or class probabilities (N, C)).
            teacher_logits: Teacher logits (N, C), or ``None`` (no teacher,
                or the teacher pass itself).
            is_teacher_pass: ``True`` for the max-net pass of
                ``'inplace'`` mode whose logits become the teacher logits.
        """
        raise NotImplementedError

    def step_loss(self, subnet_logits: List[Tensor], labels: Tensor,
                  codes: List[str], epoch: int) -> Dict[str, Tensor]:
        """Named losses over all subnets of the step (``joint_backward``).

        Args:
            subnet_logits: Logits of each subnet, graphs kept.
            labels: Labels of the batch.
            codes: Arch code of each subnet, aligned with ``subnet_logits``.
            epoch: Current (0-based) epoch.
        """
        return {}

    @property
    def num_extra_codes(self) -> int:
        """Extra forward passes per step (0: none, the default)."""
        return 0

    def extra_codes(self, rng: random.Random, space: BaseSearchSpace,
                    step_codes: List[str]) -> List[str]:
        """Codes of the extra forward passes of this step.

        Called once per step, before any forward, only if
        :attr:`num_extra_codes` is not 0.

        Args:
            rng: The generator to draw from (checkpointed by the algorithm,
                so a resumed run draws the same codes).
            space: The space to draw from (the algorithm's sampling space).
            step_codes: The codes the step trains, in training order.

        Returns:
            :attr:`num_extra_codes` codes.
        """
        return []

    def extra_loss(self, extra_logits: List[Tensor], labels: Tensor,
                   extra_codes: List[str],
                   epoch: int) -> Dict[str, Tensor]:
        """Named losses of the extra forward passes (graphs kept).

        Args:
            extra_logits: Logits of each extra code.
            labels: Labels of the batch.
            extra_codes: The codes of :meth:`extra_codes`, aligned with
                ``extra_logits``.
            epoch: Current (0-based) epoch.
        """
        return {}


class WrappingDistiller(BaseDistiller):
    """A distiller that adds losses on top of a ``base`` distiller: the
    teacher, the per-subnet losses and the step losses are ``base``'s unless
    a subclass overrides them.

    Args:
        base: Config or instance of the wrapped distiller.
    """

    def __init__(self, base: Union[dict, 'BaseDistiller']) -> None:
        super().__init__()
        self.base = build_distiller(base)

    @property
    def teacher_mode(self) -> str:  # type: ignore[override]
        """The base distiller's teacher mode."""
        return self.base.teacher_mode

    @property
    def joint_backward(self) -> bool:  # type: ignore[override]
        return self.base.joint_backward

    def teacher_logits(self, inputs: Tensor) -> Optional[Tensor]:
        return self.base.teacher_logits(inputs)

    def subnet_loss(self, logits: Tensor, labels: Tensor,
                    teacher_logits: Optional[Tensor],
                    is_teacher_pass: bool) -> Dict[str, Tensor]:
        return self.base.subnet_loss(logits, labels, teacher_logits,
                                     is_teacher_pass)

    def step_loss(self, subnet_logits: List[Tensor], labels: Tensor,
                  codes: List[str], epoch: int) -> Dict[str, Tensor]:
        return self.base.step_loss(subnet_logits, labels, codes, epoch)


def cross_entropy(logits: Tensor, labels: Tensor,
                  label_smoothing: float = 0.0) -> Tensor:
    """Batch-mean cross-entropy (class indices or probabilities)."""
    return F.cross_entropy(logits, labels, label_smoothing=label_smoothing)


def build_distiller(cfg: Union[dict, BaseDistiller, None]) -> BaseDistiller:
    """Build a distiller from a config (``DISTILLERS`` type).

    Args:
        cfg: Config dict, a :class:`BaseDistiller` (returned as is), or
            ``None`` for :class:`NoDistiller`.
    """
    if cfg is None:
        cfg = dict(type='NoDistiller')
    if isinstance(cfg, BaseDistiller):
        return cfg
    if not isinstance(cfg, dict) or 'type' not in cfg:
        raise TypeError(f'a distiller config needs a "type", got {cfg!r}')
    DISTILLERS.import_from_location()
    if DISTILLERS.get(cfg['type']) is None:
        raise KeyError(f'unknown distiller type {cfg["type"]!r}; known: '
                       f'{sorted(DISTILLERS.module_dict)}')
    distiller = DISTILLERS.build(cfg)
    if not isinstance(distiller, BaseDistiller):
        raise TypeError(f'{cfg["type"]} is not a BaseDistiller')
    return distiller
