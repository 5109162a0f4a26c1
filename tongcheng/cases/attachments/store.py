"""The attachments' files: one encrypted file per attachment under settings.ATTACHMENT_ROOT.

A file lives at `<root>/<first two characters of its key>/<key>`, its key 32 random hex digits
(`new_key`): the path says nothing of the case, the person or the file. It is written to
`<root>/tmp/` first, flushed to the disk, then renamed into place (atomic within one file
system), so no reader ever sees half a file; folders are 0700 and files 0600. This module
moves bytes only: what it stores is already sealed (cases.identifiers.seal_attachment).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

KEY = re.compile(r"[0-9a-f]{32}")
TEMPORARY = "tmp"


def new_key() -> str:
    return secrets.token_hex(16)


def root() -> Path:
    return Path(settings.ATTACHMENT_ROOT)


def path_of(key: str) -> Path:
    if not KEY.fullmatch(key):
        raise ValueError("not a storage key")
    return root() / key[:2] / key


def _folder(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def put(key: str, blob: bytes) -> None:
    """Store `blob` as the file of `key`, whole or not at all (OSError when the disk refuses)."""
    target = path_of(key)
    _folder(target.parent)
    descriptor, temporary = tempfile.mkstemp(dir=_folder(root() / TEMPORARY), suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(blob)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    # The rename itself reaches the disk with its folder.
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def get(key: str) -> bytes:
    """The stored (sealed) bytes of `key` (FileNotFoundError when there is no such file)."""
    return path_of(key).read_bytes()


def erase(key: str) -> bool:
    """Remove the file of `key`; whether there was one."""
    try:
        path_of(key).unlink()
    except FileNotFoundError:
        return False
    return True


def _modified(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:  # erased meanwhile
        return None


def stored() -> Iterator[tuple[str, float]]:
    """(key, modification time) of every stored file."""
    base = root()
    if not base.is_dir():
        return
    for folder in sorted(base.iterdir()):
        if folder.name == TEMPORARY or not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            modified = _modified(path)
            if KEY.fullmatch(path.name) and path.name[:2] == folder.name and modified is not None:
                yield path.name, modified


def erase_temporaries(*, before: float) -> int:
    """Erase what writes left in the temporary folder before `before` (a timestamp)."""
    folder = root() / TEMPORARY
    if not folder.is_dir():
        return 0
    erased = 0
    for path in sorted(folder.iterdir()):
        modified = _modified(path)
        if modified is not None and modified < before:
            path.unlink(missing_ok=True)
            erased += 1
    return erased
