"""Supernet networks."""
from .resnet_supernet import ResNetSupernet, SupernetBlock

__all__ = ['ResNetSupernet', 'SupernetBlock']
