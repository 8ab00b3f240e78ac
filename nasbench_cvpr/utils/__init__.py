"""Small shared helpers."""
from .checkpoint import (CheckpointError, CheckpointMismatchError,
                         safe_load_checkpoint)
from .io import (append_jsonl, atomic_open, atomic_write_json,
                 atomic_write_text, read_jsonl)
from .modules import ModeSwitch, flat_modules, set_training
from .scope import package_scope

__all__ = [
    'CheckpointError', 'CheckpointMismatchError', 'safe_load_checkpoint',
    'append_jsonl', 'read_jsonl', 'atomic_open', 'atomic_write_json',
    'atomic_write_text', 'flat_modules', 'set_training', 'ModeSwitch',
    'package_scope'
]
