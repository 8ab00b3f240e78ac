"""Runner, loops and hooks."""
from .hooks import SupernetEpochHook
from .runner import NASRunner, load_trusted_checkpoint

__all__ = ['SupernetEpochHook', 'NASRunner', 'load_trusted_checkpoint']
