"""Random valid ResNet48 codes drawn from the digit rules of the code layout.

Unlike ``space.sample`` (which follows ``tie_out_channels``), these cover the
whole space: tied and untied codes, 51 and 52 characters. The rules, from
the official definition: digits 0..S-1 are stage depths within the stage's
range, digit S the stem ratio code (1..R), then one (conv1, conv2) pair of
ratio codes 1..R per block slot, ``00`` for the slots beyond the stage
depth; a 52-character code leads with an image-size code.
"""
import random
from typing import List, Optional

from nasbench_cvpr.spaces import ResNet48Space


def random_resnet48_code(space: ResNet48Space, rng: random.Random,
                         tied: Optional[bool] = None,
                         with_image_size: Optional[bool] = None) -> str:
    """One random valid code of ``space``'s layout.

    Args:
        space: Gives the layout (stage depth ranges, number of ratio codes,
            image-size codes); its ``tie_out_channels`` is ignored.
        rng: Random generator.
        tied: Tie every stage's conv2 codes (stage 1's to the stem);
            ``None`` draws it (each conv2 digit is then independent, so the
            code is almost surely untied).
        with_image_size: Write the leading image-size code; ``None`` draws
            it.
    """
    if tied is None:
        tied = rng.random() < 0.5
    if with_image_size is None:
        with_image_size = rng.random() < 0.5
    n_ratios = len(space.ratios)
    depths = [rng.choice(options) for options in space.stage_depth_options]
    stem = rng.randint(1, n_ratios)
    chars = [str(d) for d in depths] + [str(stem)]
    for s, max_depth in enumerate(space.max_depths):
        stage_out = stem if s == 0 else rng.randint(1, n_ratios)
        for b in range(max_depth):
            if b >= depths[s]:
                chars += ['0', '0']
                continue
            out = stage_out if tied else rng.randint(1, n_ratios)
            chars += [str(rng.randint(1, n_ratios)), str(out)]
    code = ''.join(chars)
    if with_image_size:
        code = rng.choice(space.image_size_codes) + code
    return code


def random_resnet48_codes(space: ResNet48Space, num: int,
                          seed: int = 0) -> List[str]:
    """``num`` random codes (tied and untied, 51 and 52 characters mixed).

    Args:
        space: Gives the layout.
        num: How many codes.
        seed: Seed of the draw.
    """
    rng = random.Random(seed)
    return [random_resnet48_code(space, rng) for _ in range(num)]
