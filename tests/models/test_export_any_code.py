"""The supernet and ``export_subnet`` of a tied space take every valid code
(``tie_out_channels`` shapes sampling only)."""
import random

import torch

from nasbench_cvpr.models import (ResNetSupernet, StandaloneResNet,
                                  export_subnet)
from nasbench_cvpr.spaces import ResNet48Space
from tests.spaces.random_codes import random_resnet48_code


def test_export_of_untied_codes_from_a_tied_space():
    tied = ResNet48Space(base_channels=(8, 16, 24, 32), max_depths=(2, 2, 3, 2),
                         divisor=4, stem_type='cifar', num_classes=5,
                         input_size=16)
    net = ResNetSupernet(tied)
    rng = random.Random(21)
    net.train()
    x = torch.randn(4, 3, 16, 16)
    for _ in range(3):  # move the BN statistics away from their init
        net.set_arch(random_resnet48_code(tied, rng))
        net(x)
    net.eval()
    untied_seen = 0
    for i in range(8):
        code = random_resnet48_code(tied, rng, tied=i % 4 == 0,
                                    with_image_size=i % 2 == 0)
        untied_seen += not tied.is_tied(code)
        with torch.no_grad():
            net.set_arch(code)
            expected = net(x)
            static = export_subnet(net, code)
            got = static(x)
        assert (got - expected).abs().max().item() <= 1e-5
        standalone = StandaloneResNet(tied, code)
        assert [tuple(p.shape) for p in static.parameters()] == \
            [tuple(p.shape) for p in standalone.parameters()]
    assert untied_seen >= 5
