"""Per-subnet input sides (the CVPR 2022 4th place's 128-224): the largest
subnet at the largest side, the smallest at the smallest, the others drawn
reproducibly, resumable through the train state."""
import random

import pytest
import torch
from mmengine.optim import OptimWrapper
from mmpretrain.structures import DataSample

from nasbench_cvpr.registry import MODELS

TINY = dict(type='ResNet48Space', base_channels=(8, 16, 24, 32),
            max_depths=(2, 2, 3, 2), divisor=4, stem_type='cifar',
            num_classes=5, input_size=16)


def build(**kwargs):
    return MODELS.build(dict(
        type='SupernetAlgorithm',
        supernet=dict(type='ResNetSupernet', space=TINY),
        sampler=dict(type='SandwichSampler', n=4),
        distiller=dict(type='InplaceDistiller'),
        data_preprocessor=dict(type='mmpretrain.ClsDataPreprocessor',
                               num_classes=5), **kwargs))


def batch():
    return dict(inputs=[torch.randint(0, 255, (3, 16, 16),
                                      dtype=torch.uint8) for _ in range(4)],
                data_samples=[DataSample().set_gt_label(i % 5)
                              for i in range(4)])


def test_each_subnet_sees_its_side():
    torch.manual_seed(0)
    algo = build(input_resolutions=[8, 12, 16])
    seen = []
    hook = algo.supernet.stem.register_forward_pre_hook(
        lambda module, args: seen.append(args[0].shape[-1]))
    wrapper = OptimWrapper(torch.optim.SGD(algo.parameters(), lr=0.01))
    algo.train_step(batch(), wrapper)
    hook.remove()
    # sandwich: max (teacher) first, then min and 2 random codes
    assert seen[0] == 16 and 8 in seen[1:] and len(seen) == 4
    assert set(seen) <= {8, 12, 16}
    # the drawn sides come from the saved generator: a copy repeats them
    state = algo.train_state()
    again = build(input_resolutions=[8, 12, 16])
    again.load_train_state(state)
    space = algo.space
    rng = random.Random(1)
    codes = [space.sample(rng) for _ in range(6)]
    assert algo.step_resolutions(codes) == again.step_resolutions(codes)


def test_without_resolutions_nothing_is_resized_or_drawn():
    algo = build()
    assert algo.resolution_rng is None
    assert 'resolution_rng' not in algo.train_state()
    x = torch.randn(2, 3, 16, 16)
    assert algo.resize(x, None) is x
    assert algo.resize(x, 8).shape[-1] == 8
    with pytest.raises(ValueError, match='input_resolutions'):
        build(input_resolutions=[0, 16])
