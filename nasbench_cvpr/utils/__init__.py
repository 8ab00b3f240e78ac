"""Small shared helpers."""
from .io import atomic_write_json, atomic_write_text

__all__ = ['atomic_write_json', 'atomic_write_text']
