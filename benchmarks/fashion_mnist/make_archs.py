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

``--matched-to ARCHS --num N`` extends an arch set instead: its codes first,
then N new codes, each within 3% of the FLOPs of one of its codes (spread
over its size order) and, where the pool has one, with other stage depths;
each new entry names the code it matches (``"matches"``). Pairs of equal
size and different structure are what a ranking beyond size must order.
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


def stage_depths(space, code: str) -> tuple:
    """The stage depths of a code (what a FLOPs-matched partner should
    differ in, where it can)."""
    return tuple(space.parse(code)[:len(space.max_depths)])


def matched_archs(base: dict, num: int, seed: int = 0,
                  pool_size: int = 6000, tolerance: float = 0.03) -> dict:
    """``base`` plus ``num`` new codes, each matched in FLOPs to one base
    code (|log FLOPs difference| <= ``tolerance``) with another depth
    profile where the pool has one: pairs of equal size and different
    structure, the comparisons that only a ranking beyond size gets right.

    Args:
        base: The existing arch set (kept as is, first).
        num: New codes; their partners are spread over the base's size
            order, the first and last base code (the space's extremes)
            left out.
        seed: Seed of the pool.
        pool_size: Codes drawn as candidates.
        tolerance: Largest |log FLOPs| difference of a pair.

    Returns:
        ``{key: {"arch": code[, "matches": base key]}}``: the base entries,
        then ``arch<N+1>`` ... with the key of the code they match.

    Raises:
        ValueError: If ``num`` exceeds the base size less 2 or a base code
            finds no partner within ``tolerance``.
    """
    from nasbench_cvpr.models.proxies import count_flops
    keys = list(base)
    if num < 1:
        raise ValueError(f'num must be >= 1, got {num}')
    space = fashion_space()
    rng = random.Random(seed)
    taken = {entry['arch'] for entry in base.values()}
    pool = set()
    while len(pool) < pool_size:
        pool.add(level_code(space, rng) if rng.random() < 0.75
                 else space.sample(rng))
    pool = sorted(pool - taken)
    log_flops = {c: math.log(count_flops(space.decode(c))) for c in pool}
    # the smallest and the largest code of the space have no equal-size
    # partner: spread the partners over the codes between them
    inner = keys[1:-1]
    if num > len(inner):
        raise ValueError(f'num must be at most {len(inner)} (the codes '
                         f'between the smallest and the largest), got {num}')
    partners = [inner[round((i + 0.5) * len(inner) / num - 0.5)]
                for i in range(num)]
    out = {key: dict(base[key]) for key in keys}
    for i, key in enumerate(partners):
        code = base[key]['arch']
        target = math.log(count_flops(space.decode(code)))
        depths = stage_depths(space, code)
        near = [c for c in pool if abs(log_flops[c] - target) <= tolerance
                and c not in taken]
        if not near:
            raise ValueError(f'no code within {tolerance} of log FLOPs of '
                             f'{key} ({code}) in a pool of {pool_size}')
        other = [c for c in near
                 if stage_depths(space, c) != depths]
        chosen = rng.choice(sorted(other or near))
        taken.add(chosen)
        out[f'arch{len(keys) + i + 1}'] = dict(arch=chosen, matches=key)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--num', type=int, default=48)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--out', default=os.path.join(HERE, 'archs.json'))
    parser.add_argument('--matched-to', default=None,
                        help='an arch file to extend by --num codes, each '
                        'matched in FLOPs to one of its codes')
    args = parser.parse_args(argv)
    from nasbench_cvpr.utils import atomic_write_json
    if args.matched_to:
        from nasbench_cvpr.spaces import load_arch_file
        try:
            archs = matched_archs(load_arch_file(args.matched_to), args.num,
                                  args.seed)
        except ValueError as e:
            parser.error(str(e))
        atomic_write_json(args.out, archs)
        print(f'wrote {len(archs)} codes to {args.out}')
        return 0
    archs = make_archs(args.num, args.seed)
    atomic_write_json(args.out, archs)
    print(f'wrote {len(archs)} codes to {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
