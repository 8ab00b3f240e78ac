"""Few-shot supernets: partitions of a space into groups of codes."""
from .partition import (CVPR22_2ND_DEPTH_RULES, BasePartition,
                        DepthRulePartition, build_partition)

__all__ = [
    'CVPR22_2ND_DEPTH_RULES', 'BasePartition', 'DepthRulePartition',
    'build_partition'
]
