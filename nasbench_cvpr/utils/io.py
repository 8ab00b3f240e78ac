"""Atomic file writes: a reader never sees a half-written file."""
import json
import os
import tempfile
from contextlib import contextmanager
from typing import IO, Any, Iterator, List


@contextmanager
def atomic_open(path: str, mode: str = 'w') -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success it is flushed,
    fsync'ed and renamed onto ``path``, on error removed.

    Args:
        path: Final file path (its directory is created).
        mode: ``'w'`` (text) or ``'wb'`` (binary).
    """
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix='.tmp-',
                               suffix=os.path.basename(path))
    try:
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str, text: str) -> None:
    """Write ``text`` to ``path`` atomically."""
    with atomic_open(path) as f:
        f.write(text)


def atomic_write_json(path: str, obj: Any, indent: int = 1) -> None:
    """Write ``obj`` as JSON to ``path`` atomically."""
    atomic_write_text(path, json.dumps(obj, indent=indent) + '\n')


def read_jsonl(path: str, repair: bool = False) -> List[dict]:
    """Complete records of a JSON-lines log, in file order.

    A torn (unterminated) last line, left by a kill during a write, is
    ignored and, with ``repair``, cut off the file. A missing file has no
    records.

    Args:
        path: The log.
        repair: Truncate a torn last line.
    """
    if not os.path.exists(path):
        return []
    with open(path, 'rb') as f:
        data = f.read()
    end = data.rfind(b'\n') + 1
    if repair and end != len(data):
        with open(path, 'r+b') as f:
            f.truncate(end)
    return [json.loads(line) for line in data[:end].decode().splitlines()
            if line.strip()]


def append_jsonl(path: str, record: dict) -> None:
    """Append ``record`` as one JSON line and force it to disk (write,
    flush, fsync) before returning."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, 'a') as f:
        f.write(json.dumps(record, sort_keys=True) + '\n')
        f.flush()
        os.fsync(f.fileno())
