"""Width groups: which weight copy a stage uses under grouped sharing.

Grouped sharing (CVPR 2022 4th place) gives each stage ``n`` copies of its
weights; the copy used is the first group whose largest width is at least
the stage's output width. The group maxima are the ``n`` largest width
options of the stage, so ``n = 1`` is full sharing (one copy) and ``n`` =
the number of options is one copy per output width, like ``end`` sharing
keyed by the stage width. Growing ``n`` splits the smallest group in two.
"""
from typing import List, Optional, Sequence, Tuple

import torch
from torch import nn


class WidthGroups(nn.Module):
    """Group selector of one stage; the number of groups is saved with the
    model (a buffer), so a resumed run keeps its groups.

    The layers of the stage keep ``max_groups`` weight slots; group ``g``
    uses slot ``g``. Slots of groups not in use get no gradient.

    Args:
        widths: The stage's output width options.
        num_groups: Groups in use at the start (``1..max_groups``).
        max_groups: Slots to allocate; ``None``: one per width option.
            Capped at the number of width options.
        name: Readable name used in error messages.
    """

    def __init__(self, widths: Sequence[int], num_groups: int = 1,
                 max_groups: Optional[int] = None, name: str = '') -> None:
        super().__init__()
        self.widths = sorted({int(w) for w in widths})
        if not self.widths:
            raise ValueError(f'{name}: no width options')
        self.max_groups = min(int(max_groups or len(self.widths)),
                              len(self.widths))
        self.name = name
        self.register_buffer('num_groups_saved',
                             torch.tensor(0, dtype=torch.long))
        self.num_groups = 0
        self._set_count(self.check_count(num_groups))
        self.width = self.widths[-1]

    def check_count(self, num_groups: int) -> int:
        """``num_groups`` capped at :attr:`max_groups`, if it is >= 1."""
        if isinstance(num_groups, bool) or not isinstance(num_groups, int) \
                or num_groups < 1:
            raise ValueError(f'{self.name}: num_groups must be an int >= 1, '
                             f'got {num_groups!r}')
        return min(num_groups, self.max_groups)

    def _set_count(self, num_groups: int) -> None:
        self.num_groups = num_groups
        self.num_groups_saved.fill_(num_groups)

    def maxima(self, num_groups: Optional[int] = None) -> List[int]:
        """Largest width of each group (ascending)."""
        n = self.num_groups if num_groups is None else num_groups
        return self.widths[-n:]

    def group_of(self, width: int, num_groups: Optional[int] = None) -> int:
        """The first group whose largest width is >= ``width``."""
        for index, top in enumerate(self.maxima(num_groups)):
            if width <= top:
                return index
        raise ValueError(f'{self.name}: width {width} exceeds the largest '
                         f'option {self.widths[-1]}')

    @property
    def current(self) -> int:
        """Group (= weight slot) of the active output width."""
        return self.group_of(self.width)

    def regroup(self, num_groups: int) -> List[Tuple[int, int]]:
        """Switch to ``num_groups`` groups.

        Returns:
            ``(new slot, old slot)`` pairs: each new group starts from the
            weights of the old group that held its largest width. Pairs
            with equal slots are left out.
        """
        new = self.check_count(num_groups)
        moves = [(g, self.group_of(top)) for g, top in
                 enumerate(self.maxima(new))]
        self._set_count(new)
        return [(dst, src) for dst, src in moves if dst != src]

    def _load_from_state_dict(self, *args, **kwargs) -> None:
        super()._load_from_state_dict(*args, **kwargs)
        self.num_groups = int(self.num_groups_saved.item())

    def extra_repr(self) -> str:
        return (f'{self.name}: {self.num_groups} of {self.max_groups} groups,'
                f' maxima {self.maxima()}')
