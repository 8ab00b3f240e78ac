import random
import statistics

import pytest

from nasbench_cvpr.models.proxies import count_params
from nasbench_cvpr.models.samplers import ParamWeightedSampler
from nasbench_cvpr.spaces import ResNet20Space, ResNet48Space


@pytest.mark.parametrize('space', [ResNet20Space(), ResNet48Space()],
                         ids=['resnet20', 'resnet48'])
def test_prefers_larger_networks(space):
    # (the tiny space is left out: its sizes vary too little for the bias,
    # about var/mean, to show over 300 draws)
    sampler = ParamWeightedSampler(space, num_candidates=16, seed=0)
    weighted = [count_params(space.decode(c)) for c in sampler.sample(300)]
    rng = random.Random(1)
    uniform = [count_params(space.decode(space.sample(rng)))
               for _ in range(300)]
    assert statistics.mean(weighted) > statistics.mean(uniform)


def test_bad_args(tiny_space):
    with pytest.raises(ValueError, match='num_candidates'):
        ParamWeightedSampler(tiny_space, num_candidates=0)
    with pytest.raises(ValueError, match='proxy'):
        ParamWeightedSampler(tiny_space, proxy='size')
