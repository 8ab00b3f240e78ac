"""Names and shapes of the official Paddle ResNet weights, and their torch
counterparts in this project's :class:`StaticResNet` / supernet.

Official layout (read from the CVPR 2022 Track 1 demo):

* stem ``blocks.0.conv.weight``, ``blocks.0.bn.{weight,bias,_mean,_variance}``;
* block ``blocks.i.{conv1,bn1,conv2,bn2}`` and, only where the block has a
  projection, ``blocks.i.downsample.0.weight`` (1x1 conv) and
  ``blocks.i.downsample.1.*`` (BN);
* head ``blocks.{N+1}.fc.{weight,bias}``, the weight stored ``[in, out]``.

A standalone network of one code numbers its N active blocks ``1..N``. The
supernet (and the pretrained largest network) uses fixed slots, one per block
slot of the space in stage order (5 + 5 + 8 + 5 = 23 for ResNet48): exactly
the standalone layout of the space's largest code.
"""
from dataclasses import dataclass
from typing import Dict, List, Mapping, Tuple

from ...spaces import BaseSearchSpace, ResNetArch
from .pdparams import PaddleCheckpointError

#: Paddle BN tensor suffix -> torch BN attribute.
BN_NAMES = (('weight', 'weight'), ('bias', 'bias'), ('_mean', 'running_mean'),
            ('_variance', 'running_var'))
#: Prefix of the student network in Paddle (PaddleSlim OFA) training
#: checkpoints, and of the teacher copy they may carry.
STUDENT_PREFIX = 'model.'
TEACHER_PREFIX = 'ofa_teacher_model.model.'


@dataclass(frozen=True)
class ParamSlot:
    """One Paddle tensor and the torch tensor it becomes.

    Args:
        paddle: Paddle name, e.g. ``'blocks.3.bn1._mean'``.
        torch: Torch name in a :class:`StaticResNet`, e.g.
            ``'layers.0.2.bn1.running_mean'``.
        shape: Paddle shape.
        transpose: Paddle stores it transposed (Linear weights).
    """
    paddle: str
    torch: str
    shape: Tuple[int, ...]
    transpose: bool = False


def _conv(paddle: str, torch: str, out_ch: int, in_ch: int,
          kernel: int) -> ParamSlot:
    return ParamSlot(f'{paddle}.weight', f'{torch}.weight',
                     (out_ch, in_ch, kernel, kernel))


def _bn(paddle: str, torch: str, width: int) -> List[ParamSlot]:
    return [ParamSlot(f'{paddle}.{p}', f'{torch}.{t}', (width, ))
            for p, t in BN_NAMES]


def arch_layout(arch: ResNetArch) -> List[ParamSlot]:
    """The Paddle tensors of the standalone network of ``arch``.

    Projections are where :attr:`BlockSpec.needs_projection` puts them (the
    ``'auto'`` shortcut policy of the official networks).

    Args:
        arch: A decoded architecture.

    Returns:
        Every tensor, in the official order.
    """
    stem_kernel = 7 if arch.stem_type == 'imagenet' else 3
    slots = [_conv('blocks.0.conv', 'stem.conv', arch.stem_channels,
                   arch.in_channels, stem_kernel)]
    slots += _bn('blocks.0.bn', 'stem.bn', arch.stem_channels)
    index = 0
    for s, stage in enumerate(arch.stages):
        for b, spec in enumerate(stage):
            index += 1
            p, t = f'blocks.{index}', f'layers.{s}.{b}'
            slots.append(_conv(f'{p}.conv1', f'{t}.conv1', spec.mid_channels,
                               spec.in_channels, 3))
            slots += _bn(f'{p}.bn1', f'{t}.bn1', spec.mid_channels)
            slots.append(_conv(f'{p}.conv2', f'{t}.conv2', spec.out_channels,
                               spec.mid_channels, 3))
            slots += _bn(f'{p}.bn2', f'{t}.bn2', spec.out_channels)
            if spec.needs_projection:
                slots.append(_conv(f'{p}.downsample.0', f'{t}.shortcut.conv',
                                   spec.out_channels, spec.in_channels, 1))
                slots += _bn(f'{p}.downsample.1', f'{t}.shortcut.bn',
                             spec.out_channels)
    head = f'blocks.{index + 1}.fc'
    slots.append(ParamSlot(f'{head}.weight', 'fc.weight',
                           (arch.out_channels, arch.num_classes), True))
    slots.append(ParamSlot(f'{head}.bias', 'fc.bias', (arch.num_classes, )))
    return slots


def max_arch(space: BaseSearchSpace) -> ResNetArch:
    """The largest network of ``space``: its layout is the supernet's."""
    return space.decode(space.max_code())


def select_network(params: Mapping[str, object], path: str,
                   teacher: bool = False) -> Dict[str, object]:
    """The network's tensors of a Paddle file, without training prefixes.

    A plain weights file (no key under ``model.`` or ``ofa_teacher_model.``)
    is the network itself. A training checkpoint holds the trained network
    under ``model.`` and possibly a teacher copy under
    ``ofa_teacher_model.model.``; the teacher copy is ignored unless
    ``teacher`` is set.

    Args:
        params: Flat ``{name: array}`` of the file.
        path: File name for error messages.
        teacher: Take the teacher copy instead of the trained network.

    Raises:
        PaddleCheckpointError: If ``teacher`` is set and there is no teacher
            copy, or a training checkpoint has a key under neither prefix.
    """
    training = any(k.startswith((STUDENT_PREFIX, 'ofa_teacher_model.'))
                   for k in params)
    if not training:
        if teacher:
            raise PaddleCheckpointError(
                f'{path}: no teacher copy (no key starts with '
                f'{TEACHER_PREFIX!r}); this is a plain weights file')
        return dict(params)
    other = [k for k in params
             if not k.startswith((STUDENT_PREFIX, TEACHER_PREFIX))]
    if other:
        raise PaddleCheckpointError(
            f'{path}: training checkpoint with unexpected key {other[0]!r} '
            f'({len(other)} keys under neither {STUDENT_PREFIX!r} nor '
            f'{TEACHER_PREFIX!r})')
    prefix = TEACHER_PREFIX if teacher else STUDENT_PREFIX
    selected = {k[len(prefix):]: v for k, v in params.items()
                if k.startswith(prefix)}
    if not selected:
        raise PaddleCheckpointError(f'{path}: no key starts with {prefix!r}')
    return selected


def layout_errors(params: Mapping[str, object],
                  layout: List[ParamSlot]) -> List[str]:
    """Every missing key, extra key and wrong shape, one message each."""
    expected = {s.paddle: s for s in layout}
    errors = [f'missing key {k!r} (shape {list(s.shape)})'
              for k, s in expected.items() if k not in params]
    errors += [f'unexpected key {k!r}' for k in params if k not in expected]
    for k, slot in expected.items():
        value = params.get(k)
        shape = getattr(value, 'shape', None)
        if value is not None and tuple(shape) != slot.shape:
            errors.append(f'key {k!r} has shape {list(shape)}, expected '
                          f'{list(slot.shape)}')
    return errors


def check_layout(params: Mapping[str, object], layout: List[ParamSlot],
                 path: str, what: str) -> None:
    """Raise :class:`PaddleCheckpointError` unless ``params`` has exactly
    the tensors of ``layout``.

    Args:
        params: The file's network tensors.
        layout: The expected tensors.
        path: File name for the message.
        what: What the layout is, e.g. ``'the supernet layout'``.
    """
    errors = layout_errors(params, layout)
    if errors:
        shown = '; '.join(errors[:8])
        more = f' (and {len(errors) - 8} more)' if len(errors) > 8 else ''
        raise PaddleCheckpointError(
            f'{path} does not match {what}: {shown}{more}')
