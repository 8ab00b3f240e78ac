"""Supernet training algorithms."""
from .supernet_algorithm import SupernetAlgorithm

__all__ = ['SupernetAlgorithm']
