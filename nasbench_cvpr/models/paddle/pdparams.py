"""Read Paddle ``.pdparams`` files without Paddle and without trusting them.

A ``.pdparams`` file is a plain pickle of ``{name: float32 ndarray}`` plus an
entry ``"StructuredToParameterName@@"`` (structured name -> Paddle parameter
name). Files saved with nested containers hold tensors as ``(name, ndarray)``
tuples. The pickle is read with :class:`RestrictedUnpickler`, which builds
only numpy arrays and dtypes and the containers and scalars of the pickle
protocol itself; any other global is refused before anything is called.
"""
import importlib
import pickle
from typing import Any, Dict

import numpy as np

#: The entry Paddle adds to every saved state dict; not a tensor.
STRUCTURED_NAME_KEY = 'StructuredToParameterName@@'

# (module, name) of every global a .pdparams pickle may name. numpy arrays
# are rebuilt by _reconstruct + ndarray.__setstate__ (protocols 2-4) or
# _frombuffer (protocol 5); protocol 2 stores their bytes as
# _codecs.encode(str, 'latin1'). OrderedDict is what Paddle's state_dict()
# returns: a dict, nothing more. numpy 2 moved numpy.core to numpy._core and
# files written under numpy 1 name the old path.
_ALLOWED = {
    ('numpy', 'ndarray'): ('numpy', 'ndarray'),
    ('numpy', 'dtype'): ('numpy', 'dtype'),
    ('numpy.core.multiarray', '_reconstruct'):
        ('numpy._core.multiarray', '_reconstruct'),
    ('numpy._core.multiarray', '_reconstruct'):
        ('numpy._core.multiarray', '_reconstruct'),
    ('numpy.core.numeric', '_frombuffer'): ('numpy._core.numeric',
                                            '_frombuffer'),
    ('numpy._core.numeric', '_frombuffer'): ('numpy._core.numeric',
                                             '_frombuffer'),
    ('_codecs', 'encode'): ('_codecs', 'encode'),
    ('collections', 'OrderedDict'): ('collections', 'OrderedDict'),
}


class UnsafePickleError(pickle.UnpicklingError):
    """A pickle names a global that a weights file has no reason to name."""


class PaddleCheckpointError(ValueError):
    """A Paddle weights file that does not have the expected content."""


class RestrictedUnpickler(pickle.Unpickler):
    """Unpickler that resolves only the globals a ``.pdparams`` needs.

    Args:
        file: Binary file object.
        path: File name used in error messages.
    """

    def __init__(self, file, path: str) -> None:
        super().__init__(file)
        self.path = path

    def find_class(self, module: str, name: str) -> Any:
        target = _ALLOWED.get((module, name))
        if target is None:
            raise UnsafePickleError(
                f'{self.path}: refusing to load the global {module}.{name}: '
                'a .pdparams file holds only numpy arrays, dicts, lists, '
                'tuples, strings and numbers (nothing was executed)')
        return getattr(importlib.import_module(target[0]), target[1])

    def persistent_load(self, pid: Any) -> Any:
        raise UnsafePickleError(f'{self.path}: refusing a persistent id '
                                f'{pid!r:.60} (not a .pdparams file)')


def _flatten(obj: Any, prefix: str, out: Dict[str, Any]) -> None:
    """Flatten nested dicts with dotted names; unwrap (name, ndarray)."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key == STRUCTURED_NAME_KEY:
                continue
            _flatten(value, f'{prefix}.{key}' if prefix else str(key), out)
        return
    if isinstance(obj, tuple) and len(obj) == 2 \
            and isinstance(obj[0], str) and isinstance(obj[1], np.ndarray):
        obj = obj[1]
    out[prefix] = obj


def read_pdparams(path: str) -> Dict[str, np.ndarray]:
    """The arrays of a Paddle weights file, by name.

    Nested dicts are flattened with dotted names, ``(name, ndarray)`` tuples
    unwrapped and ``"StructuredToParameterName@@"`` dropped.

    Args:
        path: A ``.pdparams`` file (or another Paddle-saved pickle).

    Returns:
        ``{name: ndarray}`` in file order.

    Raises:
        UnsafePickleError: If the pickle names a global other than numpy's
            array/dtype reconstruction (names the file and the global).
        PaddleCheckpointError: If the file is not a pickle of a dict, or an
            entry is not a numeric array (names the entry).
    """
    with open(path, 'rb') as f:
        try:
            obj = RestrictedUnpickler(f, path).load()
        except UnsafePickleError:
            raise
        except Exception as e:  # noqa: BLE001 (corrupt or foreign files)
            raise PaddleCheckpointError(
                f'{path}: not a readable .pdparams pickle: '
                f'{type(e).__name__}: {e}') from None
    if not isinstance(obj, dict):
        raise PaddleCheckpointError(f'{path}: expected a pickled dict of '
                                    f'arrays, got {type(obj).__name__}')
    flat: Dict[str, Any] = {}
    _flatten(obj, '', flat)
    for name, value in flat.items():
        if not isinstance(value, np.ndarray) or value.dtype.kind not in 'fiu':
            kind = type(value).__name__ if not isinstance(
                value, np.ndarray) else f'ndarray of {value.dtype}'
            raise PaddleCheckpointError(
                f'{path}: entry {name!r} is not a numeric array ({kind})')
    return flat
