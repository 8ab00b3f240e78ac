"""Progressive widening of the sampled range (CVPR 2022 Track 1, 2nd place)."""
import math
from typing import Any, Dict, List, Optional, Tuple

from ...registry import SAMPLERS
from ...spaces import BaseSearchSpace
from .base import BaseArchSampler, check_int


@SAMPLERS.register_module()
class ProgressiveSampler(BaseArchSampler):
    """Start with the largest networks, widen to the whole space by epoch.

    At epoch ``e`` every choice dim keeps its
    ``k = max(1, ceil(len(options) * frac))`` options at the large-network
    end (``options[-k:]``), where
    ``frac = start + (1 - start) * min(e / epochs_to_full, 1)`` and
    ``start = start_fraction``. Codes are uniform within those options.
    The training loop calls :meth:`set_epoch`; the epoch is part of the
    state.

    Args:
        space: An already-built search space.
        start_fraction: Fraction of options kept at epoch 0, in (0, 1].
        epochs_to_full: Epoch from which every option is allowed; 0 allows
            them all from the start.
        seed: Seed of the sampler's generator.
    """

    def __init__(self,
                 space: BaseSearchSpace,
                 start_fraction: float = 0.5,
                 epochs_to_full: int = 10,
                 seed: int = 0) -> None:
        super().__init__(space, seed)
        if isinstance(start_fraction, bool) or \
                not isinstance(start_fraction, (int, float)) or \
                not 0 < start_fraction <= 1:
            raise ValueError('start_fraction must be a number in (0, 1], '
                             f'got {start_fraction!r}')
        self.start_fraction = float(start_fraction)
        self.epochs_to_full = check_int('epochs_to_full', epochs_to_full, 0)
        self.epoch = 0
        self._update()

    def fraction(self, epoch: Optional[int] = None) -> float:
        """Fraction of each dim's options allowed at ``epoch``.

        Args:
            epoch: Epoch index; the current one if ``None``.
        """
        epoch = self.epoch if epoch is None else epoch
        if self.epochs_to_full == 0:
            return 1.0
        progress = min(epoch / self.epochs_to_full, 1.0)
        return self.start_fraction + (1 - self.start_fraction) * progress

    def allowed_options(self) -> List[Tuple[int, ...]]:
        """The options each choice dim may take now, in dim order."""
        return list(self.allowed)

    def _update(self) -> None:
        frac = self.fraction()
        self.allowed = []
        for d in self.dims:
            # the epsilon keeps e.g. 7 * 0.5714285714 from rounding up
            k = max(1, math.ceil(len(d.options) * frac - 1e-9))
            self.allowed.append(tuple(d.options[-k:]))

    def set_epoch(self, epoch: int) -> None:
        """Allow the options of ``epoch``.

        Args:
            epoch: 0-based epoch index.
        """
        self.epoch = check_int('epoch', epoch, 0)
        self._update()

    def _sample(self, num: Optional[int]) -> List[str]:
        return [self._draw(self.allowed) for _ in range(num)]

    def _extra_state(self) -> Dict[str, Any]:
        return dict(epoch=self.epoch)

    def _load_extra_state(self, state: Dict[str, Any]) -> None:
        self.set_epoch(state.get('epoch'))
