"""In-place distillation: the max subnet of the step teaches the others."""
from typing import Dict, Optional, Union

from torch import Tensor, nn

from ...registry import DISTILLERS
from .base import BaseDistiller, cross_entropy
from .losses import build_kd_loss


@DISTILLERS.register_module()
class InplaceDistiller(BaseDistiller):
    """In-place distillation (Yu et al., BigNAS / slimmable networks).

    The teacher pass (max subnet) gets ``ce_weight_teacher * CE``; every
    other subnet gets ``ce_weight_student * CE + kd_weight * KD(logits,
    teacher_logits.detach())``. Terms of weight 0 are left out of the
    returned dict (keys ``loss_ce``, ``loss_kd``).

    The CVPR 2021 NAS track 1 2nd-place mix "0.5 (CE + teacher CE) + 2.0 KD"
    is ``InplaceDistiller(ce_weight_teacher=0.5, ce_weight_student=0.5,
    kd_weight=2.0)``.

    Args:
        kd_loss: KD loss config (``MODELS`` type, e.g. ``KLDivergence`` or
            ``AlphaDivergence``) or module, called ``kd(student, teacher)``.
        ce_weight_teacher: CE weight of the teacher pass.
        ce_weight_student: CE weight of the other subnets.
        kd_weight: KD weight of the other subnets.
        teacher_label_smoothing: Label smoothing of the teacher pass's CE
            (CVPR 2022 4th place: 0.1).
    """

    teacher_mode = 'inplace'

    def __init__(self,
                 kd_loss: Union[dict, nn.Module] = dict(
                     type='KLDivergence', tau=1.0),
                 ce_weight_teacher: float = 1.0,
                 ce_weight_student: float = 0.0,
                 kd_weight: float = 1.0,
                 teacher_label_smoothing: float = 0.0) -> None:
        super().__init__()
        if not 0.0 <= teacher_label_smoothing < 1.0:
            raise ValueError(f'teacher_label_smoothing must be in [0, 1), '
                             f'got {teacher_label_smoothing}')
        self.teacher_label_smoothing = float(teacher_label_smoothing)
        self.kd_loss = build_kd_loss(kd_loss)
        self.ce_weight_teacher = ce_weight_teacher
        self.ce_weight_student = ce_weight_student
        self.kd_weight = kd_weight

    def subnet_loss(self, logits: Tensor, labels: Tensor,
                    teacher_logits: Optional[Tensor],
                    is_teacher_pass: bool) -> Dict[str, Tensor]:
        losses: Dict[str, Tensor] = {}
        if is_teacher_pass:
            if self.ce_weight_teacher:
                losses['loss_ce'] = self.ce_weight_teacher * cross_entropy(
                    logits, labels, self.teacher_label_smoothing)
            return losses
        if self.ce_weight_student:
            losses['loss_ce'] = self.ce_weight_student * cross_entropy(
                logits, labels)
        if self.kd_weight:
            if teacher_logits is None:
                raise ValueError('InplaceDistiller: a student pass needs the '
                                 'teacher logits of the max-net pass')
            losses['loss_kd'] = self.kd_weight * self.kd_loss(
                logits, teacher_logits.detach())
        return losses

    def extra_repr(self) -> str:
        return (f'ce_weight_teacher={self.ce_weight_teacher}, '
                f'ce_weight_student={self.ce_weight_student}, '
                f'kd_weight={self.kd_weight}')
