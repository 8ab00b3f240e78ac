"""FewShotSupernet: one copy per group, routing, one-shot start, export."""
import random

import pytest
import torch
from mmengine.config import Config

from nasbench_cvpr.engine import NASRunner
from nasbench_cvpr.models import ResNetSupernet, export_subnet
from nasbench_cvpr.models.fewshot import FewShotSupernet
from nasbench_cvpr.registry import MODELS

TINY = dict(type='ResNet48Space', base_channels=(8, 16, 24, 32),
            max_depths=(3, 2, 3, 2), divisor=4, stem_type='cifar',
            num_classes=5, input_size=16)
#: stage-2 depth 2 / stage-0 depth 2 / the rest
PARTITION = dict(type='DepthRulePartition', rules=[{2: (2, )}, {0: (2, )}])


def few_shot(**kwargs):
    return FewShotSupernet(dict(type='ResNetSupernet', space=TINY, **kwargs),
                           PARTITION)


def code_of_group(net, group, rng):
    for _ in range(1000):
        code = net.space.sample(rng)
        if net.group_of(code) == group:
            return code
    raise AssertionError(f'group {group} is empty')


def test_copies_start_equal_and_a_one_shot_state_fills_all():
    torch.manual_seed(0)
    net = few_shot()
    net.init_weights()
    states = [c.state_dict() for c in net.copies]
    for key, value in states[0].items():
        assert all(torch.equal(value, s[key]) for s in states[1:]), key
    one_shot = ResNetSupernet(TINY)
    state = net.adapt_state_dict(one_shot.state_dict())
    net.load_state_dict(state)  # strict: every key of every copy
    one_shot.eval()
    net.eval()
    rng = random.Random(0)
    x = torch.randn(3, 3, 16, 16)
    for group in range(3):
        code = code_of_group(net, group, rng)
        one_shot.set_arch(code)
        net.set_arch(code)
        assert net.active_group == group
        assert torch.equal(one_shot(x), net(x))


def test_a_step_trains_only_its_groups_copy_and_export_reads_it():
    torch.manual_seed(0)
    net = few_shot()
    rng = random.Random(1)
    codes = [code_of_group(net, g, rng) for g in range(3)]
    net.train()
    net.set_arch(codes[1])
    net(torch.randn(4, 3, 16, 16)).sum().backward()
    grads = [c.fc.weight.grad is not None for c in net.copies]
    assert grads == [False, True, False]
    with torch.no_grad():  # make copy 2 recognisable
        net.copies[2].fc.bias.fill_(3.0)
    static = export_subnet(net, codes[2])
    assert torch.equal(static.fc.bias, torch.full_like(static.fc.bias, 3.0))
    static = export_subnet(net, codes[0])
    assert not torch.equal(static.fc.bias,
                           torch.full_like(static.fc.bias, 3.0))


def test_runner_loads_a_one_shot_checkpoint_into_every_copy(tmp_path):
    algo_cfg = dict(type='SupernetAlgorithm',
                    supernet=dict(type='ResNetSupernet', space=TINY),
                    sampler=dict(type='UniformSampler'),
                    data_preprocessor=dict(
                        type='mmpretrain.ClsDataPreprocessor',
                        num_classes=5))
    torch.manual_seed(5)
    one_shot = MODELS.build(algo_cfg)
    path = str(tmp_path / 'one_shot.pth')
    torch.save(dict(state_dict=one_shot.state_dict(), meta=dict()), path)
    few_cfg = dict(algo_cfg, supernet=dict(
        type='FewShotSupernet', supernet=algo_cfg['supernet'],
        partition=PARTITION))
    torch.manual_seed(6)
    runner = NASRunner(model=MODELS.build(few_cfg), work_dir=str(tmp_path),
                       experiment_name='fewshot_load',
                       default_scope='nasbench_cvpr', cfg=Config(dict()))
    runner.load_checkpoint(path)  # complete: no partial load needed
    for g, copy in enumerate(runner.model.supernet.copies):
        for key, value in one_shot.supernet.state_dict().items():
            assert torch.equal(copy.state_dict()[key], value), (g, key)


def test_partitions_of_sampler_and_supernet_must_agree():
    cfg = dict(type='SupernetAlgorithm',
               supernet=dict(type='FewShotSupernet',
                             supernet=dict(type='ResNetSupernet', space=TINY),
                             partition=PARTITION),
               sampler=dict(type='GroupSampler',
                            base=dict(type='UniformSampler'),
                            partition=dict(type='DepthRulePartition',
                                           rules=[{2: (2, )}])))
    with pytest.raises(ValueError, match="partition differs"):
        MODELS.build(cfg)
