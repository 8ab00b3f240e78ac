"""Common interface of the arch samplers used by one-shot supernet training.

A sampler returns the arch codes trained at one step. It works only through
the search-space API (``choice_dims``, ``encode``, ``parse``,
``choice_value_sets``, ``decode``, ``sample``, ``max_code``, ``min_code``),
never through code characters, so every sampler works with every space.

Determinism: all randomness comes from one :class:`random.Random` seeded by
``seed``; nothing depends on the process rank, so processes given the same
seed draw the same codes. :meth:`BaseArchSampler.state_dict` captures the
generator and every other mutable field, so a resumed run continues the very
same sequence.
"""
import random
from abc import ABCMeta, abstractmethod
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ...spaces import BaseSearchSpace, ChoiceDim
from .rng_state import rng_state_from_dict, rng_state_to_dict


def check_int(name: str, value: Any, minimum: int) -> int:
    """Return ``value`` if it is an int ``>= minimum``, else raise.

    Args:
        name: Argument name used in the error message.
        value: The value to check (``bool`` is rejected).
        minimum: Smallest accepted value.

    Raises:
        ValueError: Naming ``name``, if the check fails.
    """
    if isinstance(value, bool) or not isinstance(value, int) or \
            value < minimum:
        raise ValueError(f'{name} must be an integer >= {minimum}, '
                         f'got {value!r}')
    return value


class BaseArchSampler(metaclass=ABCMeta):
    """Base class of the arch samplers.

    Subclasses implement :meth:`_sample` and, when they hold mutable state
    besides the generator, :meth:`_extra_state` / :meth:`_load_extra_state`.

    Two kinds of samplers exist:

    * count-driven ones (``num_per_step is None``): the caller chooses how
      many codes a step trains, ``sample(num)``;
    * self-sized ones (sandwich, biased-size): the constructor fixes the
      codes of a step; call ``sample()`` (passing ``num`` is allowed only if
      it equals :attr:`num_per_step`).

    Args:
        space: An already-built search space.
        seed: Seed of the sampler's own :class:`random.Random`; give every
            process the same seed to draw the same codes everywhere.
    """

    #: Codes one step returns when the sampler fixes the count itself, or
    #: ``None`` when :meth:`sample` needs ``num``.
    num_per_step: Optional[int] = None

    def __init__(self, space: BaseSearchSpace, seed: int = 0) -> None:
        if not isinstance(space, BaseSearchSpace):
            raise ValueError('space must be a built BaseSearchSpace instance '
                             f'(see build_space), got {type(space).__name__}')
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f'seed must be an integer, got {seed!r}')
        self.space = space
        self.seed = seed
        self.rng = random.Random(seed)
        self.dims: List[ChoiceDim] = list(space.choice_dims())

    # ------------------------------------------------------------------ API
    def sample(self, num: Optional[int] = None) -> List[str]:
        """Arch codes to train at one step.

        Args:
            num: How many codes. Required by count-driven samplers; a
                self-sized sampler accepts ``None`` or :attr:`num_per_step`.

        Returns:
            Valid codes of :attr:`space`.

        Raises:
            ValueError: If ``num`` is missing, not a positive integer, or
                disagrees with :attr:`num_per_step`.
        """
        name = type(self).__name__
        if num is not None:
            check_int('num', num, 1)
        if self.num_per_step is None:
            if num is None:
                raise ValueError(f'num is required: {name} returns as many '
                                 'codes as asked for')
        elif num is not None and num != self.num_per_step:
            raise ValueError(
                f'num={num!r}, but {name} fixes the codes per step in its '
                f'constructor (num_per_step={self.num_per_step}); call '
                'sample() without num')
        return self._sample(num)

    def set_epoch(self, epoch: int) -> None:
        """Hook called at the start of every epoch (no-op by default).

        Args:
            epoch: 0-based epoch index.
        """

    def state_dict(self) -> Dict[str, Any]:
        """Every mutable field, as plain dicts/lists/ints (torch.save-safe
        with ``weights_only=True``, and JSON-safe)."""
        state = dict(type=type(self).__name__,
                     rng=rng_state_to_dict(self.rng))
        state.update(self._extra_state())
        return state

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        """Restore a :meth:`state_dict` of a sampler of the same type.

        Args:
            state: The saved state.

        Raises:
            ValueError: If ``state`` belongs to another sampler type or is
                malformed.
        """
        name = type(self).__name__
        if not isinstance(state, dict) or 'rng' not in state:
            raise ValueError(f'state of {name} must be a dict with an "rng" '
                             f'entry, got {state!r:.80}')
        if state.get('type', name) != name:
            raise ValueError(f'cannot load a {state["type"]} state into '
                             f'{name}')
        rng = random.Random()
        rng_state_from_dict(rng, state['rng'])  # check before changing self
        self._load_extra_state(state)
        self.rng.setstate(rng.getstate())

    # -------------------------------------------------------- for subclasses
    @abstractmethod
    def _sample(self, num: Optional[int]) -> List[str]:
        """Draw the codes of one step (``num`` already validated)."""

    def _extra_state(self) -> Dict[str, Any]:
        """Mutable state besides the generator (none by default)."""
        return {}

    def _load_extra_state(self, state: Dict[str, Any]) -> None:
        """Restore what :meth:`_extra_state` returned.

        Args:
            state: The whole saved state.
        """

    def _draw(self, options: Sequence[Sequence[int]]) -> str:
        """One code whose every decision is uniform over its allowed options.

        Args:
            options: Allowed values of each choice dim, in dim order.
        """
        return self.space.encode([self.rng.choice(opts) for opts in options])

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(space={type(self.space).__name__}, '
                f'seed={self.seed})')


def option_slices(dims: Sequence[ChoiceDim],
                  ranges: Sequence[Tuple[int, int]]) -> List[Tuple[int, ...]]:
    """The options of each dim between two option indices (inclusive).

    Args:
        dims: Choice dims of a space.
        ranges: ``(lo, hi)`` option indices per dim.
    """
    return [tuple(d.options[lo:hi + 1]) for d, (lo, hi) in zip(dims, ranges)]
