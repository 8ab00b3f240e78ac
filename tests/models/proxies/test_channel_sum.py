"""The CVPR 2022 1st place's channel-sum size measure, by hand."""
import random

import pytest

from nasbench_cvpr.models.proxies import build_proxy
from nasbench_cvpr.models.proxies.channel_sum import round_up
from nasbench_cvpr.spaces import build_space


@pytest.fixture(scope='module')
def space():
    return build_space('resnet48')


def test_round_up_like_up2eight():
    assert round_up(64.0) == 64.0
    assert round_up(70.4) == 72.0
    assert round_up(0.7 * 121.6) == pytest.approx(88.0)
    assert round_up(44.8) == pytest.approx(48.0)


def test_largest_and_smallest_codes_by_hand(space):
    proxy = build_proxy('channel_sum')
    # stem 64; stage 1: 5 blocks x 2 convs x 64; stage 2: 10 x up(70.4) = 72;
    # stage 3: 16 x up(108.8) = 112; stage 4: 10 x up(121.6) = 128
    assert proxy(space, space.max_code()) == 64 + 640 + 720 + 1792 + 1280
    # ratio 0.7 everywhere, depth 2: up(44.8) = 48, up(49.28) = 56,
    # up(76.16) = 80, up(85.12) = 88; 4 convs per stage
    assert proxy(space, space.min_code()) == pytest.approx(
        48 + 4 * 48 + 4 * 56 + 4 * 80 + 4 * 88)


def test_counts_convs_more_than_params(space):
    """Deep stage 3 outweighs wide stage 4 for this measure, unlike for
    parameters: the reason PiNAS' biased sampler differs from params."""
    channel_sum, params = build_proxy('channel_sum'), build_proxy('params')
    rng = random.Random(0)
    codes = [space.sample(rng) for _ in range(200)]
    by_sum = sorted(codes, key=lambda c: channel_sum(space, c))
    by_params = sorted(codes, key=lambda c: params(space, c))
    assert by_sum != by_params
    depth3 = [space.decode(c).depths[2] for c in by_sum[-20:]]
    depth3_params = [space.decode(c).depths[2] for c in by_params[-20:]]
    assert sum(depth3) > sum(depth3_params)


def test_needs_width_ratios_and_matching_stages():
    resnet20 = build_space('resnet20')
    code = resnet20.sample(random.Random(0))
    with pytest.raises(ValueError, match='stage weights|ratios'):
        build_proxy('channel_sum')(resnet20, code)
