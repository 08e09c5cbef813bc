"""`python -m publish.build`: a production build that replaces output/ only when it fully passed.

Pelican writes straight into OUTPUT_PATH (and publishconf.py deletes that folder first), so a
build stopped by a broken post or by the brand guard's last gate used to leave a half-written,
possibly leaking site exactly where the next upload reads it. Here Pelican renders into a
staging folder beside output/ (`output.staging-XXXX`: same filesystem, so the swap is a rename),
and only once Pelican exited 0 — every gate inside the build passed — is it swapped in with one
atomic rename (renameat2 RENAME_EXCHANGE: a reader sees the old site or the new one, never none;
two renames where the kernel or filesystem lacks it). The old site is removed afterwards.
A failed build leaves output/ byte for byte as it was, or absent if it was absent.

Staging and trash folders left by a killed build are removed by the next build; one still locked
(flock on the folder) by a running build is left alone.
"""

from __future__ import annotations

import argparse
import ctypes
import errno
import fcntl
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from . import lock

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def build(content: str | os.PathLike, output: str | os.PathLike, settings_file: str | os.PathLike,
          pelican_args: Sequence[str] = (), *, pass_fds: Sequence[int] = ()) -> int:
    """Build into a staging folder and swap it into `output` if Pelican succeeds; Pelican's exit
    status is returned (0: output/ now holds the new site; otherwise output/ is untouched)."""
    target = Path(os.path.realpath(output))  # a symlinked output/ is replaced where it points
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target)
    staging = Path(tempfile.mkdtemp(prefix=f"{target.name}.staging-", dir=target.parent))
    fd = os.open(staging, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # tells other builds' clean_stale that this folder is in use
    try:
        command = [sys.executable, "-m", "pelican", os.fspath(content), "-o", str(staging),
                   "-s", os.fspath(settings_file), *pelican_args]
        status = subprocess.run(command, pass_fds=tuple(pass_fds)).returncode
        if status != 0:
            print(f"lectern: the production build failed (exit {status}); {target} was left as it was",
                  file=sys.stderr)
            return status
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp made it private; a site folder is not
        try:
            swap(staging, target)
        except OSError as exc:  # e.g. output/ is a mount point: it cannot be renamed
            print(f"lectern: cannot put the new site in place of {target} ({exc.strerror}); it was left "
                  "as it was — make the folder above it writable, or build into a folder that is not a "
                  "mount point and copy from there", file=sys.stderr)
            return 1
        return 0
    finally:
        os.close(fd)
        shutil.rmtree(staging, ignore_errors=True)  # the failed build, or the old site after a swap


def swap(staging: Path, output: Path) -> None:
    """Put `staging` at `output`; the old site (if any) ends up at `staging`'s path."""
    if not os.path.lexists(output):
        os.rename(staging, output)
        return
    try:
        _exchange(staging, output)
    except OSError:
        trash = staging.with_name(staging.name.replace(".staging-", ".trash-", 1))
        os.rename(output, trash)
        os.rename(staging, output)
        os.rename(trash, staging)


def clean_stale(output: Path) -> list[Path]:
    """Remove staging/trash folders of `output` that no running build holds; return them."""
    removed = []
    pattern = glob.escape(str(output))
    for path in sorted(glob.glob(pattern + ".staging-*") + glob.glob(pattern + ".trash-*")):
        if os.path.islink(path) or not os.path.isdir(path):
            continue
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue  # a build in progress
        try:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(Path(path))
        finally:
            os.close(fd)
    return removed


def _exchange(a: Path, b: Path) -> None:
    """Atomically exchange two paths (Linux renameat2 RENAME_EXCHANGE)."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(b))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def parse_args(argv: Sequence[str] | None) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="python -m publish.build", description=__doc__.splitlines()[0],
                                     epilog="Other arguments (after --) go to Pelican, e.g. -- -D.")
    parser.add_argument("--settings", default="publishconf.py", help="Pelican settings file")
    parser.add_argument("--content", help="content folder (default: the settings' PATH)")
    parser.add_argument("--output", help="output folder (default: the settings' OUTPUT_PATH)")
    args, rest = parser.parse_known_args(argv)
    return args, [a for a in rest if a != "--"]


def folders(args: argparse.Namespace, settings: dict) -> tuple[str, str]:
    return args.content or settings["PATH"], args.output or settings["OUTPUT_PATH"]


def main(argv: Sequence[str] | None = None) -> int:
    from .settings import SettingsError, load

    args, pelican_args = parse_args(argv)
    try:
        settings = load(args.settings)
    except SettingsError as exc:
        print(f"lectern: settings: {exc}", file=sys.stderr)
        return 2
    content, output = folders(args, settings)
    try:
        with lock.held(lock.path_for(settings), "make build-prod") as fd:
            return build(content, output, args.settings, pelican_args, pass_fds=(fd,))
    except lock.Busy as exc:
        print(f"lectern: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
