"""Models: supernets, static networks, algorithms, samplers, distillers."""
from . import (algorithms, distillers, fewshot,  # noqa: F401 (registration)
               proxies, samplers, standalone_classifier, wrappers)
from .export import StandaloneResNet, export_subnet
from .static_resnet import StaticResNet
from .supernets import ResNetSupernet

__all__ = ['StandaloneResNet', 'export_subnet', 'StaticResNet',
           'ResNetSupernet']
