"""Train the frozen teacher of the benchmark's distillation recipes.

Usage::

    python benchmarks/fashion_mnist/train_teacher.py
        [--out work_dirs/fashion_bench/teacher_max.pth] [--seed 0]

Standalone-trains the largest code of the benchmark's space with the ground
truth's recipe (``standalone_train.py``) and saves the EMA weights (BN
statistics re-estimated) as a plain ``StandaloneResNet`` state dict, the
``teacher_checkpoint`` of ``configs/supernet/fashion_official_baseline.py``
and ``fashion_pinas_stage2.py``. Prints the teacher's test scores.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT, fashion_space  # noqa: E402

DEFAULT_OUT = os.path.join(ROOT, 'work_dirs', 'fashion_bench',
                           'teacher_max.pth')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default=DEFAULT_OUT)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--threads', type=int, default=1)
    args = parser.parse_args(argv)
    import torch
    torch.set_num_threads(args.threads)
    from standalone_train import load_fashion_mnist, train_code

    from nasbench_cvpr.utils import atomic_open
    space = fashion_space()
    nets = []
    result = train_code(space, space.max_code(), args.seed,
                        load_fashion_mnist(), keep_ema=nets)
    state = {k: v.contiguous() for k, v in nets[0].state_dict().items()}
    with atomic_open(args.out, 'wb') as f:
        torch.save(state, f)
    print(f'wrote {args.out}: {space.max_code()} seed {args.seed}, EMA top-1 '
          f'{result["ema_acc"]:.4f}, CE {-result["ema_neg_ce"]:.4f}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
