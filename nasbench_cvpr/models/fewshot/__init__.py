"""Few-shot supernets: partitions of a space and one supernet per group."""
from .fewshot_supernet import FewShotSupernet
from .partition import (CVPR22_2ND_DEPTH_RULES, BasePartition,
                        DepthRulePartition, build_partition)

__all__ = [
    'CVPR22_2ND_DEPTH_RULES', 'BasePartition', 'DepthRulePartition',
    'FewShotSupernet', 'build_partition'
]
