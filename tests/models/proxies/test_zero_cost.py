import math
import random

import pytest
import torch

from nasbench_cvpr.models.proxies import (FlopsProxy, ParamsProxy,
                                          ZenScoreProxy, build_proxy,
                                          count_flops, count_params)
from nasbench_cvpr.registry import PROXIES


def test_params_and_flops_equal_closed_form(tiny_space):
    rng = random.Random(0)
    codes = [tiny_space.max_code(), tiny_space.min_code()] + \
        [tiny_space.sample(rng) for _ in range(3)]
    for code in codes:
        arch = tiny_space.decode(code)
        assert build_proxy('params')(tiny_space, code) == count_params(arch)
        assert build_proxy('flops')(tiny_space, code) == count_flops(arch)
        assert ParamsProxy('always_conv')(tiny_space, code) == \
            count_params(arch, 'always_conv')


def test_build_proxy_names_configs_and_errors():
    assert isinstance(build_proxy('flops'), FlopsProxy)
    assert isinstance(build_proxy('FlopsProxy'), FlopsProxy)
    zen = build_proxy(dict(type='zen', batch_size=4, seed=3))
    assert isinstance(zen, ZenScoreProxy)
    assert (zen.batch_size, zen.seed) == (4, 3)
    assert PROXIES.get('ZenScoreProxy') is ZenScoreProxy
    with pytest.raises(ValueError, match='known.*flops'):
        build_proxy('val_acc')
    with pytest.raises(TypeError):
        build_proxy(lambda space, code: 1.0)


def test_zen_score_deterministic_and_prefers_max(tiny_space):
    state = torch.random.get_rng_state()
    zen = ZenScoreProxy(batch_size=8, seed=0)
    big = zen(tiny_space, tiny_space.max_code())
    assert torch.equal(state, torch.random.get_rng_state())  # RNG untouched
    assert big == ZenScoreProxy(batch_size=8, seed=0)(tiny_space,
                                                      tiny_space.max_code())
    assert big != ZenScoreProxy(batch_size=8, seed=1)(tiny_space,
                                                      tiny_space.max_code())
    small = zen(tiny_space, tiny_space.min_code())
    assert big > small
    two = ZenScoreProxy(batch_size=8, seed=0, repeat=2)(tiny_space,
                                                        tiny_space.max_code())
    assert math.isfinite(two) and two != big
