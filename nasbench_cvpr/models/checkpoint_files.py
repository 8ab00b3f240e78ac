"""Weights files of a supernet initialisation and of a standalone network.

Both are mmengine-style checkpoints ``{"state_dict": ..., "meta": ...}`` of
tensors and plain Python values only, so ``torch.load(weights_only=True)``
reads them:

* supernet weights: keys ``supernet.<name>`` as in a ``SupernetAlgorithm``
  (or ``ContrastivePretrainAlgorithm``) state dict; a config's ``load_from``
  loads them, and a ``FixedTeacherDistiller`` finds the largest network in
  them when they hold exactly its tensors (its prefix detection strips
  ``supernet.``);
* standalone network: keys ``network.<name>`` as in a
  ``StandaloneClassifier`` (so a standalone config's ``load_from`` loads
  it), ``meta`` holding the code, the space config and the shortcut policy;
  :func:`load_standalone_resnet` builds the :class:`StandaloneResNet`.
"""
from typing import Any, Dict, Mapping, Optional, Tuple, Union

import torch
from torch import Tensor

from ..utils import atomic_open
from .export import StandaloneResNet

SUPERNET_PREFIX = 'supernet.'
STANDALONE_PREFIX = 'network.'
#: ``meta["format"]`` of the two kinds of file.
SUPERNET_FORMAT = 'nasbench_cvpr.supernet_weights'
STANDALONE_FORMAT = 'nasbench_cvpr.standalone_network'


def plain(value: Any) -> Any:
    """``value`` with mmengine ``ConfigDict``s (and dict subclasses) turned
    into dicts, recursively, so that ``weights_only`` loading accepts it."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(plain(v) for v in value)
    return value


def _save(path: str, state_dict: Mapping[str, Tensor], prefix: str,
          meta: dict) -> None:
    state = {prefix + k: v.detach().cpu().contiguous()
             for k, v in state_dict.items()}
    with atomic_open(path, 'wb') as f:
        torch.save(dict(state_dict=state, meta=plain(meta)), f)


def save_supernet_weights(path: str, state_dict: Mapping[str, Tensor],
                          meta: Optional[dict] = None) -> None:
    """Write supernet weights (``state_dict`` in supernet names, without
    the ``supernet.`` prefix) atomically."""
    _save(path, state_dict, SUPERNET_PREFIX,
          dict(meta or {}, format=SUPERNET_FORMAT))


def save_standalone_checkpoint(path: str,
                               state_dict: Mapping[str, Tensor],
                               arch: str,
                               space: Union[dict, str],
                               shortcut: str = 'auto',
                               bn_track_running_stats: bool = True,
                               meta: Optional[dict] = None) -> None:
    """Write a standalone network atomically.

    Args:
        path: Output file.
        state_dict: :class:`StaticResNet` state dict (no prefix).
        arch: Its code.
        space: Config (or alias) of its search space.
        shortcut: Shortcut policy it was built with.
        bn_track_running_stats: Whether its BNs keep running statistics.
        meta: Extra information to keep (e.g. where it comes from).
    """
    _save(path, state_dict, STANDALONE_PREFIX,
          dict(meta or {}, format=STANDALONE_FORMAT, arch=arch, space=space,
               shortcut=shortcut,
               bn_track_running_stats=bn_track_running_stats))


def read_standalone_checkpoint(path: str
                               ) -> Tuple[Dict[str, Tensor], dict]:
    """``(state_dict without prefix, meta)`` of a standalone network file.

    Raises:
        ValueError: If the file is not one (names the file and what is
            missing).
    """
    obj = torch.load(path, map_location='cpu', weights_only=True)
    meta = obj.get('meta', {}) if isinstance(obj, dict) else {}
    if meta.get('format') != STANDALONE_FORMAT or 'state_dict' not in obj:
        raise ValueError(f'{path} is not a standalone network file (no '
                         f'meta.format {STANDALONE_FORMAT!r}); write one '
                         'with tools/export_subnet.py or '
                         'tools/convert_paddle_checkpoint.py --arch')
    state = {k[len(STANDALONE_PREFIX):]: v
             for k, v in obj['state_dict'].items()
             if k.startswith(STANDALONE_PREFIX)}
    return state, meta


def load_standalone_resnet(path: str,
                           space: Optional[Union[dict, str]] = None
                           ) -> StandaloneResNet:
    """Build the :class:`StandaloneResNet` of a standalone network file and
    load its weights strictly.

    Args:
        path: File written by :func:`save_standalone_checkpoint`.
        space: Search space to build it in (default: the one in the file).
    """
    state, meta = read_standalone_checkpoint(path)
    net = StandaloneResNet(space if space is not None else meta['space'],
                           meta['arch'], shortcut=meta['shortcut'],
                           bn_track_running_stats=meta[
                               'bn_track_running_stats'])
    net.load_state_dict(state, strict=True)
    return net
