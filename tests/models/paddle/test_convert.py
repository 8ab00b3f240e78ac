"""Official Paddle weights in: layout, conversion, subnets, errors."""
import random

import numpy as np
import pytest
import torch

from nasbench_cvpr.models import (ResNetSupernet, StandaloneResNet,
                                  export_subnet)
from nasbench_cvpr.models.checkpoint_files import (load_standalone_resnet,
                                                   read_standalone_checkpoint)
from nasbench_cvpr.models.distillers import load_teacher_checkpoint
from nasbench_cvpr.models.paddle import (PaddleCheckpointError, arch_layout,
                                         convert_paddle_weights,
                                         convert_pdparams_file, max_arch)
from nasbench_cvpr.spaces import ResNet48Space

from .fakes import (paddle_arrays, reference_logits, slice_supernet,
                    slotted_space, write_pdparams)

SPACE_CFG = dict(type='ResNet48Space', base_channels=[16, 24, 32, 40],
                 divisor=4, num_classes=10, input_size=32,
                 tie_out_channels=False)


def strides(arch):
    return [b.stride for b in arch.blocks]


def inputs():
    g = torch.Generator().manual_seed(0)
    return torch.randn(2, 3, 32, 32, generator=g)


def close(a, b):
    scale = float(b.abs().max())
    return float((a - b).abs().max()) <= 1e-5 * max(1.0, scale)


@pytest.fixture(scope='module')
def supernet_file(tmp_path_factory):
    space = slotted_space()
    params = paddle_arrays(max_arch(space), seed=1)
    path = tmp_path_factory.mktemp('paddle') / 'supernet.pdparams'
    write_pdparams(path, params)
    return space, params, path


def test_resnet48_layout_is_the_official_one():
    layout = arch_layout(max_arch(ResNet48Space()))
    names = {s.paddle for s in layout}
    blocks = {int(n.split('.')[1]) for n in names}
    assert blocks == set(range(25))
    assert {int(n.split('.')[1]) for n in names if 'downsample' in n} == \
        {6, 11, 19}
    assert {'blocks.24.fc.weight', 'blocks.24.fc.bias',
            'blocks.0.conv.weight', 'blocks.0.bn._variance',
            'blocks.19.downsample.1._mean'} <= names
    shapes = {s.paddle: s.shape for s in layout}
    assert shapes['blocks.24.fc.weight'] == (512, 1000)  # Paddle [in, out]
    assert shapes['blocks.0.conv.weight'] == (64, 3, 7, 7)
    # conv + BN affine + FC: the official count of the largest network
    assert sum(int(np.prod(s.shape)) for s in layout
               if not s.paddle.endswith(('_mean', '_variance'))) == 34043688


def test_converted_supernet_subnets_give_the_paddle_logits(supernet_file,
                                                           tmp_path):
    space, params, path = supernet_file
    out = tmp_path / 'supernet.pth'
    convert_pdparams_file(str(path), str(out), SPACE_CFG)
    ckpt = torch.load(out, map_location='cpu', weights_only=True)
    state = {k[len('supernet.'):]: v for k, v in ckpt['state_dict'].items()}
    assert all(k.startswith('supernet.') for k in ckpt['state_dict'])
    supernet = ResNetSupernet(slotted_space(False))
    missing, unexpected = supernet.load_state_dict(state, strict=False)
    assert unexpected == []
    # only mutable masks and the projections the largest net does not have
    tensors = [k for k in missing if not k.endswith('.mask')]
    assert tensors and all('.shortcut.' in k for k in tensors)
    assert not [k for k in tensors if k.startswith(('layers.1.0.',
                                                    'layers.2.0.',
                                                    'layers.3.0.'))]
    rng = random.Random(0)
    codes = [space.max_code(), space.min_code()] + [space.sample(rng)
                                                   for _ in range(3)]
    x = inputs()
    for code in codes:
        net = export_subnet(supernet, code).eval()
        expected = reference_logits(slice_supernet(params, space, code),
                                    strides(space.decode(code)), x)
        with torch.no_grad():
            assert close(net(x), expected), code


def test_standalone_file_of_an_untied_code(tmp_path):
    space = slotted_space(False)
    code = space.sample(random.Random(5))
    arch = space.decode(code)
    assert sum(b.needs_projection for b in arch.blocks) > 3  # untied
    params = paddle_arrays(arch, seed=2)
    src, out = tmp_path / 'net.pdparams', tmp_path / 'net.pth'
    write_pdparams(src, params)
    converted = convert_pdparams_file(str(src), str(out), SPACE_CFG,
                                      arch=code)
    assert converted.source_kind == 'standalone'
    net = load_standalone_resnet(str(out)).eval()
    _, meta = read_standalone_checkpoint(str(out))
    assert meta['arch'] == code
    with torch.no_grad():
        assert close(net(inputs()), reference_logits(params, strides(arch),
                                                     inputs()))


def test_standalone_cut_from_supernet_and_missing_projection(supernet_file,
                                                             tmp_path):
    space, params, path = supernet_file
    code = space.sample(random.Random(7))
    out = tmp_path / 'sub.pth'
    converted = convert_pdparams_file(str(path), str(out), SPACE_CFG,
                                      arch=code)
    assert converted.source_kind == 'supernet'
    net = load_standalone_resnet(str(out)).eval()
    expected = reference_logits(slice_supernet(params, space, code),
                                strides(space.decode(code)), inputs())
    with torch.no_grad():
        assert close(net(inputs()), expected)
    # stage 1 output width != stem width: a projection at slot 1, which the
    # Paddle supernet does not have
    top = space.max_code()
    untied = top[:7] + '7' + top[8:]  # slot 1 conv2 ratio 0.7: 12 of 16
    assert space.decode(untied).blocks[0].needs_projection
    with pytest.raises(PaddleCheckpointError, match=r'layers\.0\.0'):
        convert_paddle_weights(params, slotted_space(False), 'supernet',
                               untied)


def test_largest_network_serves_as_teacher(supernet_file, tmp_path):
    space, params, path = supernet_file
    out = tmp_path / 'pretrained.pth'
    convert_pdparams_file(str(path), str(out), SPACE_CFG)
    teacher = StandaloneResNet(SPACE_CFG, space.max_code())
    assert load_teacher_checkpoint(teacher, str(out)) == 'supernet.'
    with torch.no_grad():
        assert close(teacher.eval()(inputs()),
                     reference_logits(params, strides(max_arch(space)),
                                      inputs()))


@pytest.mark.parametrize('protocol,as_tuples', [(2, False), (4, True)])
def test_training_checkpoint_student_and_teacher(tmp_path, protocol,
                                                 as_tuples):
    space = slotted_space()
    student = paddle_arrays(max_arch(space), seed=3)
    teacher = paddle_arrays(max_arch(space), seed=4)
    mixed = {f'model.{k}': v for k, v in student.items()}
    mixed.update({f'ofa_teacher_model.model.{k}': v
                  for k, v in teacher.items()})
    src = tmp_path / 'train.pdparams'
    write_pdparams(src, mixed, protocol, as_tuples)
    for take_teacher, arrays in ((False, student), (True, teacher)):
        out = tmp_path / f'{take_teacher}.pth'
        convert_pdparams_file(str(src), str(out), SPACE_CFG,
                              teacher=take_teacher)
        state = torch.load(out, weights_only=True)['state_dict']
        assert torch.equal(state['supernet.fc.weight'],
                           torch.from_numpy(arrays['blocks.24.fc.weight']).t())
        assert torch.equal(state['supernet.layers.2.7.bn2.running_var'],
                           torch.from_numpy(arrays['blocks.18.bn2._variance']))


def test_every_missing_extra_or_misshapen_key_is_named(supernet_file):
    space, params, _ = supernet_file
    bad = dict(params)
    del bad['blocks.7.bn1._mean']
    bad['blocks.7.extra.weight'] = np.zeros(3, np.float32)
    bad['blocks.24.fc.weight'] = bad['blocks.24.fc.weight'].T
    with pytest.raises(PaddleCheckpointError) as info:
        convert_paddle_weights(bad, space, 'supernet', path='x.pdparams')
    message = str(info.value)
    assert 'x.pdparams' in message
    assert "missing key 'blocks.7.bn1._mean'" in message
    assert "unexpected key 'blocks.7.extra.weight'" in message
    assert "'blocks.24.fc.weight' has shape [10, 40]" in message
    # a standalone file read with the wrong code
    code = space.sample(random.Random(1))
    with pytest.raises(PaddleCheckpointError, match='standalone layout'):
        convert_paddle_weights(paddle_arrays(space.decode(code)), space,
                               'standalone', space.min_code())
