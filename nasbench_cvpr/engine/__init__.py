"""Runner, loops and hooks."""
from .hooks import SupernetStateHook
from .random_state import (RANDOM_STATE_KEY, RandomStateHook,
                           capture_random_state, restore_random_state)
from .ranking_hook import RankingCheckHook
from .runner import PARTIAL_LOAD_KEY, NASRunner
from .scoring import SubnetScorer, evaluate, prepare_batches
from .scoring_loop import SubnetScoringLoop
from .width_group_hook import WidthGroupGrowthHook

__all__ = [
    'SupernetStateHook', 'RandomStateHook', 'RANDOM_STATE_KEY',
    'capture_random_state', 'restore_random_state', 'RankingCheckHook',
    'NASRunner', 'PARTIAL_LOAD_KEY', 'SubnetScorer', 'evaluate',
    'prepare_batches', 'SubnetScoringLoop', 'WidthGroupGrowthHook'
]
