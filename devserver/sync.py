"""Make a destination folder hold exactly a source folder's files, touching only what differs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def _same(src: str, dest: str) -> bool:
    try:
        if os.path.getsize(src) != os.path.getsize(dest):
            return False
        with open(src, "rb") as a, open(dest, "rb") as b:
            return a.read() == b.read()
    except OSError:
        return False


def _clear_way(dest: Path, root: Path) -> list[str]:
    """Remove a directory where a file goes, or a file where a directory goes (a slug became a
    folder or the other way round); returns the removed files, relative to `root`."""
    removed = []
    if dest.is_dir() and not dest.is_symlink():
        removed = [p.relative_to(root).as_posix() for p in dest.rglob("*") if not p.is_dir()]
        shutil.rmtree(dest)
    parent = dest.parent
    while parent != root and root in parent.parents:
        if parent.is_file() or parent.is_symlink():
            parent.unlink()
            removed.append(parent.relative_to(root).as_posix())
            break
        parent = parent.parent
    dest.parent.mkdir(parents=True, exist_ok=True)
    return removed


def sync_tree(src: Path, dest: Path, *, delete: bool = True) -> list[str]:
    """Move every file of `src` whose bytes differ into `dest` (os.replace: a reader never sees a
    half-written file) and, with `delete`, remove what `src` does not have; returns the changed
    paths relative to `dest`, '/'-separated, sorted. `src` is consumed."""
    src, dest = Path(src), Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    changed: list[str] = []
    seen: set[str] = set()
    for root, _dirs, files in os.walk(src):
        for name in files:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, src).replace(os.sep, "/")
            seen.add(rel)
            target = dest / rel
            if _same(path, str(target)):
                os.unlink(path)  # consumed: a kept scratch folder must not offer it again later
                continue
            if not target.parent.is_dir() or target.is_dir():
                changed += _clear_way(target, dest)
            os.replace(path, target)
            changed.append(rel)
    if delete:
        for root, dirs, files in os.walk(dest, topdown=False):
            for name in files:
                path = os.path.join(root, name)
                rel = os.path.relpath(path, dest).replace(os.sep, "/")
                if rel not in seen:
                    os.unlink(path)
                    changed.append(rel)
            for name in dirs:
                folder = os.path.join(root, name)
                if os.path.isdir(folder) and not os.path.islink(folder) and not os.listdir(folder):
                    os.rmdir(folder)
    return sorted(set(changed))
