"""Read arch files in the challenge format ``{key: {"arch": code, ...}}``.

Rules (shared by every tool, loop and sampler that reads an arch file):

* A file that cannot be read as a JSON object raises :class:`ArchFileError`
  (missing, unreadable, not JSON, not an object).
* Otherwise every entry is checked and *every* bad one is reported, each as
  one :class:`ArchCodeError` naming its key, position (or whole code / whole
  entry) and reason; none aborts the reading of the file. A bad entry is an
  entry that is not an object, has no ``"arch"`` field, whose ``"arch"`` is
  not a string or whose fields repeat, or whose key appears more than once
  in the JSON text (``json`` would silently keep the last); a bad code is one
  that the search space's :meth:`~BaseSearchSpace.decode` rejects.
* A top-level ``"invalid"`` entry (the list tools write with
  ``--skip-invalid``) is not an arch and is ignored.
"""
import json
import warnings
from collections import Counter
from typing import (Any, Dict, Iterator, List, Mapping, Optional, Sequence,
                    Tuple)

from .base import BaseSearchSpace
from .errors import (ArchCodeError, ArchEntryError, ArchFileError,
                     describe_error)

#: Top-level key that tools use to list rejected codes; never an arch key.
INVALID_KEY = 'invalid'


class _JSONObject(dict):
    """A JSON object that remembers which keys its text repeats.

    Args:
        pairs: The ``(key, value)`` pairs in text order.
    """

    def __init__(self, pairs: Sequence[Tuple[str, Any]]) -> None:
        super().__init__(pairs)
        counts = Counter(key for key, _ in pairs)
        self.duplicates: Dict[str, int] = {
            key: n for key, n in counts.items() if n > 1}


def _plain(value: Any) -> Any:
    """``value`` with every :class:`_JSONObject` turned into a ``dict``."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _read_json(path: str) -> _JSONObject:
    """Parse an arch file into a :class:`_JSONObject` (keys in file order).

    Raises:
        ArchFileError: If the file cannot be read as a JSON object.
    """
    try:
        with open(path, encoding='utf-8') as f:
            data = json.load(f, object_pairs_hook=_JSONObject)
    except FileNotFoundError:
        raise ArchFileError(f'{path}: no such arch file') from None
    except json.JSONDecodeError as e:
        raise ArchFileError(f'{path}: not valid JSON: line {e.lineno} '
                            f'column {e.colno}: {e.msg}') from None
    except (OSError, UnicodeDecodeError) as e:
        raise ArchFileError(f'{path}: cannot read the arch file: {e}') \
            from None
    if not isinstance(data, dict):
        raise ArchFileError(f'{path}: expected a JSON object '
                            f'{{key: {{"arch": code}}}}, got '
                            f'{type(data).__name__}')
    return data


def entry_error(key: str, entry: Any,
                repeats: int = 1) -> Optional[ArchEntryError]:
    """The problem of one arch-file entry that is not about its code.

    Args:
        key: The entry's key.
        entry: The entry's value.
        repeats: How often ``key`` appears in the file's text.

    Returns:
        An :class:`ArchEntryError`, or ``None`` if the entry is well formed
        (an object with an ``"arch"`` string; the code is not checked).
    """
    if repeats > 1:
        return ArchEntryError(
            key, f'key appears {repeats} times in the file (a JSON reader '
            'keeps only the last); give every entry its own key')
    if not isinstance(entry, dict):
        return ArchEntryError(
            key, 'expected an object {"arch": code, ...}, got '
            f'{type(entry).__name__} {entry!r:.60}')
    repeated = getattr(entry, 'duplicates', {})
    if repeated:
        field, n = next(iter(repeated.items()))
        return ArchEntryError(key, f'field {field!r} appears {n} times in '
                              'the entry')
    if 'arch' not in entry:
        return ArchEntryError(
            key, f'no "arch" field (fields: {", ".join(map(repr, entry))})'
            if entry else 'no "arch" field (empty object)')
    arch = entry['arch']
    if not isinstance(arch, str):
        return ArchEntryError(key, f'"arch" must be a string, got '
                              f'{type(arch).__name__} {arch!r:.60}')
    return None


def _checked_entries(entries: Mapping[str, Any]
                     ) -> Iterator[Tuple[str, Any, Optional[ArchCodeError]]]:
    """``(key, entry, entry error or None)`` of every entry in file order
    (the ``"invalid"`` list of a scores file left out; repeated keys, known
    to this module's JSON reader, are errors)."""
    repeats = getattr(entries, 'duplicates', {})
    for key, entry in entries.items():
        if key != INVALID_KEY:
            yield key, entry, entry_error(key, entry, repeats.get(key, 1))


def _entry_errors(entries: Mapping[str, Any]
                  ) -> Tuple[Dict[str, dict], List[ArchCodeError]]:
    """Split a parsed file into well-formed entries and entry errors."""
    good, errors = {}, []
    for key, entry, error in _checked_entries(entries):
        if error is None:
            good[key] = _plain(entry)
        else:
            errors.append(error)
    return good, errors


def read_arch_file(path: str
                   ) -> Tuple[Dict[str, dict], List[ArchCodeError]]:
    """Read an arch file and check the shape of every entry (not the codes).

    Args:
        path: JSON file mapping keys to objects with an ``"arch"`` string.

    Returns:
        ``(entries, errors)``: the well-formed entries in file order, and one
        :class:`ArchEntryError` per malformed entry, in file order.

    Raises:
        ArchFileError: If the file as a whole cannot be read.
    """
    return _entry_errors(_read_json(path))


def load_arch_file(path: str) -> Dict[str, dict]:
    """Load an arch file whose entries must all be well formed.

    Args:
        path: JSON file mapping keys to objects with an ``"arch"`` string.

    Returns:
        The mapping, in file order, without a top-level ``"invalid"`` list.

    Raises:
        ArchFileError: If the file cannot be read, or listing (in
            ``errors``) every malformed entry.
    """
    entries, errors = read_arch_file(path)
    if errors:
        raise ArchFileError(
            invalid_summary(path, len(errors), len(entries) + len(errors),
                            'malformed'), errors, path)
    return entries


def check_codes(entries: Mapping[str, Any], space: BaseSearchSpace
                ) -> Tuple[Dict[str, str], List[ArchCodeError]]:
    """Validate every entry and code of an arch file.

    A code is valid if ``space.decode`` accepts it (tied or untied, with or
    without the image-size character, whatever the space samples).

    Args:
        entries: Key -> entry, e.g. from :func:`read_arch_file`; malformed
            entries are reported too (and repeated keys, if ``entries``
            comes from the JSON reader of this module).
        space: The search space.

    Returns:
        ``(valid, errors)``: key -> code of the valid entries in file order,
        and one :class:`ArchCodeError` (naming its key) per invalid entry, in
        file order.
    """
    valid, errors = {}, []
    for key, entry, error in _checked_entries(entries):
        if error is not None:
            errors.append(error)
            continue
        code = entry['arch']
        try:
            space.validate(code)
        except ArchCodeError as e:
            errors.append(e.with_key(key))
        else:
            valid[key] = code
    return valid, errors


def read_arch_codes(path: str, space: BaseSearchSpace
                    ) -> Tuple[Dict[str, str], List[ArchCodeError]]:
    """Read an arch file and validate every entry and code in one pass.

    Args:
        path: The arch file.
        space: The search space.

    Returns:
        As :func:`check_codes`: the valid codes and every error, in file
        order.

    Raises:
        ArchFileError: If the file as a whole cannot be read.
    """
    return check_codes(_read_json(path), space)


def read_valid_codes(path: str, space: BaseSearchSpace,
                     skip_invalid: bool = False,
                     user: str = 'this reader') -> Dict[str, str]:
    """The valid codes of an arch file, under the rules of the samplers.

    Every bad entry and code is listed, one line each: by default the file
    is then refused; with ``skip_invalid=True`` a warning lists them and
    the valid codes are used.

    Args:
        path: The arch file.
        space: The search space that must accept the codes.
        skip_invalid: Use the valid codes of a file with bad entries or
            codes instead of refusing it.
        user: Who reads the file (e.g. ``'FixedListSampler'``), named in
            the error message.

    Returns:
        Key -> code of the valid entries, in file order (at least one).

    Raises:
        ArchFileError: If the file cannot be read, or (without
            ``skip_invalid``) listing every bad entry and code in ``errors``.
        ValueError: If the file has no valid code.
    """
    valid, errors = read_arch_codes(path, space)
    total = len(valid) + len(errors)
    if errors and not skip_invalid:
        raise ArchFileError(
            invalid_summary(path, len(errors), total) +
            f' for {type(space).__name__} ({user}; set skip_invalid=True to '
            'use the valid ones)', errors, path)
    if not valid:
        raise ValueError(f'arch_file {path!r} has no valid code for '
                         f'{type(space).__name__} ({len(errors)} invalid)')
    if errors:
        warnings.warn(
            invalid_summary(path, len(errors), total, 'skipped') + ':\n' +
            '\n'.join(describe_error(e, path) for e in errors))
    return valid


def invalid_summary(path: str, num_invalid: int, num_entries: int,
                    what: str = 'invalid') -> str:
    """One line: how many entries of ``path`` are bad."""
    return f'{path}: {num_invalid} of {num_entries} entries {what}'
