"""Small shared helpers."""
from .io import (append_jsonl, atomic_open, atomic_write_json,
                 atomic_write_text, read_jsonl)
from .scope import package_scope

__all__ = [
    'append_jsonl', 'read_jsonl', 'atomic_open', 'atomic_write_json', 'atomic_write_text', 'package_scope'
]
