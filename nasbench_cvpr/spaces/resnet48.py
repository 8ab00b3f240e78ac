"""CVPR 2022 Track 1 ResNet48 search space.

Code layout (51 characters; files carry 52 with a leading image-size code):

* digits 0-3: depth of stages 1-4 (ranges 2-5, 2-5, 2-8, 2-5);
* digit 4: stem width ratio code;
* then one (conv1, conv2) ratio-code pair per block slot, 5 + 5 + 8 + 5 slots;
  conv1 sets the block's middle width, conv2 its output width; slots beyond
  the stage depth are ``"00"``.

Ratio codes 1..7 mean width multipliers 1.0, 0.95, ..., 0.7 of the stage's
base channels, rounded with :func:`make_divisible`. Source: the official
challenge demo; see README for the worked example.
"""
from typing import Dict, List, Optional, Sequence, Tuple

from ..registry import SEARCH_SPACES
from .arch import BlockSpec, ResNetArch, check_outer_activation
from .base import BaseSearchSpace, ChoiceDim, ChoiceValues
from .errors import ArchCodeError

DEFAULT_RATIOS = (1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7)


def make_divisible(value: float, divisor: int) -> int:
    """Round ``value`` to a multiple of ``divisor``, losing at most 10%."""
    new_value = max(divisor, int(value + divisor / 2) // divisor * divisor)
    if new_value < 0.9 * value:
        new_value += divisor
    return new_value


@SEARCH_SPACES.register_module()
class ResNet48Space(BaseSearchSpace):
    """Codec of the CVPR 2022 ResNet48 space, with size knobs.

    Args:
        base_channels: Full width of each stage; the stem uses the first.
        max_depths: Largest depth of each stage (at most 9: one digit).
        min_depth: Smallest depth of every stage.
        ratios: Width multipliers of ratio codes 1, 2, ...
        divisor: Channel rounding divisor.
        stem_type: ``'imagenet'`` or ``'cifar'``.
        num_classes: Classifier outputs.
        input_size: Input side in pixels.
        image_size_codes: Accepted leading characters of 52-character codes.
        tie_out_channels: Sample (and enumerate choice dims) like the
            challenge file: every block of a stage shares its output ratio,
            stage 1's equals the stem's. It shapes :meth:`sample` and
            :meth:`choice_dims` (hence :meth:`parse`) and nothing else:
            untied codes are valid either way (:meth:`decode`,
            :meth:`validate`, :meth:`canonical`, arch files).
        with_image_size: Whether :meth:`encode` writes the 52-character form.
        in_channels: Channels of the input image.
        outer_activation: Activation after each residual addition of every
            network of the space (``'relu'``, or ``'mish'`` for the CVPR
            2022 3rd place's backbone).
    """

    def __init__(self,
                 base_channels: Sequence[int] = (64, 128, 256, 512),
                 max_depths: Sequence[int] = (5, 5, 8, 5),
                 min_depth: int = 2,
                 ratios: Sequence[float] = DEFAULT_RATIOS,
                 divisor: int = 8,
                 stem_type: str = 'imagenet',
                 num_classes: int = 1000,
                 input_size: int = 224,
                 image_size_codes: Sequence[str] = ('1', ),
                 tie_out_channels: bool = True,
                 with_image_size: bool = True,
                 in_channels: int = 3,
                 outer_activation: str = 'relu') -> None:
        if len(base_channels) != len(max_depths):
            raise ValueError('base_channels and max_depths differ in length: '
                             f'{len(base_channels)} vs {len(max_depths)}')
        if not 1 <= min_depth <= min(max_depths) or max(max_depths) > 9:
            raise ValueError(f'need 1 <= min_depth ({min_depth}) <= every '
                             f'max depth <= 9, got {tuple(max_depths)}')
        if not 1 <= len(ratios) <= 9:
            raise ValueError(f'need 1-9 ratios, got {len(ratios)}')
        if stem_type not in ('imagenet', 'cifar'):
            raise ValueError(f'unknown stem_type {stem_type!r}')
        self.base_channels = tuple(base_channels)
        self.ratios = tuple(ratios)
        self.divisor = divisor
        self.min_depth = min_depth
        self.stem_type = stem_type
        self.num_classes = num_classes
        self.input_size = input_size
        self.in_channels = in_channels
        self.outer_activation = check_outer_activation(outer_activation)
        self.image_size_codes = tuple(image_size_codes)
        self.tie_out_channels = tie_out_channels
        self.with_image_size = with_image_size

        self.num_stages = len(base_channels)
        self.stage_depth_options = tuple(
            tuple(range(min_depth, d + 1)) for d in max_depths)
        self.stage_strides = (1, ) + (2, ) * (self.num_stages - 1)
        # widths[s][r - 1] = channels of stage s under ratio code r
        self.widths: Tuple[Tuple[int, ...], ...] = tuple(
            tuple(make_divisible(c * r, divisor) for r in ratios)
            for c in base_channels)
        self.stem_width_options = tuple(sorted(set(self.widths[0])))
        self.stage_width_options = tuple(
            tuple(sorted(set(w))) for w in self.widths)
        self.code_length = self.num_stages + 1 + 2 * sum(max_depths)
        self._slot_offsets = self._compute_slot_offsets()

    def _compute_slot_offsets(self) -> List[List[int]]:
        offsets, pos = [], self.num_stages + 1
        for depth in self.max_depths:
            offsets.append([pos + 2 * b for b in range(depth)])
            pos += 2 * depth
        return offsets

    # ------------------------------------------------------------- choice dims
    def choice_dims(self) -> List[ChoiceDim]:
        # ratio code 1 is the widest, so it comes last (largest network)
        ratio_codes = tuple(range(len(self.ratios), 0, -1))
        dims = [
            ChoiceDim(f'stage{s}.depth', self.stage_depth_options[s])
            for s in range(self.num_stages)
        ]
        dims.append(ChoiceDim('stem.ratio', ratio_codes))
        if self.tie_out_channels:
            dims += [
                ChoiceDim(f'stage{s}.out_ratio', ratio_codes)
                for s in range(1, self.num_stages)
            ]
        for s, depth in enumerate(self.max_depths):
            for b in range(depth):
                dims.append(ChoiceDim(f'stage{s}.block{b}.mid_ratio',
                                      ratio_codes))
                if not self.tie_out_channels:
                    dims.append(
                        ChoiceDim(f'stage{s}.block{b}.out_ratio',
                                  ratio_codes))
        return dims

    def _digits_from_values(self, values: Sequence[Optional[int]]
                            ) -> Tuple[List[int], int, List[List[Tuple[int, int]]]]:
        dims = self.choice_dims()
        if len(values) != len(dims):
            raise ValueError(f'expected {len(dims)} choice values, '
                             f'got {len(values)}')
        named: Dict[str, Optional[int]] = {
            d.name: v for d, v in zip(dims, values)}
        depths = [named[f'stage{s}.depth'] for s in range(self.num_stages)]
        stem = named['stem.ratio']
        pairs = []
        for s, depth in enumerate(depths):
            stage_pairs = []
            for b in range(depth):
                mid = named[f'stage{s}.block{b}.mid_ratio']
                if self.tie_out_channels:
                    out = stem if s == 0 else named[f'stage{s}.out_ratio']
                else:
                    out = named[f'stage{s}.block{b}.out_ratio']
                stage_pairs.append((mid, out))
            pairs.append(stage_pairs)
        return depths, stem, pairs

    def encode(self, values: Sequence[Optional[int]]) -> str:
        depths, stem, pairs = self._digits_from_values(values)
        chars = [str(d) for d in depths] + [str(stem)]
        for s, depth in enumerate(self.max_depths):
            for b in range(depth):
                mid, out = pairs[s][b] if b < depths[s] else (0, 0)
                chars += [str(mid), str(out)]
        code = ''.join(chars)
        if self.with_image_size:
            code = self.image_size_codes[0] + code
        self.parse(code)  # values outside the options fail here
        return code

    # ------------------------------------------------------------ validation
    def _check_digits(self, code: str
                      ) -> Tuple[int, List[int], int, List[List[Tuple[int, int]]]]:
        """Validate and split a code; returns offset, depths, stem, pairs."""
        if not isinstance(code, str):
            raise ArchCodeError(repr(code), None,
                                f'expected a string, got {type(code).__name__}')
        n = self.code_length
        if len(code) not in (n, n + 1):
            raise ArchCodeError(
                code, None,
                f'expected {n} or {n + 1} characters, got {len(code)}')
        for i, ch in enumerate(code):
            if ch not in '0123456789':
                raise ArchCodeError(code, i, f'non-digit character {ch!r}')
        offset = len(code) - n
        if offset and code[0] not in self.image_size_codes:
            raise ArchCodeError(
                code, 0, f'bad image-size code {code[0]!r}, expected one of '
                f'{list(self.image_size_codes)}')
        depths = []
        for s in range(self.num_stages):
            d = int(code[offset + s])
            options = self.stage_depth_options[s]
            if d not in options:
                raise ArchCodeError(
                    code, offset + s, f'depth of stage {s + 1} must be '
                    f'{options[0]}-{options[-1]}, got {d}')
            depths.append(d)
        n_ratios = len(self.ratios)
        stem_pos = offset + self.num_stages
        stem = int(code[stem_pos])
        if not 1 <= stem <= n_ratios:
            raise ArchCodeError(code, stem_pos,
                                f'bad stem ratio digit {stem}, expected '
                                f'1-{n_ratios}')
        pairs = []
        for s, depth in enumerate(depths):
            stage_pairs = []
            for b, slot in enumerate(self._slot_offsets[s]):
                for k, what in ((0, 'conv1'), (1, 'conv2')):
                    pos = offset + slot + k
                    digit = int(code[pos])
                    if b >= depth and digit != 0:
                        raise ArchCodeError(
                            code, pos, f'non-zero padding {digit} in inactive '
                            f'slot {b + 1} of stage {s + 1} (depth {depth})')
                    if b < depth and digit == 0:
                        raise ArchCodeError(
                            code, pos, f'0 in active slot {b + 1} of stage '
                            f'{s + 1} ({what}); ratio digits are 1-{n_ratios}')
                    if b < depth and digit > n_ratios:
                        raise ArchCodeError(
                            code, pos, f'bad ratio digit {digit} ({what}), '
                            f'expected 1-{n_ratios}')
                if b < depth:
                    stage_pairs.append((int(code[offset + slot]),
                                        int(code[offset + slot + 1])))
            pairs.append(stage_pairs)
        return offset, depths, stem, pairs

    def is_tied(self, code: str) -> bool:
        """Whether every block of a stage shares its conv2 ratio code and
        stage 1's equals the stem's (the form of the challenge file)."""
        _, _, stem, pairs = self._check_digits(code)
        return all(
            len({out for _, out in stage_pairs} | ({stem} if s == 0 else set()))
            == 1 for s, stage_pairs in enumerate(pairs))

    def parse(self, code: str) -> ChoiceValues:
        offset, depths, stem, pairs = self._check_digits(code)
        values: List[Optional[int]] = list(depths) + [stem]
        if self.tie_out_channels:
            for s in range(self.num_stages):
                outs = {out for _, out in pairs[s]}
                if s == 0:
                    outs.add(stem)
                if len(outs) != 1:
                    raise ArchCodeError(
                        code, None, f'a valid but untied code (stage {s + 1} '
                        f'has conv2 ratios {sorted(outs)}) has no choice '
                        'values in a space whose choice dims tie them '
                        '(tie_out_channels=True); use choice_value_sets()')
            values += [pairs[s][0][1] for s in range(1, self.num_stages)]
        for s, depth in enumerate(self.max_depths):
            for b in range(depth):
                active = b < depths[s]
                values.append(pairs[s][b][0] if active else None)
                if not self.tie_out_channels:
                    values.append(pairs[s][b][1] if active else None)
        return tuple(values)

    def choice_value_sets(self, code: str) -> List[Tuple[int, ...]]:
        """See :meth:`BaseSearchSpace.choice_value_sets`. With
        ``tie_out_channels=True`` a stage's ``out_ratio`` takes every conv2
        digit of the stage, and ``stem.ratio`` the stem digit and every
        conv2 digit of stage 1 (which it sets when sampling)."""
        if not self.tie_out_channels:
            return super().choice_value_sets(code)
        _, depths, stem, pairs = self._check_digits(code)

        def outs(s: int) -> set:
            return {out for _, out in pairs[s]}

        sets: List[Tuple[int, ...]] = [(d, ) for d in depths]
        sets.append(tuple(sorted(outs(0) | {stem})))
        sets += [tuple(sorted(outs(s))) for s in range(1, self.num_stages)]
        for s, depth in enumerate(self.max_depths):
            sets += [(pairs[s][b][0], ) if b < depths[s] else ()
                     for b in range(depth)]
        return sets

    def canonical(self, code: str) -> str:
        """The canonical spelling of any valid code, tied or untied: the
        52-character form with the first image-size code if
        ``with_image_size``, else the 51-character form."""
        offset, _, _, _ = self._check_digits(code)
        body = code[offset:]
        return self.image_size_codes[0] + body if self.with_image_size \
            else body

    def width_ratios(self, code: str
                     ) -> Tuple[float, List[List[Tuple[float, float]]]]:
        """The width ratio of every conv of ``code``, as its digits say.

        Widths alone do not tell the ratio: rounding to the divisor can give
        several ratios the same width (e.g. 0.8, 0.75 and 0.7 of 64 are all
        48).

        Args:
            code: A valid code (tied or untied).

        Returns:
            ``(stem ratio, [[(mid ratio, out ratio) per active block] per
            stage])``.
        """
        _, _, stem, pairs = self._check_digits(code)
        return self.ratios[stem - 1], [
            [(self.ratios[mid - 1], self.ratios[out - 1])
             for mid, out in stage_pairs] for stage_pairs in pairs]

    def decode(self, code: str) -> ResNetArch:
        _, _, stem, pairs = self._check_digits(code)
        stem_channels = self.widths[0][stem - 1]
        in_ch = stem_channels
        stages = []
        for s, stage_pairs in enumerate(pairs):
            blocks = []
            for b, (mid, out) in enumerate(stage_pairs):
                out_ch = self.widths[s][out - 1]
                stride = self.stage_strides[s] if b == 0 else 1
                block = BlockSpec(in_ch, self.widths[s][mid - 1], out_ch,
                                  stride, self.needs_projection(
                                      b, in_ch, out_ch, stride))
                blocks.append(block)
                in_ch = block.out_channels
            stages.append(tuple(blocks))
        return ResNetArch(self.stem_type, stem_channels, tuple(stages),
                          self.num_classes, self.input_size, self.in_channels,
                          self.outer_activation)
