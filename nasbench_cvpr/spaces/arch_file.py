"""Read arch files in the challenge format ``{key: {"arch": code, ...}}``."""
import json
from typing import Dict, List, Tuple

from .base import BaseSearchSpace
from .errors import ArchCodeError, ArchFileError

#: Top-level key that tools use to list rejected codes; never an arch key.
INVALID_KEY = 'invalid'


def load_arch_file(path: str) -> Dict[str, dict]:
    """Load an arch file and check its shape (not the codes).

    Args:
        path: JSON file mapping keys to objects with an ``"arch"`` string.

    Returns:
        The mapping, in file order, without a top-level ``"invalid"`` list.

    Raises:
        ArchFileError: naming the file and the offending key.
    """
    try:
        with open(path) as f:
            data = json.load(f)
    except FileNotFoundError:
        raise ArchFileError(f'{path}: no such arch file') from None
    except json.JSONDecodeError as e:
        raise ArchFileError(f'{path}: not valid JSON: line {e.lineno} '
                            f'column {e.colno}: {e.msg}') from None
    if not isinstance(data, dict):
        raise ArchFileError(f'{path}: expected a JSON object '
                            f'{{key: {{"arch": code}}}}, got '
                            f'{type(data).__name__}')
    data.pop(INVALID_KEY, None)
    for key, entry in data.items():
        if not isinstance(entry, dict) or 'arch' not in entry:
            raise ArchFileError(f'{path}: entry {key!r} must be an object '
                                f'with an "arch" field, got {entry!r:.80}')
    return data


def check_codes(entries: Dict[str, dict], space: BaseSearchSpace
                ) -> Tuple[Dict[str, str], List[ArchCodeError]]:
    """Validate every code of an arch file.

    Returns:
        ``(valid, errors)``: key -> code of the valid entries in file order,
        and one :class:`ArchCodeError` (naming its key) per invalid entry.
    """
    valid, errors = {}, []
    for key, entry in entries.items():
        code = entry['arch']
        try:
            space.validate(code)
        except ArchCodeError as e:
            errors.append(e.with_key(key))
        else:
            valid[key] = code
    return valid, errors
