"""Common interface of the arch-code codecs."""
import random
from abc import ABCMeta, abstractmethod
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from .arch import ResNetArch
from .errors import ArchCodeError

ChoiceValues = Tuple[Optional[int], ...]


@dataclass(frozen=True)
class ChoiceDim:
    """One independent decision of a search space.

    Args:
        name: Readable name, e.g. ``'stage2.block0.mid'``.
        options: The values this decision can take, ordered from the one
            giving the smallest network to the one giving the largest (so
            ``options[-1]`` belongs to the max arch).
    """
    name: str
    options: Tuple[int, ...]


class BaseSearchSpace(metaclass=ABCMeta):
    """A codec between arch-code strings and ResNet architectures.

    A space is the single place that knows what a code means. Codes map to
    *choice values* (one value per :meth:`choice_dims` entry, ``None`` for a
    decision that the code leaves inactive, e.g. a block beyond the stage
    depth) and to a structured :class:`ResNetArch`.

    Subclasses also describe the supernet geometry that covers every code:
    ``stem_type``, ``in_channels``, ``input_size``, ``num_classes``,
    ``stem_width_options``, ``stage_width_options``, ``stage_depth_options``
    and ``stage_strides``.
    """

    stem_type: str
    in_channels: int
    input_size: int
    num_classes: int
    stem_width_options: Tuple[int, ...]
    stage_width_options: Tuple[Tuple[int, ...], ...]
    stage_depth_options: Tuple[Tuple[int, ...], ...]
    stage_strides: Tuple[int, ...]

    @abstractmethod
    def choice_dims(self) -> List[ChoiceDim]:
        """The independent decisions, in a fixed order."""

    @abstractmethod
    def parse(self, code: str) -> ChoiceValues:
        """Validate ``code`` and return its choice values.

        Raises:
            ArchCodeError: naming the position and reason of the first fault.
        """

    @abstractmethod
    def encode(self, values: Sequence[Optional[int]]) -> str:
        """Build the canonical code for the given choice values."""

    @abstractmethod
    def decode(self, code: str) -> ResNetArch:
        """Validate ``code`` and return the network it denotes."""

    # ----------------------------------------------------------------- helpers
    def validate(self, code: str) -> None:
        """Raise :class:`ArchCodeError` if ``code`` is not valid."""
        self.parse(code)

    def is_valid(self, code: str) -> bool:
        """Whether ``code`` is a valid code of this space."""
        try:
            self.parse(code)
        except ArchCodeError:
            return False
        return True

    def canonical(self, code: str) -> str:
        """The canonical spelling of ``code`` (as :meth:`encode` writes)."""
        return self.encode(self.parse(code))

    def sample(self, rng: Optional[random.Random] = None) -> str:
        """Draw every decision independently and uniformly."""
        rng = rng or random
        return self.encode([rng.choice(d.options) for d in self.choice_dims()])

    def max_code(self) -> str:
        """Code of the largest network (every decision at its maximum)."""
        return self.encode([d.options[-1] for d in self.choice_dims()])

    def min_code(self) -> str:
        """Code of the smallest network (every decision at its minimum)."""
        return self.encode([d.options[0] for d in self.choice_dims()])

    @property
    def max_depths(self) -> Tuple[int, ...]:
        """Largest depth of each stage."""
        return tuple(max(d) for d in self.stage_depth_options)
