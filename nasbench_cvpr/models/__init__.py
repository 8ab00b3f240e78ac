"""Models: supernets, static networks, algorithms, samplers, distillers."""
from . import algorithms, wrappers  # noqa: F401  (registration)
from .export import StandaloneResNet, export_subnet
from .static_resnet import StaticResNet
from .supernets import ResNetSupernet

__all__ = ['StandaloneResNet', 'export_subnet', 'StaticResNet',
           'ResNetSupernet']
