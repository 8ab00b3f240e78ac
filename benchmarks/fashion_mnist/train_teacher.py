"""Train the frozen teacher of the benchmark's distillation recipes.

Usage::

    python benchmarks/fashion_mnist/train_teacher.py
        [--out work_dirs/fashion_bench/teacher_max.pth]
        [--init-out work_dirs/fashion_bench/teacher_max_init.pth] [--seed 0]

Standalone-trains the largest code of the benchmark's space with the ground
truth's recipe (``standalone_train.py``) and saves the EMA weights (BN
statistics re-estimated) twice: as a plain ``StandaloneResNet`` state dict,
the frozen teacher (``teacher_checkpoint``) of
``configs/supernet/fashion_official_baseline.py`` and
``fashion_pinas_stage2.py``; and, with channels reordered by importance, in
the supernet's layout, the pretrained start (``load_from``) of
``fashion_official_baseline.py`` and ``fashion_pinas_stage1.py``: the
benchmark's stand-in for the official pretrained weights and the converter's
``--reorder`` output. Prints the teacher's test scores.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT, fashion_space  # noqa: E402

DEFAULT_OUT = os.path.join(ROOT, 'work_dirs', 'fashion_bench',
                           'teacher_max.pth')
DEFAULT_INIT_OUT = os.path.join(ROOT, 'work_dirs', 'fashion_bench',
                                'teacher_max_init.pth')


def supernet_init(space, standalone_state: dict) -> dict:
    """A checkpoint of the supernet of ``space`` starting from a trained
    largest network: its weights under ``supernet.``, channels reordered by
    importance (what ``tools/convert_paddle_checkpoint.py --reorder`` writes
    for the official weights). The supernet's tensors the largest network
    lacks (other projections, masks) are left out: configs load it with
    ``allow_partial_load = True``.

    Args:
        space: The benchmark's search space.
        standalone_state: ``StandaloneResNet`` state dict of its max code.
    """
    from nasbench_cvpr.models.channel_reorder import reorder_channels

    # the largest network's keys are the supernet's names (the converter
    # reorders its Paddle output the same way)
    state = reorder_channels(standalone_state,
                             space.decode(space.max_code()))
    return dict(state_dict={f'supernet.{k}': v.contiguous()
                            for k, v in state.items()},
                meta=dict(arch=space.max_code(), reordered=True))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default=DEFAULT_OUT)
    parser.add_argument('--init-out', default=DEFAULT_INIT_OUT)
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
    with atomic_open(args.init_out, 'wb') as f:
        torch.save(supernet_init(space, state), f)
    print(f'wrote {args.out} and {args.init_out}: {space.max_code()} seed '
          f'{args.seed}, EMA top-1 {result["ema_acc"]:.4f}, CE '
          f'{-result["ema_neg_ce"]:.4f}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
