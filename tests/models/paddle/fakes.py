"""Paddle-format weights written the way Paddle does (plain pickles of numpy
arrays), and an independent functional forward pass of the official
network over such arrays (Paddle names, [in, out] Linear weights)."""
import pickle
from typing import Dict, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from nasbench_cvpr.spaces import ResNet48Space, ResNetArch

STRUCTURED = 'StructuredToParameterName@@'


def slotted_space(tie_out_channels: bool = True) -> ResNet48Space:
    """A small ImageNet-stem space with ResNet48's slot structure (5+5+8+5
    slots, projections at slots 6, 11 and 19, head at 24)."""
    return ResNet48Space(base_channels=(16, 24, 32, 40), divisor=4,
                         num_classes=10, input_size=32,
                         tie_out_channels=tie_out_channels)


def paddle_arrays(arch: ResNetArch, seed: int = 0) -> Dict[str, np.ndarray]:
    """Random weights of the standalone network of ``arch`` in the official
    layout (blocks numbered consecutively); for the largest code this is
    also the supernet / pretrained layout."""
    rng = np.random.default_rng(seed)
    params = {}

    def conv(name, out_ch, in_ch, k):
        params[f'{name}.weight'] = (rng.standard_normal(
            (out_ch, in_ch, k, k)) * np.sqrt(2 / (in_ch * k * k))).astype(
                np.float32)

    def bn(name, c):
        params[f'{name}.weight'] = (1 + 0.1 * rng.standard_normal(c)).astype(
            np.float32)
        params[f'{name}.bias'] = (0.1 * rng.standard_normal(c)).astype(
            np.float32)
        params[f'{name}._mean'] = (0.1 * rng.standard_normal(c)).astype(
            np.float32)
        params[f'{name}._variance'] = rng.uniform(0.5, 2.0, c).astype(
            np.float32)

    conv('blocks.0.conv', arch.stem_channels, arch.in_channels,
         7 if arch.stem_type == 'imagenet' else 3)
    bn('blocks.0.bn', arch.stem_channels)
    i = 0
    for spec in arch.blocks:
        i += 1
        conv(f'blocks.{i}.conv1', spec.mid_channels, spec.in_channels, 3)
        bn(f'blocks.{i}.bn1', spec.mid_channels)
        conv(f'blocks.{i}.conv2', spec.out_channels, spec.mid_channels, 3)
        bn(f'blocks.{i}.bn2', spec.out_channels)
        if spec.needs_projection:
            conv(f'blocks.{i}.downsample.0', spec.out_channels,
                 spec.in_channels, 1)
            bn(f'blocks.{i}.downsample.1', spec.out_channels)
    params[f'blocks.{i + 1}.fc.weight'] = (0.1 * rng.standard_normal(
        (arch.out_channels, arch.num_classes))).astype(np.float32)
    params[f'blocks.{i + 1}.fc.bias'] = (0.1 * rng.standard_normal(
        arch.num_classes)).astype(np.float32)
    return params


def write_pdparams(path, params: Dict[str, np.ndarray], protocol: int = 4,
                   as_tuples: bool = False) -> None:
    """Pickle like ``paddle.save``: arrays (or ``(name, array)`` tuples)
    plus the structured-name table."""
    names = {k: f'param_{n}' for n, k in enumerate(params)}
    obj = {k: (names[k], v) if as_tuples else v for k, v in params.items()}
    obj[STRUCTURED] = names
    with open(path, 'wb') as f:
        pickle.dump(obj, f, protocol=protocol)


def slice_supernet(params: Dict[str, np.ndarray], space: ResNet48Space,
                   code: str) -> Dict[str, np.ndarray]:
    """The standalone-layout arrays of ``code`` cut from fixed-slot
    supernet arrays: leading channels of the active slots."""
    arch = space.decode(code)
    out = {}

    def cut(src, dst, shape):
        out[dst] = params[src][tuple(slice(0, n) for n in shape)]

    def conv_bn(src, dst, conv, bn, out_ch, in_ch, k):
        cut(f'{src}.{conv}.weight', f'{dst}.{conv}.weight',
            (out_ch, in_ch, k, k))
        for t in ('weight', 'bias', '_mean', '_variance'):
            cut(f'{src}.{bn}.{t}', f'{dst}.{bn}.{t}', (out_ch, ))

    conv_bn('blocks.0', 'blocks.0', 'conv', 'bn', arch.stem_channels,
            arch.in_channels, 7)
    i, first_slot = 0, 1
    for s, stage in enumerate(arch.stages):
        for b, spec in enumerate(stage):
            i += 1
            src, dst = f'blocks.{first_slot + b}', f'blocks.{i}'
            conv_bn(src, dst, 'conv1', 'bn1', spec.mid_channels,
                    spec.in_channels, 3)
            conv_bn(src, dst, 'conv2', 'bn2', spec.out_channels,
                    spec.mid_channels, 3)
            if spec.needs_projection:
                conv_bn(src, dst, 'downsample.0', 'downsample.1',
                        spec.out_channels, spec.in_channels, 1)
        first_slot += space.max_depths[s]
    head = f'blocks.{first_slot}.fc'
    cut(f'{head}.weight', f'blocks.{i + 1}.fc.weight',
        (arch.out_channels, arch.num_classes))
    cut(f'{head}.bias', f'blocks.{i + 1}.fc.bias', (arch.num_classes, ))
    return out


def reference_logits(params: Dict[str, np.ndarray], strides: Sequence[int],
                     x: torch.Tensor) -> torch.Tensor:
    """The official standalone network (ImageNet stem) over Paddle-named
    arrays, written with torch.nn.functional only."""
    def t(name):
        return torch.from_numpy(np.ascontiguousarray(params[name]))

    def bn(x, name):
        return F.batch_norm(x, t(f'{name}._mean'), t(f'{name}._variance'),
                            t(f'{name}.weight'), t(f'{name}.bias'), False,
                            0.0, 1e-5)

    x = F.relu(bn(F.conv2d(x, t('blocks.0.conv.weight'), None, 2, 3),
                  'blocks.0.bn'))
    x = F.max_pool2d(x, 3, 2, 1)
    for i, stride in enumerate(strides, 1):
        p = f'blocks.{i}'
        out = F.relu(bn(F.conv2d(x, t(f'{p}.conv1.weight'), None, stride, 1),
                        f'{p}.bn1'))
        out = bn(F.conv2d(out, t(f'{p}.conv2.weight'), None, 1, 1),
                 f'{p}.bn2')
        if f'{p}.downsample.0.weight' in params:
            x = bn(F.conv2d(x, t(f'{p}.downsample.0.weight'), None, stride),
                   f'{p}.downsample.1')
        x = F.relu(out + x)
    x = x.mean(dim=(2, 3))
    head = f'blocks.{len(strides) + 1}.fc'
    return x @ t(f'{head}.weight') + t(f'{head}.bias')
