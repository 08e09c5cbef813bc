"""One production build or `make publish` at a time: an exclusive `flock` on build/publish.lock.

Why flock: the kernel releases it when the holder dies, even by SIGKILL, so a crash never leaves
a stale lock; and a Pelican child started with the lock's descriptor (`pass_fds`) keeps holding
it if its parent is killed, so no second run starts while an orphaned build still writes.

A refused run must change nothing: the lock file is opened read-only when it exists (no mtime,
no folder entry touched), and created only when it is missing.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from plugins.settings import value_of

NAME = "publish.lock"


class Busy(RuntimeError):
    """Another publish or production build holds the lock."""


def path_for(settings: dict) -> Path:
    """build/publish.lock: in LECTERN_BUILD_DIR (never deployed)."""
    return value_of(settings, "LECTERN_BUILD_DIR") / NAME


@contextmanager
def held(path: str | os.PathLike, command: str = "make publish") -> Iterator[int]:
    """Hold the lock for the `with` block and yield its descriptor; raise `Busy` at once if taken."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise Busy(
            f"another publish is running (or a production build): {path} is locked by another "
            f"process — wait for it to finish, then run `{command}` again; this run changed nothing"
        ) from None
    try:
        yield fd
    finally:
        os.close(fd)
