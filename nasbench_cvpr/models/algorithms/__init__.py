"""Supernet training algorithms."""
from .contrastive_pretrain import ContrastivePretrainAlgorithm
from .supernet_algorithm import SupernetAlgorithm

__all__ = ['ContrastivePretrainAlgorithm', 'SupernetAlgorithm']
