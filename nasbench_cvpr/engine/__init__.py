"""Runner, loops and hooks."""
from .hooks import SupernetStateHook
from .runner import NASRunner, load_trusted_checkpoint

__all__ = ['SupernetStateHook', 'NASRunner', 'load_trusted_checkpoint']
