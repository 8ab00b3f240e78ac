"""Pick the best codes of a scores file."""
import math
import numbers
from typing import List, NamedTuple

from ..spaces.arch_file import load_arch_file


class ScoredCode(NamedTuple):
    """One entry of a scores file."""
    key: str
    code: str
    score: float


def top_codes(path: str, top: int = 1, field: str = 'acc'
              ) -> List[ScoredCode]:
    """The ``top`` best entries of a scores file, best first.

    Args:
        path: ``{key: {"arch": code, field: score}}`` (``eval_subnets.py``
            output; a top-level ``"invalid"`` list is ignored).
        top: How many to return.
        field: The score field; higher is better. Ties keep file order.

    Raises:
        ArchFileError: If the file cannot be read or has malformed entries.
        ValueError: If ``top < 1``, or an entry's score is missing or not a
            finite number (names the key).
    """
    if top < 1:
        raise ValueError(f'top must be >= 1, got {top}')
    scored = []
    for key, entry in load_arch_file(path).items():
        value = entry.get(field)
        if isinstance(value, bool) or not isinstance(value, numbers.Real) \
                or not math.isfinite(value):
            raise ValueError(f'{path}: entry {key!r} has no finite '
                             f'{field!r} score (got {value!r})')
        scored.append(ScoredCode(key, entry['arch'], float(value)))
    scored.sort(key=lambda s: -s.score)  # stable: ties keep file order
    return scored[:top]
