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
