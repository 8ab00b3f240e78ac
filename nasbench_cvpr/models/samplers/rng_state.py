"""Convert :class:`random.Random` states to and from plain lists.

``random.Random.getstate()`` returns nested tuples; :func:`torch.load` with
``weights_only=True`` and JSON both prefer plain containers, so checkpoints
store the state as ``{'version': int, 'internal': [int, ...],
'gauss_next': float or None}``.
"""
import random
from typing import Any, Dict


def rng_state_to_dict(rng: random.Random) -> Dict[str, Any]:
    """Snapshot ``rng`` as a dict of ints, a list of ints and a float/None.

    Args:
        rng: The generator to snapshot.
    """
    version, internal, gauss_next = rng.getstate()
    return dict(version=int(version),
                internal=[int(x) for x in internal],
                gauss_next=gauss_next)


def rng_state_from_dict(rng: random.Random, state: Dict[str, Any]) -> None:
    """Restore ``rng`` from a dict written by :func:`rng_state_to_dict`.

    Args:
        rng: The generator to restore in place.
        state: The snapshot.

    Raises:
        ValueError: If ``state`` is not such a snapshot.
    """
    if not isinstance(state, dict) or \
            not {'version', 'internal', 'gauss_next'} <= set(state):
        raise ValueError('rng state must be a dict with keys version, '
                         f'internal and gauss_next, got {state!r:.80}')
    try:
        rng.setstate((int(state['version']),
                      tuple(int(x) for x in state['internal']),
                      state['gauss_next']))
    except (TypeError, ValueError) as e:
        raise ValueError(f'invalid rng state: {e}') from None
