"""Append-only, resumable result records (one JSON line per arch key).

Each finished subnet is appended as one line and fsync'ed, so a run killed at
any point loses at most the subnet in flight; a torn last line is dropped when
the file is reopened. Final files are written atomically from the records, in
arch-file order, so an interrupted-and-resumed run writes the same bytes as an
uninterrupted one.
"""
import json
import os
from typing import Dict, Iterable


class ResultStore:
    """Records of one process in ``path`` (a ``.jsonl`` file).

    Args:
        path: File of this process's records.
        resume: Keep existing records (else start empty).
    """

    def __init__(self, path: str, resume: bool = False) -> None:
        self.path = path
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self.records: Dict[str, dict] = {}
        if resume and os.path.exists(path):
            self.records = read_records(path, repair=True)
        else:
            open(path, 'w').close()
        self._file = open(path, 'a')

    def __contains__(self, key: str) -> bool:
        return key in self.records

    def add(self, key: str, record: dict) -> None:
        """Append one finished record and force it to disk."""
        line = json.dumps(dict(key=key, **record), sort_keys=True)
        self._file.write(line + '\n')
        self._file.flush()
        os.fsync(self._file.fileno())
        self.records[key] = record

    def close(self) -> None:
        self._file.close()


def read_records(path: str, repair: bool = False) -> Dict[str, dict]:
    """Read a record file; a torn (unterminated) last line is ignored and,
    with ``repair``, cut off the file."""
    with open(path, 'rb') as f:
        data = f.read()
    end = data.rfind(b'\n') + 1
    if repair and end != len(data):
        with open(path, 'r+b') as f:
            f.truncate(end)
    records = {}
    for line in data[:end].decode().splitlines():
        if line.strip():
            rec = json.loads(line)
            records[rec.pop('key')] = rec
    return records


def merge_records(paths: Iterable[str]) -> Dict[str, dict]:
    """Union of the records of several processes."""
    merged: Dict[str, dict] = {}
    for path in paths:
        if os.path.exists(path):
            merged.update(read_records(path))
    return merged

