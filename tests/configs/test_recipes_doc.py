"""docs/recipes.md states the paper configs' values; check every one of them
against the built configs, and that every paper config has its full row set
and builds (model, optimizer wrapper, schedulers)."""
import ast
import os
import re
from typing import Any, Dict, List, Tuple

import pytest
import torch
from mmengine.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
DOC = os.path.join(ROOT, 'docs', 'recipes.md')
SUPERNET = os.path.join(ROOT, 'configs', 'supernet')

#: Paper-scale configs (the CPU demo and benchmark configs are not papers).
PAPER_CONFIGS = [
    'spos.py', 'fairnas.py', 'bignas_sandwich.py', 'official_baseline.py',
    'pinas_stage1.py', 'pinas_stage2.py', 'cvpr22_2nd_progressive.py',
    'cvpr22_4th_bignas.py', 'cvpr22_2nd_nsas.py', 'cvpr22_2nd_fewshot.py',
    'cvpr22_4th_fewshot.py',
    'rdnas_rankloss.py', 'rdnas_rankloss_zen.py',
    'cvpr21_3rd.py',
    'cvpr21_3rd_code.py', 'cvpr21_3rd_strictfair.py', 'cvpr21_2nd.py',
    'cvpr21_2nd_ft2.py', 'cvpr21_2nd_ft3.py', 'cvpr21_2nd_ft4.py',
    'cvpr21_2nd_ft5.py'
]
#: The items every (non-variant) section covers, one row each.
ITEMS = [
    'sampler and K', 'loss and weights', 'loss scaling', 'teacher',
    'init and reorder', 'optimiser', 'warm-up', 'schedule', 'epochs',
    'augmentation', 'regularisation', 'BN settings', 'sharing', 'shortcut',
    'sampling range', 'scoring protocol'
]
HEADING = re.compile(r'^## `([\w.]+\.py)`(.*)$')
CHECK = re.compile(r'`([A-Za-z_][\w.\[\]]*) = ([^`]+)`')
MISSING = object()


def sections() -> Dict[str, Tuple[str, List[List[str]]]]:
    """``{config file: (heading rest, table rows as cell lists)}``."""
    out, current = {}, None
    with open(DOC) as f:
        for line in f:
            match = HEADING.match(line)
            if match:
                current = match.group(1)
                out[current] = (match.group(2), [])
            elif line.startswith('## '):
                current = None
            elif current and line.startswith('| ') and \
                    not line.startswith('| ---') and \
                    not line.startswith('| item |'):
                cells = [c.strip() for c in line.strip().strip('|').split('|')]
                out[current][1].append(cells)
    return out


def lookup(cfg: Any, path: str) -> Any:
    """``cfg`` at a dotted path with ``[i]`` list indices."""
    node = cfg
    for part in re.findall(r'[^.\[\]]+|\[\d+\]', path):
        if part.startswith('['):
            index = int(part[1:-1])
            if not isinstance(node, (list, tuple)) or index >= len(node):
                return MISSING
            node = node[index]
        else:
            if not hasattr(node, 'get') or part not in node:
                return MISSING
            node = node[part]
    return node


def same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, float) or isinstance(actual, float):
        return isinstance(actual, (int, float)) and \
            abs(float(actual) - float(expected)) <= 1e-12 * max(
                1.0, abs(float(expected)))
    if isinstance(expected, (list, tuple)):
        return isinstance(actual, (list, tuple)) and \
            len(actual) == len(expected) and \
            all(same(a, e) for a, e in zip(actual, expected))
    return actual == expected


def test_every_paper_config_has_a_section_with_every_item():
    found = sections()
    assert set(PAPER_CONFIGS) <= set(found), \
        sorted(set(PAPER_CONFIGS) - set(found))
    for name, (heading, rows) in found.items():
        assert os.path.isfile(os.path.join(SUPERNET, name)), name
        if 'variant of' in heading:
            assert rows, name
            continue
        items = [row[0] for row in rows]
        assert items == ITEMS, (name, items)
        assert all(len(row) == 3 and row[1] for row in rows), name


@pytest.mark.parametrize('name', PAPER_CONFIGS)
def test_stated_values_are_the_config_values(name):
    _, rows = sections()[name]
    cfg = Config.fromfile(os.path.join(SUPERNET, name))
    checked = 0
    for row in rows:
        for path, literal in CHECK.findall(row[-1]):
            expected = ast.literal_eval(literal)
            actual = lookup(cfg, path)
            assert actual is not MISSING, f'{name}: {path} not in the config'
            assert same(actual, expected), \
                f'{name}: {path} is {actual!r}, docs/recipes.md says ' \
                f'{expected!r}'
            checked += 1
    assert checked >= 2, name


@pytest.mark.parametrize('name', PAPER_CONFIGS)
def test_optimiser_and_schedulers_build(name):
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import PARAM_SCHEDULERS
    cfg = Config.fromfile(os.path.join(SUPERNET, name))
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3),
                                torch.nn.BatchNorm2d(4))
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    for scheduler in cfg.param_scheduler:
        scheduler = dict(scheduler)
        if scheduler.pop('convert_to_iter_based', False):
            scheduler = PARAM_SCHEDULERS.get(
                scheduler.pop('type')).build_iter_from_epoch(
                    wrapper, epoch_length=10, **scheduler)
        else:
            scheduler = PARAM_SCHEDULERS.build(
                scheduler, default_args=dict(optimizer=wrapper))
    assert cfg.train_cfg.max_epochs >= 1
    scoring = cfg.get('scoring_cfg')
    if name != 'pinas_stage1.py':
        assert scoring and scoring.get('bn_mode') and scoring.get('score')


@pytest.mark.parametrize('name', PAPER_CONFIGS)
def test_sampler_runs_on_the_real_space(name):
    """Each paper config's sampler (and sampling subspace) on its full-size
    space: presets such as 'cvpr22_target' and 'cvpr22_2nd' fit it."""
    from nasbench_cvpr.registry import SAMPLERS
    from nasbench_cvpr.spaces import build_space
    cfg = Config.fromfile(os.path.join(SUPERNET, name))
    sampler_cfg = cfg.model.get('sampler')
    if not sampler_cfg or 'arch_file' in sampler_cfg or \
            'arch_file' in (sampler_cfg.get('base') or {}):
        pytest.skip('no sampler, or one reading a user-provided arch file')
    space = build_space(cfg.model.supernet.space.to_dict())
    sampling = cfg.model.get('sampling_space')
    sample_space = space if sampling is None else build_space(
        dict(sampling.to_dict(), base=space))
    sampler = SAMPLERS.build(sampler_cfg.to_dict(),
                             default_args=dict(space=sample_space))
    for epoch in (0, 50):
        sampler.set_epoch(epoch)
        fixed = getattr(sampler, 'num_per_step', None)
        codes = sampler.sample(None if fixed else
                               cfg.model.get('num_subnets') or 1)
        assert codes and all(space.is_valid(c) for c in codes)
        if sampling is not None:
            assert all(sample_space.contains(c) for c in codes)
