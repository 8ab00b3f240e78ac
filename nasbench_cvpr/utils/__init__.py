"""Small shared helpers."""
from .io import atomic_open, atomic_write_json, atomic_write_text
from .scope import package_scope

__all__ = [
    'atomic_open', 'atomic_write_json', 'atomic_write_text', 'package_scope'
]
