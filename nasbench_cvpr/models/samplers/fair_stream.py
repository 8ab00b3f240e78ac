"""Strict-fairness streams of choice values (the FairNAS schedule)."""
import random
from typing import Any, Dict, List, Sequence, Tuple


class FairStream:
    """Per-dim value streams in which every option gets its fair share.

    The stream is cut into windows of ``L`` draws, ``L`` being the largest
    number of options of any dim. At the start of a window each dim gets a
    fresh sequence of ``L`` values:

    * a dim with ``L`` options gets one shuffled permutation, so each option
      appears exactly once per window;
    * a dim with ``k < L`` options gets ``L // k`` independently shuffled
      permutations followed by the first ``L % k`` values of one more, so
      each option appears ``floor(L / k)`` or ``ceil(L / k)`` times per
      window (which options get the extra draw is random).

    Draw ``t`` takes position ``t mod L`` of every dim's sequence, so how
    draws are split between calls does not change the stream.

    Args:
        options: Allowed values of each dim, in dim order.
    """

    def __init__(self, options: Sequence[Sequence[int]]) -> None:
        self.options: List[Tuple[int, ...]] = [tuple(o) for o in options]
        if not self.options or any(not o for o in self.options):
            raise ValueError('every dim of a fair stream needs at least one '
                             'option')
        self.window_size = max(len(o) for o in self.options)
        self.window: List[List[int]] = []  # per dim, the current sequence
        self.pos = self.window_size  # forces a new window on first draw

    def _new_window(self, rng: random.Random) -> None:
        window = []
        for opts in self.options:
            seq: List[int] = []
            while len(seq) < self.window_size:
                perm = list(opts)
                rng.shuffle(perm)
                seq += perm[:self.window_size - len(seq)]
            window.append(seq)
        self.window = window
        self.pos = 0

    def draw(self, rng: random.Random) -> List[int]:
        """The next value of every dim.

        Args:
            rng: Generator used when a new window starts.
        """
        if self.pos >= self.window_size:
            self._new_window(rng)
        values = [seq[self.pos] for seq in self.window]
        self.pos += 1
        return values

    def state_dict(self) -> Dict[str, Any]:
        """The current window (lists of ints) and the position in it."""
        return dict(window=[list(seq) for seq in self.window], pos=self.pos)

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        """Restore a :meth:`state_dict`, checking it fits these options.

        Args:
            state: The saved state.

        Raises:
            ValueError: If the window does not match the options.
        """
        try:
            window = [[int(v) for v in seq] for seq in state['window']]
            pos = int(state['pos'])
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError(f'malformed fair-stream state: {e!r}') from None
        if window:
            if len(window) != len(self.options) or any(
                    len(seq) != self.window_size or not set(seq) <= set(opts)
                    for seq, opts in zip(window, self.options)):
                raise ValueError('fair-stream state does not match the '
                                 'choice dims of this space (saved from '
                                 'another space or range?)')
        if not 0 <= pos <= self.window_size or (not window and
                                                pos != self.window_size):
            raise ValueError(f'fair-stream position {pos} out of range '
                             f'0-{self.window_size}')
        self.window, self.pos = window, pos
