"""Errors raised for malformed arch codes and arch files."""
from typing import Optional


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

    def describe(self) -> str:
        """One line: key, position, reason and the code."""
        where = f'position {self.position}' if self.position is not None \
            else 'whole code'
        prefix = f'{self.key}: ' if self.key is not None else ''
        return f'{prefix}{where}: {self.reason} (code {self.code!r})'


class ArchFileError(ValueError):
    """An arch file that cannot be read as ``{key: {"arch": code, ...}}``."""
