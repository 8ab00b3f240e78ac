"""Model wrappers."""
from .supernet_wrapper import SupernetDistributedWrapper

__all__ = ['SupernetDistributedWrapper']
