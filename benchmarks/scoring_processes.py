"""Wall time of tools/eval_subnets.py with 1 vs 2 processes on this machine.

Usage::

    python benchmarks/scoring_processes.py [--codes 40]

Builds an untrained demo supernet checkpoint and an arch file of ``--codes``
random codes of the demo space in a temporary directory, then runs the
scoring tool with 1 process and with 2 processes (torchrun, gloo), side by
side, and prints both wall times (interpreter start included), the speed-up
and whether the two outputs are byte-identical.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.path.join(ROOT, 'configs', 'supernet', 'demo_spos_digits.py')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--codes', type=int, default=40)
    args = parser.parse_args()
    from mmengine.config import Config

    from nasbench_cvpr.registry import MODELS
    from nasbench_cvpr.spaces import build_space
    tmp = tempfile.mkdtemp(prefix='nasbench-bench-')
    cfg = Config.fromfile(CONFIG)
    model_cfg = cfg.model.to_dict()
    model_cfg['data_preprocessor'] = cfg.data_preprocessor
    ckpt = os.path.join(tmp, 'supernet.pth')
    torch.save(dict(state_dict=MODELS.build(model_cfg).state_dict(),
                    meta={}), ckpt)
    space = build_space(cfg.model.supernet.space.to_dict())
    rng = random.Random(0)
    arch_file = os.path.join(tmp, 'archs.json')
    with open(arch_file, 'w') as f:
        json.dump({f'arch{i}': dict(arch=space.sample(rng))
                   for i in range(args.codes)}, f)
    tool = os.path.join(ROOT, 'tools', 'eval_subnets.py')
    common = [CONFIG, ckpt, '--arch-file', arch_file]
    times, outs = {}, {}
    for nproc in (1, 2):
        out = os.path.join(tmp, f'p{nproc}', 'scores.json')
        if nproc == 1:
            cmd = [sys.executable, tool, *common, '--out', out]
        else:
            cmd = [sys.executable, '-m', 'torch.distributed.run',
                   f'--nproc_per_node={nproc}', '--master_port=29631', tool,
                   *common, '--out', out, '--launcher', 'pytorch']
        env = dict(os.environ, OMP_NUM_THREADS=str(2 // nproc))
        start = time.perf_counter()
        subprocess.run(cmd + ['--work-dir', os.path.join(tmp, f'w{nproc}')],
                       check=True, capture_output=True, env=env, cwd=ROOT)
        times[nproc] = time.perf_counter() - start
        outs[nproc] = open(out, 'rb').read()
    print(f'{args.codes} codes, demo space, 797 eval + 500 calibration images')
    print(f'1 process  (2 threads): {times[1]:.1f} s')
    print(f'2 processes (1 thread each): {times[2]:.1f} s')
    print(f'speed-up: {times[1] / times[2]:.2f}x; identical outputs: '
          f'{outs[1] == outs[2]}')


if __name__ == '__main__':
    main()
