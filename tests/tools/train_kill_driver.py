"""Runs tools/train.py but SIGKILLs itself when the supernet algorithm's
``train_step`` is called for the ``KILL_AT_STEP``-th time (1-based), before
that step runs."""
import os
import signal
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tools'))

from nasbench_cvpr.models.algorithms import SupernetAlgorithm  # noqa: E402

kill_at = int(os.environ['KILL_AT_STEP'])
original_step = SupernetAlgorithm.train_step
calls = 0


def count_then_maybe_die(self, *args, **kwargs):
    global calls
    calls += 1
    if calls == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    return original_step(self, *args, **kwargs)


SupernetAlgorithm.train_step = count_then_maybe_die
import train  # noqa: E402

sys.exit(train.main(sys.argv[1:]))
