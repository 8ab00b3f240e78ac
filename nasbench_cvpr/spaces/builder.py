"""Build a search space from a config, an alias or an instance."""
from typing import Union

from .base import BaseSearchSpace

#: Short names accepted by the command-line tools.
SPACE_ALIASES = {'resnet48': 'ResNet48Space', 'resnet20': 'ResNet20Space'}


def build_space(cfg: Union[BaseSearchSpace, dict, str]) -> BaseSearchSpace:
    """Return a search space.

    Args:
        cfg: A space instance (returned as is), a config dict with ``type``,
            or a name: a registered type or an alias (``resnet48``,
            ``resnet20``).
    """
    from ..registry import SEARCH_SPACES
    if isinstance(cfg, BaseSearchSpace):
        return cfg
    if isinstance(cfg, str):
        cfg = dict(type=SPACE_ALIASES.get(cfg.lower(), cfg))
    if not isinstance(cfg, dict) or 'type' not in cfg:
        raise TypeError(f'a search space config needs a "type", got {cfg!r}')
    if SEARCH_SPACES.get(cfg['type']) is None:
        raise KeyError(f'unknown search space type {cfg["type"]!r}; known: '
                       f'{sorted(SEARCH_SPACES.module_dict)} and aliases '
                       f'{sorted(SPACE_ALIASES)}')
    return SEARCH_SPACES.build(cfg)


def space_config_of(cfg) -> dict:
    """The search-space config of a training config: ``model.supernet.space``
    (or ``model.space``), as a plain dict.

    Args:
        cfg: A loaded mmengine config (or a dict with a ``model`` entry).

    Raises:
        ValueError: If the config names no space.
    """
    model = cfg.get('model') or {}
    space = (model.get('supernet') or {}).get('space', model.get('space'))
    if space is None:
        raise ValueError('the config has no model.supernet.space or '
                         'model.space')
    if hasattr(space, 'to_dict'):
        space = space.to_dict()
    return dict(space)
