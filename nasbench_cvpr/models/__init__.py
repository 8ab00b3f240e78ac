"""Models: supernets, static networks, samplers, distillers, proxies."""
from .export import StandaloneResNet, export_subnet
from .static_resnet import StaticResNet
from .supernets import ResNetSupernet

__all__ = ['StandaloneResNet', 'export_subnet', 'StaticResNet',
           'ResNetSupernet']
