"""Build an arch sampler from a config."""
from typing import Union

from ...registry import SAMPLERS
from ...spaces import BaseSearchSpace, build_space
from .base import BaseArchSampler


def build_sampler(cfg: Union[dict, BaseArchSampler],
                  space: Union[BaseSearchSpace, dict, str]) -> BaseArchSampler:
    """Return the sampler ``cfg`` describes, drawing codes of ``space``.

    Args:
        cfg: A config dict with ``type`` (e.g. ``dict(type='SandwichSampler',
            n=4)``) and the constructor arguments except ``space``; a built
            sampler is returned as is.
        space: A search space, or anything :func:`build_space` accepts.

    Raises:
        TypeError: If ``cfg`` is not a dict with ``type``.
        KeyError: If the type is unknown; the message lists the known ones.
    """
    if isinstance(cfg, BaseArchSampler):
        return cfg
    if not isinstance(cfg, dict) or 'type' not in cfg:
        raise TypeError(f'a sampler config needs a "type", got {cfg!r}')
    if not isinstance(cfg['type'], str) or SAMPLERS.get(cfg['type']) is None:
        raise KeyError(f'unknown sampler type {cfg["type"]!r}; known: '
                       f'{sorted(SAMPLERS.module_dict)}')
    return SAMPLERS.build(cfg, default_args=dict(space=build_space(space)))
