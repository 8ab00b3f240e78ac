"""CVPR 2021 Track 1 ResNet20 (CIFAR-100) search space.

A code is 20 channel numbers joined by ``-``. Positions (0-based):

* 0: stem conv (3x3, stride 1) output width;
* 1-6: stage 1, blocks 1-3, as (conv1 width, conv2 width) pairs;
* 7-12: stage 2 (the first conv has stride 2);
* 13-18: stage 3 (the first conv has stride 2);
* 19: present in every challenge code, drawn from the stage-3 choices, but
  with no effect on the network: the classifier maps position 18's width to
  the classes. (Public solutions' supernets and parameter counters, e.g. the
  3rd-place ``get_param``, read only positions 0-18.)

Choices: positions 0-6 from {4, 8, 12, 16}; 7-12 from {4, ..., 32};
13-19 from {4, ..., 64} (step 4), i.e. multiples of ``step`` up to the stage's
base width. A block's input is the previous conv2 (or the stem).

Shortcuts follow the official definition (the official-style Paddle
standalone network and the 3rd place's ``get_param``): a 1x1 conv + BN
projection in the **first block of every stage**, stage 1 at stride 1
included, and elsewhere only where the block's input and output widths differ
(``projection_rule='stage_start_or_width'``). This differs from the ResNet48
rule (stride != 1 or widths differ) exactly when position 0 equals position
2: stage 1's first block then still has its projection.
"""
from typing import List, Optional, Sequence, Tuple

from ..registry import SEARCH_SPACES
from .arch import BlockSpec, ResNetArch, check_outer_activation
from .base import PROJECTION_RULES, BaseSearchSpace, ChoiceDim, ChoiceValues
from .errors import ArchCodeError


@SEARCH_SPACES.register_module()
class ResNet20Space(BaseSearchSpace):
    """Codec of the CVPR 2021 ResNet20 channel space, with size knobs.

    Args:
        base_channels: Largest width of each stage (16, 32, 64 officially).
        blocks_per_stage: BasicBlocks per stage (3 for ResNet20).
        step: Width granularity; choices are ``step, 2*step, ..., base``.
        stem_type: ``'cifar'`` (official) or ``'imagenet'``.
        num_classes: Classifier outputs.
        input_size: Input side in pixels.
        separator: Character between the numbers.
        in_channels: Channels of the input image.
        projection_rule: Which blocks get a projection shortcut, one of
            :data:`~nasbench_cvpr.spaces.base.PROJECTION_RULES`; the default
            is the official ResNet20 rule.
        outer_activation: Activation after each residual addition
            (``'relu'`` or ``'mish'``).
    """

    def __init__(self,
                 base_channels: Sequence[int] = (16, 32, 64),
                 blocks_per_stage: int = 3,
                 step: int = 4,
                 stem_type: str = 'cifar',
                 num_classes: int = 100,
                 input_size: int = 32,
                 separator: str = '-',
                 in_channels: int = 3,
                 projection_rule: str = 'stage_start_or_width',
                 outer_activation: str = 'relu') -> None:
        if projection_rule not in PROJECTION_RULES:
            raise ValueError(f'projection_rule must be one of '
                             f'{list(PROJECTION_RULES)}, got '
                             f'{projection_rule!r}')
        if any(c % step for c in base_channels):
            raise ValueError(f'base_channels {tuple(base_channels)} must be '
                             f'multiples of step {step}')
        if stem_type not in ('imagenet', 'cifar'):
            raise ValueError(f'unknown stem_type {stem_type!r}')
        self.base_channels = tuple(base_channels)
        self.blocks_per_stage = blocks_per_stage
        self.step = step
        self.stem_type = stem_type
        self.num_classes = num_classes
        self.input_size = input_size
        self.separator = separator
        self.in_channels = in_channels
        self.projection_rule = projection_rule
        self.outer_activation = check_outer_activation(outer_activation)
        self.num_stages = len(base_channels)
        self.stage_width_options = tuple(
            tuple(range(step, c + 1, step)) for c in base_channels)
        self.stem_width_options = self.stage_width_options[0]
        self.stage_depth_options = tuple(
            (blocks_per_stage, ) for _ in base_channels)
        self.stage_strides = (1, ) + (2, ) * (self.num_stages - 1)
        per_stage = 2 * blocks_per_stage
        # options of each position: stem, then the stages, then the unused one
        self.position_options: Tuple[Tuple[int, ...], ...] = (
            (self.stem_width_options, ) + tuple(
                opts for opts in self.stage_width_options
                for _ in range(per_stage)) + (self.stage_width_options[-1], ))
        self.num_positions = len(self.position_options)

    def choice_dims(self) -> List[ChoiceDim]:
        names = ['stem']
        for s in range(self.num_stages):
            for b in range(self.blocks_per_stage):
                names += [f'stage{s}.block{b}.mid', f'stage{s}.block{b}.out']
        names.append('unused')
        return [ChoiceDim(n, o) for n, o in zip(names, self.position_options)]

    def parse(self, code: str) -> ChoiceValues:
        if not isinstance(code, str):
            raise ArchCodeError(repr(code), None,
                                f'expected a string, got {type(code).__name__}')
        tokens = code.split(self.separator)
        if len(tokens) != self.num_positions:
            raise ArchCodeError(
                code, None, f'expected {self.num_positions} numbers joined by '
                f'{self.separator!r}, got {len(tokens)}')
        values, pos = [], 0
        for i, (token, options) in enumerate(zip(tokens,
                                                 self.position_options)):
            if not token.isdigit() or not token.isascii():
                bad = next((k for k, ch in enumerate(token)
                            if ch not in '0123456789'), 0)
                what = f'character {token[bad]!r}' if token else 'empty number'
                raise ArchCodeError(code, pos + bad,
                                    f'number {i} is not an integer: {what}')
            value = int(token)
            if value not in options:
                raise ArchCodeError(
                    code, pos, f'number {i} must be one of {list(options)}, '
                    f'got {value}')
            values.append(value)
            pos += len(token) + len(self.separator)
        return tuple(values)

    def encode(self, values: Sequence[Optional[int]]) -> str:
        if len(values) != self.num_positions:
            raise ValueError(f'expected {self.num_positions} choice values, '
                             f'got {len(values)}')
        code = self.separator.join(str(v) for v in values)
        self.parse(code)
        return code

    def decode(self, code: str) -> ResNetArch:
        values = self.parse(code)
        in_ch = values[0]
        stages, pos = [], 1
        for s in range(self.num_stages):
            blocks = []
            for b in range(self.blocks_per_stage):
                mid, out = values[pos], values[pos + 1]
                pos += 2
                stride = self.stage_strides[s] if b == 0 else 1
                blocks.append(BlockSpec(
                    in_ch, mid, out, stride,
                    self.needs_projection(b, in_ch, out, stride)))
                in_ch = out
            stages.append(tuple(blocks))
        return ResNetArch(self.stem_type, values[0], tuple(stages),
                          self.num_classes, self.input_size, self.in_channels,
                          self.outer_activation)
