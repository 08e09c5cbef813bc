"""Watch the site's inputs and apply each change: the edited page first, then a full build.

One worker thread applies changes in order, so builds never overlap and the in-memory site is
only touched by it. The watcher threads only collect changed paths; when one arrives while a full
build runs, that build is stopped at its next step and the worker starts over with every change
so far (the output is synced only from a build that finished, so it is never half-updated).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import watchfiles

from .site import MARKDOWN_SUFFIXES, Aborted, Site

logger = logging.getLogger(__name__)

Notify = Callable[[list[str]], None]


class Changes:
    """Paths changed since the worker last looked, and a flag that stops a running build."""

    def __init__(self) -> None:
        self._paths: set[str] = set()
        self._cond = threading.Condition()
        self.abort = threading.Event()

    def add(self, paths: Iterable[str]) -> None:
        with self._cond:
            self._paths.update(os.path.abspath(p) for p in paths)
            self.abort.set()
            self._cond.notify_all()

    def take(self, timeout: float | None = None) -> set[str]:
        """Wait for changes (up to `timeout` seconds) and return them all."""
        with self._cond:
            if not self._paths:
                self._cond.wait(timeout)
            paths, self._paths = self._paths, set()
            self.abort.clear()
            return paths


class Loop:
    """The dev server's worker: applies changes to `site` and reports changed output paths."""

    def __init__(self, site: Site, *, notify: Notify = lambda paths: None,
                 config_files: Iterable[Path] = (), say: Callable[[str], None] = print):
        self.site = site
        self.notify = notify
        self.say = say
        self.changes = Changes()
        self.config_files = {os.path.abspath(p) for p in config_files}
        self.settled = threading.Event()  # set while no change is waiting or being built
        self.stop = threading.Event()
        self.unsettled: set[str] = set()
        self.full_needed = True  # the first build

    # ------------------------------------------------------------------ the worker
    def run(self) -> None:
        """Apply changes until `stop` is set (run it in a thread, or as the main loop)."""
        while not self.stop.is_set():
            if self.unsettled or self.full_needed:
                batch = self.changes.take(timeout=0)
            else:
                self.settled.set()
                batch = self.changes.take(timeout=0.5)
                if not batch:
                    continue
            self.settled.clear()
            self.apply(batch)

    def apply(self, batch: set[str]) -> None:
        if batch & self.config_files:
            self.site.forget_cache()  # settings may change how every post reads
            self.full_needed = True
        if batch and not self.full_needed:
            self.first(batch)
        self.unsettled |= batch
        self.settle()

    def first(self, batch: set[str]) -> None:
        """Render each edited post's own page, when only its body changed."""
        if not all(p.lower().endswith(MARKDOWN_SUFFIXES) for p in batch):
            return
        for path in sorted(batch):
            started = time.perf_counter()
            try:
                written = self.site.render_first(Path(path))
            except Exception:  # noqa: BLE001 — the full build that follows reports it properly
                logger.debug("devserver: could not render %s first", path, exc_info=True)
                written = None
            if written is None:
                return
            if written:
                self.notify(written)
                parts = ", ".join(f"{k} {v:.3f} s" for k, v in self.site.last_timing.items())
                self.say(f"devserver: {_rel(path)} → {', '.join(written)} in "
                         f"{time.perf_counter() - started:.2f} s ({parts}); updating the rest of the site")

    def settle(self) -> None:
        started = time.perf_counter()
        try:
            changed = self.site.build(self.changes.abort)
        except Aborted:
            self.say("devserver: newer change — restarting the build")
            return
        except (Exception, SystemExit):  # noqa: BLE001 — a dev server survives a bad edit
            logger.exception("devserver: the build failed; output/ is unchanged. Fix the error and save "
                             "again")
            self.unsettled.clear()
            self.full_needed = True
            return
        self.unsettled.clear()
        self.full_needed = False
        if changed:
            self.notify(changed)
        self.say(f"devserver: settled in {time.perf_counter() - started:.2f} s "
                 f"({len(changed)} output {'file' if len(changed) == 1 else 'files'} changed)")

    # ------------------------------------------------------------------ the watchers
    def watch(self, folders: Iterable[Path]) -> list[threading.Thread]:
        """Start watching `folders` (recursive, inotify) and the config files (polled)."""
        folders = [str(f) for f in folders if Path(f).is_dir()]
        threads = [threading.Thread(target=self._watch_folders, args=(folders,), daemon=True,
                                    name="devserver-watch"),
                   threading.Thread(target=self._poll_files, daemon=True, name="devserver-poll")]
        for thread in threads:
            thread.start()
        return threads

    def _watch_folders(self, folders: list[str]) -> None:
        # step: how long the folder must stay quiet before a batch is handed over (an editor's
        # save is several events within a few milliseconds); debounce caps the wait.
        for batch in watchfiles.watch(*folders, debounce=400, step=20, stop_event=self.stop,
                                      rust_timeout=500, yield_on_timeout=True,
                                      raise_interrupt=False):
            if batch:
                self.changes.add(path for _change, path in batch)

    def _poll_files(self, interval: float = 0.3) -> None:
        """Settings and brand.yml live beside .venv/ and output/: poll them instead of watching
        their folder (an editor's atomic save replaces the file, which a file watch would lose)."""
        seen = {path: _stamp(path) for path in self.config_files}
        while not self.stop.wait(interval):
            for path in self.config_files:
                stamp = _stamp(path)
                if stamp != seen[path]:
                    seen[path] = stamp
                    self.changes.add([path])


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _rel(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return path
