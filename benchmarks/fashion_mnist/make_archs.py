"""Write the fixed arch set of the Fashion-MNIST benchmark.

Usage::

    python benchmarks/fashion_mnist/make_archs.py [--num 48] [--seed 0]
        [--out benchmarks/fashion_mnist/archs.json]

Draws a pool of tied codes whose choices (depths and widths) scatter around
a random per-code "size level", so the pool reaches from the smallest to the
largest networks rather than only the middle that uniform sampling
concentrates on; then picks one code per bin of equal width in
log(parameters). The smallest and the largest code are always in.
Deterministic for a given ``--seed``. Output: ``{"arch1": {"arch": code},
...}`` in increasing parameter order.
"""
import argparse
import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import HERE, fashion_space  # noqa: E402


def level_code(space, rng: random.Random) -> str:
    """A code whose choices scatter around one random size level."""
    level = rng.random()
    values = []
    for dim in space.choice_dims():
        n = len(dim.options)
        idx = round(level * (n - 1) + rng.gauss(0, 0.25 * n))
        values.append(dim.options[min(n - 1, max(0, idx))])
    return space.encode(values)


def make_archs(num: int = 48, seed: int = 0, pool_size: int = 6000) -> dict:
    """The arch set: ``{"arch<i>": {"arch": code}}`` with ``num`` >= 2."""
    from nasbench_cvpr.models.proxies import count_params
    if num < 2:
        raise ValueError(f'num must be >= 2, got {num}')
    space = fashion_space()
    rng = random.Random(seed)
    pool = {space.min_code(), space.max_code()}
    while len(pool) < pool_size:
        pool.add(level_code(space, rng) if rng.random() < 0.75
                 else space.sample(rng))
    pool = sorted(pool)  # set order is not deterministic across runs
    log_params = {c: math.log(count_params(space.decode(c))) for c in pool}
    lo, hi = min(log_params.values()), max(log_params.values())
    chosen = [space.min_code(), space.max_code()]
    width = (hi - lo) / (num - 2)
    for b in range(num - 2):
        a, z = lo + b * width, lo + (b + 1) * width
        cands = [c for c in pool if a <= log_params[c] <= z
                 and c not in chosen]
        if not cands:  # empty bin: the unused code nearest its middle
            mid = (a + z) / 2
            cands = [min((c for c in pool if c not in chosen),
                         key=lambda c: abs(log_params[c] - mid))]
        chosen.append(rng.choice(cands))
    chosen.sort(key=lambda c: (log_params[c], c))
    return {f'arch{i + 1}': dict(arch=c) for i, c in enumerate(chosen)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--num', type=int, default=48)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--out', default=os.path.join(HERE, 'archs.json'))
    args = parser.parse_args(argv)
    from nasbench_cvpr.utils import atomic_write_json
    archs = make_archs(args.num, args.seed)
    atomic_write_json(args.out, archs)
    print(f'wrote {len(archs)} codes to {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
