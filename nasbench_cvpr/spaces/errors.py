"""Errors raised for malformed arch codes and arch files."""
from typing import List, Optional, Sequence


class ArchCodeError(ValueError):
    """An arch code that its search space rejects.

    Args:
        code: The offending code, as given.
        position: 0-based character position of the first bad character, or
            ``None`` when the problem is not tied to one position.
        reason: Human-readable reason.
        key: Key of the code in an arch file, if it came from one.
    """

    def __init__(self,
                 code: str,
                 position: Optional[int],
                 reason: str,
                 key: Optional[str] = None) -> None:
        self.code = code
        self.position = position
        self.reason = reason
        self.key = key
        super().__init__(self.describe())

    def with_key(self, key: str) -> 'ArchCodeError':
        """Return a copy of this error that names the arch-file key."""
        return ArchCodeError(self.code, self.position, self.reason, key)

    @property
    def where(self) -> str:
        """``'position N'``, or ``'whole code'`` when no position applies."""
        return f'position {self.position}' if self.position is not None \
            else 'whole code'

    def describe(self) -> str:
        """One line: key, position, reason and the code."""
        prefix = f'{self.key}: ' if self.key is not None else ''
        return f'{prefix}{self.where}: {self.reason} (code {self.code!r})'

    def as_record(self) -> dict:
        """The error as a JSON-ready record (``key``, ``where``,
        ``position``, ``reason``), as tools list it under ``"invalid"``."""
        return dict(key=self.key, where=self.where, position=self.position,
                    reason=self.reason)


class ArchEntryError(ArchCodeError):
    """An arch-file entry that holds no code to check.

    The entry is not an object, has no ``"arch"`` field, its ``"arch"`` is
    not a string, a field appears twice in it, or its key appears more than
    once in the file. Reported like a bad code, at ``'whole entry'``.

    Args:
        key: Key of the entry in the arch file.
        reason: Human-readable reason.
    """

    def __init__(self, key: str, reason: str) -> None:
        super().__init__('', None, reason, key)

    def with_key(self, key: str) -> 'ArchEntryError':
        return ArchEntryError(key, self.reason)

    @property
    def where(self) -> str:
        return 'whole entry'

    def describe(self) -> str:
        """One line: key, ``whole entry`` and the reason."""
        return f'{self.key}: {self.where}: {self.reason}'


class ArchFileError(ValueError):
    """An arch file that cannot be read as ``{key: {"arch": code, ...}}``.

    ``str()`` of the error is the message, then one line per bad entry or
    code; tools print :meth:`lines` and :attr:`summary` separately.

    Args:
        message: What is wrong, naming the file.
        errors: The bad entries or codes behind it, one error each (empty
            when the file as a whole is unreadable).
        path: The file, if the errors are about one file.
    """

    def __init__(self, message: str,
                 errors: Sequence[ArchCodeError] = (),
                 path: Optional[str] = None) -> None:
        self.summary = message
        self.errors = list(errors)
        self.path = path
        super().__init__('\n'.join([message] + self.lines()))

    def lines(self) -> List[str]:
        """One line per bad entry or code (see :func:`describe_error`)."""
        return [describe_error(e, self.path) for e in self.errors]


def describe_error(error: ArchCodeError, path: Optional[str] = None) -> str:
    """One line for a bad entry or code: ``invalid entry: ...`` or
    ``invalid code: ...``, with key, position (or whole code/entry) and
    reason, prefixed by ``path`` if given."""
    kind = 'entry' if isinstance(error, ArchEntryError) else 'code'
    where = f'{path}: ' if path else ''
    return f'invalid {kind}: {where}{error.describe()}'
