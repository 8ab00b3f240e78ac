"""Export the active subnet of a supernet as a plain torch network."""
from typing import Optional, Union

import torch
from torch import nn

from ..registry import MODELS
from ..spaces import BaseSearchSpace, build_space
from .static_resnet import StaticResNet
from .supernets.resnet_supernet import ResNetSupernet


@torch.no_grad()
def export_subnet(supernet: ResNetSupernet,
                  code: Optional[str] = None) -> StaticResNet:
    """Copy a subnet's sliced weights and BN statistics into a new network.

    Args:
        supernet: The supernet; its active arch is set to ``code``.
        code: Arch code; ``None`` exports the currently active arch.

    Returns:
        A :class:`StaticResNet` (only torch modules inside) in the
        supernet's train/eval mode, on the supernet's device, whose output
        equals the supernet's at that arch.
    """
    if code is not None:
        supernet.set_arch(code)
    arch = supernet.current_arch
    net = StaticResNet(arch, supernet.shortcut, supernet.bn_momentum,
                       supernet.bn_track_running_stats)
    sliced = dict(supernet.sliced_layers())
    for name, module in net.named_modules():
        if isinstance(module, nn.Conv2d):
            module.weight.copy_(sliced[name].get_dynamic_params()[0])
        elif isinstance(module, nn.BatchNorm2d):
            tensors = sliced[name].active_tensors()
            for key, value in tensors.items():
                if value is not None:
                    getattr(module, key).copy_(value)
        elif isinstance(module, nn.Linear):
            weight, bias = sliced[name].get_dynamic_params()
            module.weight.copy_(weight)
            module.bias.copy_(bias)
    device = next(supernet.parameters()).device
    return net.to(device).train(supernet.training)


@MODELS.register_module()
class StandaloneResNet(StaticResNet):
    """The standalone network of one code, built from scratch.

    Args:
        space: Search space (instance, config dict or alias).
        arch: The arch code.
        shortcut: Shortcut policy (``'auto'`` or ``'always_conv'``).
        bn_momentum: BatchNorm momentum.
        bn_track_running_stats: Keep BN running statistics.
    """

    def __init__(self,
                 space: Union[BaseSearchSpace, dict, str],
                 arch: str,
                 shortcut: str = 'auto',
                 bn_momentum: Optional[float] = 0.1,
                 bn_track_running_stats: bool = True) -> None:
        self.space = build_space(space)
        super().__init__(self.space.decode(arch), shortcut, bn_momentum,
                         bn_track_running_stats)
        self.code = arch
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out',
                                        nonlinearity='relu')
