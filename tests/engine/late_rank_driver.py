"""Runs tools/eval_subnets.py under torchrun with a short process-group
timeout, rank 0 finishing its shard only after rank 1 has left.

Rank 1 scores its shard and returns; rank 0 holds its first code until
rank 1's process has written ``<EXIT_DIR>/rank1.exit`` on its way out. With
a barrier at the end of scoring, rank 1 would wait there, time out after
``PG_TIMEOUT`` seconds and fail, and rank 0 would fail at the barrier too.
"""
import datetime
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tools'))

import torch.distributed as dist  # noqa: E402

from nasbench_cvpr.engine import scoring_loop  # noqa: E402

rank = int(os.environ['RANK'])
exit_marker = os.path.join(os.environ['EXIT_DIR'], 'rank1.exit')
original_score = scoring_loop.SubnetScorer.score
held = []


def score_after_rank1_left(self, code):
    if rank == 0 and not held:
        held.append(code)
        deadline = time.monotonic() + 120
        while not os.path.exists(exit_marker):  # synchronisation, not a delay
            if time.monotonic() > deadline:
                raise RuntimeError('rank 1 never left')
            time.sleep(0.05)
    return original_score(self, code)


scoring_loop.SubnetScorer.score = score_after_rank1_left
dist.init_process_group('gloo', timeout=datetime.timedelta(
    seconds=float(os.environ['PG_TIMEOUT'])))
import eval_subnets  # noqa: E402

try:
    status = eval_subnets.main(sys.argv[1:])
finally:
    if rank == 1:
        open(exit_marker, 'w').close()
sys.exit(status)
