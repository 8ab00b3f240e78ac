"""One-line errors for missing or unreadable inputs of the tools.

A missing checkpoint, an unreadable checkpoint or a data set that is neither
on disk nor downloadable gets one line naming the file or data set, what is
wrong and how to get or make it; the tools then exit with status 2 instead
of printing a traceback.

How to make a file: a config may map input paths to a hint in
``input_hints`` (e.g. ``configs/supernet/official_baseline.py`` for the
pretrained teacher); a checkpoint under ``work_dirs/NAME/`` otherwise points
at the config that writes it (``configs/**/NAME.py``).
"""
import glob
import os
import os.path as osp
import pickle
import traceback
import urllib.error
import zipfile
from typing import Any, Iterator, List, Optional, Tuple

#: Exit status of a tool for a missing or unreadable input.
INPUT_ERROR_STATUS = 2

#: Exceptions of ``torch.load`` for a file that is not a readable checkpoint
#: (a foreign pickle or JSON file, a truncated or empty file).
CHECKPOINT_READ_ERRORS = (pickle.UnpicklingError, EOFError,
                          zipfile.BadZipFile)

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def _checkpoint_keys(node: Any, path: str) -> Iterator[Tuple[str, str]]:
    """``(config key, file)`` of every ``checkpoint`` string under a
    config node (teacher weights, ``init_cfg`` of pretrained layers)."""
    if isinstance(node, dict):
        for key, value in node.items():
            dotted = f'{path}.{key}'
            if key == 'checkpoint' and isinstance(value, str):
                yield dotted, value
            else:
                yield from _checkpoint_keys(value, dotted)
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            yield from _checkpoint_keys(value, f'{path}[{i}]')


def make_hint(cfg, path: str,
              fallback: str = 'check the path in the config or pass '
              'another one') -> str:
    """How to get or make the input file ``path`` of ``cfg``.

    Args:
        cfg: The config (its ``input_hints`` are read, if any).
        path: The file as the config names it.
        fallback: The hint when neither the config nor the path tells.
    """
    hints = cfg.get('input_hints') or {}
    if path in hints:
        return hints[path]
    parts = osp.normpath(path).split(os.sep)
    if len(parts) > 2 and parts[0] == 'work_dirs':
        found = sorted(glob.glob(osp.join(ROOT, 'configs', '**',
                                          parts[1] + '.py'), recursive=True))
        if found:
            return ('train it first: python tools/train.py '
                    f'{osp.relpath(found[0], ROOT)}')
    return fallback


def input_files(cfg) -> List[Tuple[str, str, str]]:
    """``(role, config key, path)`` of every checkpoint file ``cfg`` reads:
    ``load_from`` (the resume checkpoint when ``resume`` is set) and every
    ``checkpoint`` key of the model (e.g. a frozen teacher).

    Args:
        cfg: A loaded mmengine config.
    """
    files = []
    if isinstance(cfg.get('load_from'), str):
        role = 'resume checkpoint' if cfg.get('resume') else 'checkpoint'
        files.append((role, 'load_from', cfg.load_from))
    for key, path in _checkpoint_keys(cfg.get('model') or {}, 'model'):
        role = 'teacher checkpoint' if '.distiller.' in key else 'checkpoint'
        files.append((role, key, path))
    return files


def missing_inputs(cfg) -> List[str]:
    """One line per checkpoint file that ``cfg`` reads (see
    :func:`input_files`) and that is missing.

    Args:
        cfg: A loaded mmengine config.
    """
    lines = []
    for role, key, path in input_files(cfg):
        if not osp.isfile(path):
            what = 'is a directory' if osp.isdir(path) else 'not found'
            lines.append(f'error: {role} {path} ({key} in the config) {what}:'
                         f' {make_hint(cfg, path)}')
    return lines


def _first_line(exc: BaseException, limit: int = 160) -> str:
    text = str(exc).strip().splitlines()
    text = text[0] if text else ''
    return text if len(text) <= limit else text[:limit - 3] + '...'


def _frames(exc: BaseException) -> Iterator[Any]:
    return (frame for frame, _ in traceback.walk_tb(exc.__traceback__))


def _checkpoint_errors() -> Tuple[type, type]:
    """``(CheckpointError, CheckpointMismatchError)`` of the package's safe
    checkpoint loader, or two placeholders if it is not there."""
    try:
        from nasbench_cvpr.utils.checkpoint import (CheckpointError,
                                                    CheckpointMismatchError)
    except ImportError:  # a package without the safe loader
        class CheckpointError(Exception):
            pass
        CheckpointMismatchError = CheckpointError
    return CheckpointError, CheckpointMismatchError


def is_checkpoint_read_error(exc: BaseException) -> bool:
    """Whether ``exc`` says that ``torch.load`` could not read a file."""
    if isinstance(exc, CHECKPOINT_READ_ERRORS):
        return True
    return isinstance(exc, RuntimeError) and \
        'PytorchStreamReader' in str(exc)


def checkpoint_error_line(exc: BaseException, cfg,
                          path: Optional[str] = None) -> Optional[str]:
    """One line for a checkpoint that exists but cannot be loaded.

    Recognised: the loader's ``CheckpointError`` (refused or unreadable
    file, state dict that does not fit; its message names the file), and
    ``torch.load``'s own errors raised while the Runner loads ``path``
    (``load_or_resume``: an unpicklable data file is not blamed on it).

    Args:
        exc: The exception.
        cfg: The config (for the hint of the file, see :func:`make_hint`).
        path: The checkpoint the Runner loads (default: ``load_from``).

    Returns:
        The line, or ``None`` if ``exc`` is not such an error.
    """
    fallback = 'pass a .pth checkpoint written by tools/train.py'
    checkpoint_error, mismatch_error = _checkpoint_errors()
    if isinstance(exc, checkpoint_error):
        message = _first_line(exc, limit=400)
        if isinstance(exc, mismatch_error):
            return f'error: {message}'
        named = [p for _, _, p in input_files(cfg) if p in message]
        hint = make_hint(cfg, named[0], fallback) if named else fallback
        return f'error: {message}: {hint}'
    if not is_checkpoint_read_error(exc):
        return None
    if not any(f.f_code.co_name == 'load_or_resume' for f in _frames(exc)):
        return None
    path = path or cfg.get('load_from') or \
        f'(the latest of {cfg.get("work_dir")})'
    return (f'error: checkpoint {path} cannot be loaded '
            f'({type(exc).__name__}: {_first_line(exc)}): '
            f'{make_hint(cfg, path, fallback)}')


def _failed_dataset(exc: BaseException) -> Optional[Any]:
    """The data set object whose loading raised ``exc``, if any."""
    from mmengine.dataset import BaseDataset
    found = None
    for frame in _frames(exc):
        obj = frame.f_locals.get('self')
        if isinstance(obj, BaseDataset):
            found = obj
    return found


def _config_datasets(cfg) -> List[Tuple[str, str]]:
    """Distinct ``(type, data_root)`` of the config's dataloaders."""
    seen = []
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset = (cfg.get(name) or {}).get('dataset') or {}
        item = (str(dataset.get('type')), str(dataset.get('data_root')))
        if dataset and item not in seen:
            seen.append(item)
    return seen


def download_error_line(exc: BaseException, cfg) -> Optional[str]:
    """One line for a data set that is not on disk and whose download
    failed (no network).

    Args:
        exc: The exception.
        cfg: The config, to name the data set if the traceback does not.

    Returns:
        The line, or ``None`` if ``exc`` is not a failed download.
    """
    if not isinstance(exc, urllib.error.URLError):
        return None
    dataset = _failed_dataset(exc)
    if dataset is not None:
        root = getattr(dataset, 'data_root', None) or \
            (getattr(dataset, 'data_prefix', None) or {}).get('root')
        names = [(type(dataset).__name__, root)]
        url = getattr(dataset, 'url', None)
        folder = getattr(dataset, 'base_folder', None)
    else:
        names, url, folder = _config_datasets(cfg), None, None
    what = ', '.join(f'{t} (data_root {r})' for t, r in names) or \
        'a data set of the config'
    how = f'download {url} and extract it into the data_root' if url else \
        'put its files into the data_root (see README)'
    if url and folder:
        how += f' (giving {osp.join(names[0][1], folder)}/)'
    return (f'error: data set {what} is not on disk and downloading it '
            f'failed ({_first_line(exc)}): {how}, or run where the network '
            'is reachable')
