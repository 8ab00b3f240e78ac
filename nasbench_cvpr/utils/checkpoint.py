"""Safe loading of checkpoint files and strict matching of state dicts.

Every checkpoint, ours or foreign (pretrained nets, teachers, converted
official weights), is read with ``torch.load(weights_only=True)``: unpickling
may only rebuild tensors, plain containers and the few other types that this
project's own checkpoints contain (:data:`SAFE_GLOBAL_NAMES`: mmengine's
``HistoryBuffer`` of the message hub, numpy arrays, scalars and dtypes). A
file that names any other class or function is refused before anything in it
runs, because a pickle can call any function it names (a crafted "checkpoint"
could delete files or open a shell).

A state dict is then matched against the model: loading a file that fills
only part of the model (or none of it: a checkpoint of another model, an
empty state dict) is refused, naming the counts, unless partial loading is
allowed explicitly (e.g. stage 2 starting from a stage-1 supernet).
"""
import os
import pickle
import pickletools
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Union

import numpy as np
import torch
from mmengine.logging import HistoryBuffer


class CheckpointError(ValueError):
    """A checkpoint file that cannot be loaded safely (one-line message,
    naming the file)."""


class CheckpointMismatchError(CheckpointError):
    """A checkpoint whose keys or shapes do not fit the model."""


#: Statistics methods of ``HistoryBuffer`` that mmengine pickles by
#: reference, as ``getattr(HistoryBuffer, name)``.
_HISTORY_BUFFER_METHODS = frozenset({'min', 'max', 'current', 'mean'})


def _history_buffer_getattr(obj: Any, name: str) -> Callable:
    """``getattr`` restricted to what mmengine's message hub pickles.

    Stands in for ``builtins.getattr`` during a safe load: a pickle may fetch
    ``HistoryBuffer.min`` and friends, nothing else.
    """
    if obj is HistoryBuffer and name in _HISTORY_BUFFER_METHODS:
        return getattr(obj, name)
    raise pickle.UnpicklingError(
        f'getattr({getattr(obj, "__name__", type(obj).__name__)}, {name!r}) '
        'is not allowed')


def _safe_globals() -> Dict[str, Any]:
    """Pickle name -> object allowed besides torch's own tensor types."""
    multiarray = np._core.multiarray if hasattr(np, '_core') \
        else np.core.multiarray
    allowed: Dict[str, Any] = {
        'mmengine.logging.history_buffer.HistoryBuffer': HistoryBuffer,
        'builtins.getattr': _history_buffer_getattr,
        'numpy.ndarray': np.ndarray,
        'numpy.dtype': np.dtype,
    }
    # numpy 2 pickles under numpy._core, numpy 1 under numpy.core
    for module in ('numpy._core.multiarray', 'numpy.core.multiarray'):
        allowed[f'{module}._reconstruct'] = multiarray._reconstruct
        allowed[f'{module}.scalar'] = multiarray.scalar
    for name in ('bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16',
                 'uint32', 'uint64', 'float16', 'float32', 'float64'):
        dtype_cls = type(np.dtype(name))  # e.g. numpy.dtypes.Float64DType
        allowed[f'{dtype_cls.__module__}.{dtype_cls.__name__}'] = dtype_cls
    return allowed


#: Names of the non-tensor globals a checkpoint may contain.
SAFE_GLOBAL_NAMES = tuple(sorted(_safe_globals()))


def _pickle_globals(path: str) -> List[str]:
    """Names of the globals of the pickles at the start of a non-zip file,
    found by reading the opcodes (nothing is executed)."""
    names: List[str] = []
    strings: List[str] = []
    memo: Dict[int, Any] = {}
    last: Any = None
    with open(path, 'rb') as f:
        try:
            while True:  # torch's legacy format holds several pickles
                for op, arg, _ in pickletools.genops(f):
                    if op.name in ('MEMOIZE', 'PUT', 'BINPUT', 'LONG_BINPUT'):
                        memo[len(memo) if arg is None else arg] = last
                        continue
                    if op.name == 'GLOBAL':
                        module, _, name = arg.partition(' ')
                        names.append(f'{module}.{name}')
                    elif op.name == 'STACK_GLOBAL' and len(strings) >= 2:
                        names.append(f'{strings[-2]}.{strings[-1]}')
                    if op.name in ('GET', 'BINGET', 'LONG_BINGET'):
                        last = memo.get(arg)
                    else:
                        last = arg if op.name != 'GLOBAL' else None
                    if isinstance(last, str):  # STACK_GLOBAL's operands
                        strings.append(last)
        except Exception:  # noqa: BLE001 (end of the pickles: raw bytes)
            pass
    return [n.replace('__builtin__.', 'builtins.', 1) for n in names]


def _refused_globals(path: str) -> List[str]:
    """Globals of a checkpoint that a safe load refuses."""
    try:
        if zipfile.is_zipfile(path):
            found = torch.serialization.get_unsafe_globals_in_checkpoint(path)
        else:
            from torch._weights_only_unpickler import _get_allowed_globals
            found = [n for n in _pickle_globals(path)
                     if n not in _get_allowed_globals()]
    except Exception:  # noqa: BLE001 (then torch's message names it)
        return []
    return sorted(set(found) - set(SAFE_GLOBAL_NAMES))


def _torch_detail(err: Exception) -> str:
    """The reason in torch's (multi-line) load error, as one line."""
    text = str(err)
    if 'WeightsUnpickler error:' in text:
        text = text.split('WeightsUnpickler error:', 1)[1]
        text = text.split('Check the documentation', 1)[0]
    text = ' '.join(text.split())
    if len(text) > 160:
        text = text[:157] + '...'
    return text or type(err).__name__


def _refusal_reason(path: str, err: Exception) -> str:
    """What a safe load refused, as a short phrase."""
    names = _refused_globals(path)
    if not names:
        match = re.search(r'GLOBAL ([\w.]+)', str(err))
        names = [match.group(1)] if match else []
    if names:
        return (f'it contains {", ".join(names)}, which a checkpoint may not '
                'contain (allowed: tensors, containers, numpy arrays/scalars, '
                "mmengine's HistoryBuffer)")
    detail = _torch_detail(err)
    if detail.endswith('is not allowed'):  # from _history_buffer_getattr
        return f'it calls {detail}'
    return f'it is not a readable torch checkpoint ({detail})'


def safe_load_checkpoint(path: str,
                         map_location: Union[str, Callable, None] = 'cpu'
                         ) -> Any:
    """``torch.load`` of ``path`` that never runs code from the file.

    Args:
        path: Local checkpoint file.
        map_location: As for :func:`torch.load`.

    Returns:
        The unpickled object (tensors, containers, numpy arrays/scalars,
        ``HistoryBuffer`` objects).

    Raises:
        FileNotFoundError: If ``path`` is not a file.
        CheckpointError: If the file is not a torch checkpoint or contains a
            type outside :data:`SAFE_GLOBAL_NAMES` (the message names it).
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f'checkpoint {path} not found')
    allowed = [(obj, name) for name, obj in _safe_globals().items()]
    try:
        with torch.serialization.safe_globals(allowed):
            return torch.load(path, map_location=map_location,
                              weights_only=True)
    except (pickle.UnpicklingError, EOFError, zipfile.BadZipFile,
            UnicodeDecodeError, RuntimeError) as e:
        if isinstance(e, RuntimeError) and 'PytorchStreamReader' not in str(e):
            raise  # not about the file's content (e.g. map_location)
        raise CheckpointError(
            f'checkpoint {path} refused: {_refusal_reason(path, e)}') from e


def extract_state_dict(checkpoint: Any, path: str) -> Mapping[str, Any]:
    """The state dict of a loaded checkpoint: its ``state_dict`` entry
    (mmengine checkpoints) or the checkpoint itself (a raw state dict).

    Args:
        checkpoint: What :func:`safe_load_checkpoint` returned.
        path: The file, for the message.

    Raises:
        CheckpointError: If neither is a mapping of string keys.
    """
    state = checkpoint
    if isinstance(state, Mapping) and isinstance(state.get('state_dict'),
                                                 Mapping):
        state = state['state_dict']
    if not isinstance(state, Mapping) or not all(
            isinstance(k, str) for k in state):
        raise CheckpointError(
            f'checkpoint {path} holds neither a state dict nor a dict with a '
            f'"state_dict" entry (got {type(checkpoint).__name__})')
    return state


@dataclass
class StateDictMatch:
    """How a checkpoint's state dict fits a model's.

    Attributes:
        matched: Model keys found with the model's shape.
        missing: Model keys absent from the checkpoint.
        mismatched: Model keys present with another shape.
        unexpected: Checkpoint keys the model does not have.
        num_model: Number of tensors of the model.
    """
    matched: List[str] = field(default_factory=list)
    missing: List[str] = field(default_factory=list)
    mismatched: List[str] = field(default_factory=list)
    unexpected: List[str] = field(default_factory=list)
    num_model: int = 0

    @property
    def complete(self) -> bool:
        """Every model tensor matched and nothing left over."""
        return not (self.missing or self.mismatched or self.unexpected)

    def summary(self) -> str:
        """One line: counts and a few example keys of each kind."""
        parts = [f'{len(self.matched)} of {self.num_model} model tensors '
                 'match']
        for name, keys in (('missing', self.missing),
                           ('shape mismatch', self.mismatched),
                           ('not in the model', self.unexpected)):
            if keys:
                parts.append(f'{len(keys)} {name} (e.g. {keys[:3]})')
        return '; '.join(parts)


def match_state_dict(model_state: Mapping[str, torch.Tensor],
                     state: Mapping[str, Any]) -> StateDictMatch:
    """Compare a checkpoint's state dict with a model's, key by key.

    Args:
        model_state: ``model.state_dict()``.
        state: The checkpoint's state dict.
    """
    result = StateDictMatch(num_model=len(model_state))
    for key, value in model_state.items():
        if key not in state:
            result.missing.append(key)
        elif not isinstance(state[key], torch.Tensor) or \
                state[key].shape != value.shape:
            result.mismatched.append(key)
        else:
            result.matched.append(key)
    result.unexpected = [k for k in state if k not in model_state]
    return result


def check_state_dict(model_state: Mapping[str, torch.Tensor],
                     state: Mapping[str, Any],
                     path: str,
                     allow_partial: bool = False,
                     option: str = 'allow_partial_load=True'
                     ) -> StateDictMatch:
    """Refuse a state dict that fills only part of the model.

    Args:
        model_state: ``model.state_dict()``.
        state: The checkpoint's state dict.
        path: The file, for the message.
        allow_partial: Accept a partial match (at least one tensor).
        option: How the user allows partial loads, for the message.

    Returns:
        The match (with ``allow_partial``, load only ``matched``).

    Raises:
        CheckpointMismatchError: If nothing matches, or the match is partial
            and ``allow_partial`` is false.
    """
    match = match_state_dict(model_state, state)
    if not match.matched:
        raise CheckpointMismatchError(
            f'checkpoint {path} does not fit the model: {match.summary()}')
    if not match.complete and not allow_partial:
        raise CheckpointMismatchError(
            f'checkpoint {path} fits only part of the model: '
            f'{match.summary()}; set {option} to load the matching tensors '
            'only')
    return match
