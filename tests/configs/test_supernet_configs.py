"""Every config in configs/supernet builds its model and runs one step."""
import glob
import os

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmpretrain.structures import DataSample

from nasbench_cvpr.registry import MODELS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
CONFIGS = sorted(glob.glob(os.path.join(ROOT, 'configs', 'supernet', '*.py')))
TINY48 = dict(type='ResNet48Space', base_channels=(8, 16, 24, 32),
              max_depths=(2, 2, 3, 2), divisor=4, stem_type='cifar',
              num_classes=5, input_size=16)
TINY20 = dict(type='ResNet20Space', base_channels=(8, 16, 32), num_classes=5,
              input_size=16)


def shrink(model_cfg, tmp_path):
    """Tiny space, small sandwich; a saved teacher for fixed-teacher KD;
    two views and a short queue for contrastive pre-training."""
    supernet = model_cfg['supernet']
    if supernet['type'] == 'FewShotSupernet':  # the copies' config
        supernet = supernet['supernet']
    space_type = supernet['space']['type']
    tiny = TINY48 if space_type == 'ResNet48Space' else TINY20
    supernet['space'] = tiny
    if model_cfg['type'] == 'ContrastivePretrainAlgorithm':
        # the step below feeds one view; make the second one by a flip
        from mmpretrain.models import ClsDataPreprocessor

        class TwoViews(ClsDataPreprocessor):
            def forward(self, data, training=False):
                data = super().forward(data, training)
                x = data['inputs']
                return dict(data, inputs=[x, x.flip(-1)])

        model_cfg['data_preprocessor'] = dict(type=TwoViews)
        model_cfg['queue_size'] = 16
        return model_cfg
    model_cfg['data_preprocessor'] = dict(
        type='mmpretrain.ClsDataPreprocessor', num_classes=5)
    sampler = model_cfg['sampler']
    if sampler['type'] == 'GroupSampler':  # draws from its base sampler
        sampler = sampler['base']
    if sampler['type'] == 'SandwichSampler':
        sampler['n'] = 3
    if sampler['type'] == 'BiasedSizeSampler':
        sampler['num_candidates'] = 8
    if 'arch_file' in sampler or model_cfg.get('sampling_space'):
        # a target arch file of the tiny space (the ResNet48 presets do not
        # fit it)
        import json
        import random

        from nasbench_cvpr.spaces import build_space
        space = build_space(dict(tiny))
        rng = random.Random(0)
        path = tmp_path / 'target.json'
        path.write_text(json.dumps({f'arch{i}': dict(arch=space.sample(rng))
                                    for i in range(300)}))
        if 'arch_file' in sampler:
            sampler['arch_file'] = str(path)
        if (model_cfg.get('distiller') or {}).get('arch_file'):
            model_cfg['distiller']['arch_file'] = str(path)  # NSAS memory
        if model_cfg.get('sampling_space'):
            model_cfg['sampling_space'] = dict(type='RestrictedSpace',
                                               arch_file=str(path))
    if sampler['type'] == 'StagedRangeSampler' and \
            isinstance(sampler['stages'], str):
        sampler['stages'] = [dict(start_epoch=0,
                                  ranges={'stage0.depth': (2, )}),
                             dict(start_epoch=1, ranges={})]
    if model_cfg.get('num_subnets'):
        model_cfg['num_subnets'] = min(model_cfg['num_subnets'], 3)
    # NSAS and rank-loss distillers wrap the subnets' own one ("base")
    chain = [model_cfg.get('distiller') or {}]
    while isinstance(chain[-1].get('base'), dict):
        chain.append(chain[-1]['base'])
    for distiller in chain:
        if distiller.get('min_hamming'):  # 33 fits 52-character codes only
            distiller['min_hamming'] = 4
    distiller = chain[-1]
    if distiller.get('type') == 'FixedTeacherDistiller':
        from nasbench_cvpr.models import StandaloneResNet
        from nasbench_cvpr.spaces import build_space
        code = build_space(dict(tiny)).max_code()
        path = str(tmp_path / 'teacher.pth')
        torch.save(StandaloneResNet(dict(tiny), arch=code).state_dict(), path)
        distiller['teacher'] = dict(type='StandaloneResNet', space=tiny,
                                    arch=code)
        distiller['checkpoint'] = path
    return model_cfg


@pytest.mark.parametrize('path', CONFIGS,
                         ids=[os.path.basename(p) for p in CONFIGS])
def test_config_builds_and_steps(path, tmp_path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'nasbench_cvpr'
    model = MODELS.build(shrink(cfg.model.to_dict(), tmp_path))
    torch.manual_seed(0)
    data = dict(inputs=[torch.randint(0, 255, (3, 16, 16), dtype=torch.uint8)
                        for _ in range(4)],
                data_samples=[DataSample().set_gt_label(i % 5)
                              for i in range(4)])
    optim_cfg = cfg.optim_wrapper.to_dict()
    clip = optim_cfg.get('clip_grad')
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01),
                           clip_grad=clip)
    log = model.train_step(data, wrapper)
    assert torch.isfinite(log['loss'])
