"""Runner, loops and hooks."""
from .hooks import SupernetStateHook
from .ranking_hook import RankingCheckHook
from .runner import NASRunner, load_trusted_checkpoint
from .scoring import SubnetScorer, evaluate, prepare_batches
from .scoring_loop import SubnetScoringLoop

__all__ = [
    'SupernetStateHook', 'RankingCheckHook', 'NASRunner', 'load_trusted_checkpoint',
    'SubnetScorer', 'evaluate', 'prepare_batches', 'SubnetScoringLoop'
]
