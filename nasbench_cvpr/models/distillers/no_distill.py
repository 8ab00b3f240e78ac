"""Plain cross-entropy training, no teacher."""
from typing import Dict, Optional

from torch import Tensor

from ...registry import DISTILLERS
from .base import BaseDistiller, cross_entropy


@DISTILLERS.register_module()
class NoDistiller(BaseDistiller):
    """Every subnet is trained with cross-entropy only.

    Returns ``{'loss_ce': CE}`` for every subnet, teacher pass or not.

    Args:
        label_smoothing: Label smoothing of the cross-entropy.
    """

    teacher_mode = 'none'

    def __init__(self, label_smoothing: float = 0.0) -> None:
        super().__init__()
        if not 0.0 <= label_smoothing < 1.0:
            raise ValueError(f'label_smoothing must be in [0, 1), got '
                             f'{label_smoothing}')
        self.label_smoothing = label_smoothing

    def subnet_loss(self, logits: Tensor, labels: Tensor,
                    teacher_logits: Optional[Tensor],
                    is_teacher_pass: bool) -> Dict[str, Tensor]:
        return {
            'loss_ce': cross_entropy(logits, labels, self.label_smoothing)
        }

    def extra_repr(self) -> str:
        return f'label_smoothing={self.label_smoothing}'
