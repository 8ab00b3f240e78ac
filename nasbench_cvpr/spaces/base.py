"""Common interface of the arch-code codecs."""
import random
from abc import ABCMeta, abstractmethod
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from .arch import ResNetArch
from .errors import ArchCodeError

ChoiceValues = Tuple[Optional[int], ...]

#: Rules deciding which blocks get a 1x1 conv + BN projection shortcut:
#: ``'stride_or_width'``: where the stride is not 1 or the input and output
#: widths differ (CVPR 2022 ResNet48, torchvision);
#: ``'stage_start_or_width'``: in the first block of every stage (stage 1 at
#: stride 1 included) and elsewhere where the widths differ (CVPR 2021
#: ResNet20, the official definition and the public solutions' counters).
PROJECTION_RULES = ('stride_or_width', 'stage_start_or_width')


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
    and ``stage_strides``, the ``projection_rule`` (one of
    :data:`PROJECTION_RULES`) that :meth:`decode` applies to every block, and
    the ``outer_activation`` of every network built from the space (after
    each residual addition; ``'relu'`` or ``'mish'``), which :meth:`decode`
    writes into the :class:`ResNetArch`.
    """

    stem_type: str
    in_channels: int
    input_size: int
    num_classes: int
    stem_width_options: Tuple[int, ...]
    stage_width_options: Tuple[Tuple[int, ...], ...]
    stage_depth_options: Tuple[Tuple[int, ...], ...]
    stage_strides: Tuple[int, ...]
    projection_rule: str = 'stride_or_width'
    outer_activation: str = 'relu'

    @abstractmethod
    def choice_dims(self) -> List[ChoiceDim]:
        """The independent decisions, in a fixed order."""

    @abstractmethod
    def parse(self, code: str) -> ChoiceValues:
        """Validate ``code`` and return its choice values.

        Raises:
            ArchCodeError: naming the position and reason of the first fault,
                also for a valid code that has no choice values in this
                space's :meth:`choice_dims` (see :meth:`choice_value_sets`).
        """

    @abstractmethod
    def encode(self, values: Sequence[Optional[int]]) -> str:
        """Build the canonical code for the given choice values."""

    @abstractmethod
    def decode(self, code: str) -> ResNetArch:
        """Validate ``code`` and return the network it denotes."""

    # ----------------------------------------------------------------- helpers
    def needs_projection(self, block_index: int, in_channels: int,
                         out_channels: int, stride: int) -> bool:
        """Whether a block has a projection shortcut under this space's
        :attr:`projection_rule` (the ``'auto'`` shortcut policy).

        Args:
            block_index: Position of the block in its stage (0 = first).
            in_channels: Width of the block's input.
            out_channels: Width of the block's output.
            stride: Stride of the block's first conv.
        """
        if self.projection_rule == 'stride_or_width':
            return stride != 1 or in_channels != out_channels
        if self.projection_rule == 'stage_start_or_width':
            return block_index == 0 or in_channels != out_channels
        raise ValueError(f'projection_rule must be one of '
                         f'{list(PROJECTION_RULES)}, got '
                         f'{self.projection_rule!r}')

    def validate(self, code: str) -> None:
        """Raise :class:`ArchCodeError` if ``code`` is not valid.

        Valid means that :meth:`decode` accepts it: the rule is the same
        whatever form :meth:`sample` and :meth:`choice_dims` use (e.g. a
        ResNet48 space built with ``tie_out_channels=True`` accepts untied
        codes here too).
        """
        self.decode(code)

    def is_valid(self, code: str) -> bool:
        """Whether ``code`` is a valid code of this space (see
        :meth:`validate`)."""
        try:
            self.validate(code)
        except ArchCodeError:
            return False
        return True

    def canonical(self, code: str) -> str:
        """The canonical spelling of ``code`` (as :meth:`encode` writes)."""
        return self.encode(self.parse(code))

    def choice_value_sets(self, code: str) -> List[Tuple[int, ...]]:
        """The values each choice dim takes in a valid ``code``.

        Unlike :meth:`parse` this accepts every valid code: where one choice
        dim stands for several digits (a tied dim) and the code gives them
        different values, the dim takes each of them. An inactive dim takes
        none.

        Args:
            code: A valid code of this space.

        Returns:
            One tuple of distinct values per :meth:`choice_dims` entry.
        """
        return [() if v is None else (v, ) for v in self.parse(code)]

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
