"""Tripwires for fast paths that reach into a library's private internals.

A few fast paths use what a library does not promise to keep: fast_reader copies Pelican's
`MarkdownReader._parse_metadata`, overrides the Writer's `_open_w` and swaps Python-Markdown's
inline processor; publish/lengths.py imports private modules of twitter-text and grapheme and
parses the source of an emoji regex. Their byte-identity tests prove them for the pinned versions
only, and nothing would notice an upgrade that changes those internals: the output would drift,
or a build would break, silently. So each fast path declares, next to its code, the versions its
tests proved (`PROVEN = {"pelican": "4.12.0"}`) and asks its `Tripwire` before taking the fast path.

On any other installed version — or when the internals are gone (the setup raises ImportError,
AttributeError, ...) — the tripwire logs one warning naming the library, the installed and the
proven version, and the caller takes the library's public path: the same output, only slower.
Upgrading is then: run the named identity tests on the new version, update PROVEN.

`LECTERN_ASSUME_VERSIONS="pelican==4.13.0, markdown==3.12.0"` checks as if those versions were
installed; the tests use it to prove that the public paths give the same output.

Standard library only (no Pelican): the plugins and publish/ both import it.
"""

from __future__ import annotations

import inspect
import logging
import os
import re
from collections.abc import Callable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Generic, TypeVar

logger = logging.getLogger(__name__)

ASSUME_ENV = "LECTERN_ASSUME_VERSIONS"
_ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")

#: every tripwire created in this process, for `forget_all`
WIRES: list[Tripwire] = []


def _canonical(name: str) -> str:
    """PEP 503 name: `Markdown`, `twitter_text_parser` and `twitter-text-parser` are one distribution."""
    return re.sub(r"[-_.]+", "-", name).lower()


def assumed_versions() -> dict[str, str]:
    """`LECTERN_ASSUME_VERSIONS` as {canonical name: version}; malformed entries are ignored."""
    assumed = {}
    for entry in re.split(r"[,\s]+", os.environ.get(ASSUME_ENV, "")):
        name, sep, version = entry.partition("==")
        if sep and name.strip() and version.strip():
            assumed[_canonical(name.strip())] = version.strip()
    return assumed


def installed_version(dist: str) -> str | None:
    """The installed version of distribution `dist` (as `LECTERN_ASSUME_VERSIONS` may pretend); None
    when it is not installed."""
    assumed = assumed_versions().get(_canonical(dist))
    if assumed is not None:
        return assumed
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


class Tripwire(Generic[T]):
    """One fast path's guard: `get()` is its setup's result, or None when the public path must be used.

    `part` names the fast path in the warning, `proven` maps each distribution whose internals it
    uses to the version(s) its identity tests passed on (read at the first `get()`, so a test may
    change it before), `uses` says which internals, `public` what is used instead and `tests` what
    to re-run after an upgrade. `setup` imports or looks up the internals and returns what the fast
    path needs; any exception it raises means they are not what the code expects. The decision is
    made once per process and warned about once.
    """

    def __init__(self, part: str, *, proven: Mapping[str, str | tuple[str, ...]], uses: str, public: str,
                 tests: str, setup: Callable[[], T]):
        self.part, self.proven, self.uses, self.public, self.tests = part, proven, uses, public, tests
        self.setup = setup
        self._decided = False
        self._value: T | None = None
        self.warnings = 0
        WIRES.append(self)

    def get(self) -> T | None:
        if not self._decided:
            self._value = self._decide()
            self._decided = True
        return self._value

    def _decide(self) -> T | None:
        for dist, versions in self.proven.items():
            proven = (versions,) if isinstance(versions, str) else tuple(versions)
            installed = installed_version(dist)
            if installed not in proven:
                now = f"{dist} {installed} is installed" if installed else f"{dist} is not installed"
                self._warn(f"{now}, but this fast path was proven on {dist} {' / '.join(proven)} only")
                return None
        try:
            return self.setup()
        except Exception as exc:  # noqa: BLE001 — whatever changed, the public path is always right
            return self.trip(exc)

    def trip(self, exc: BaseException) -> None:
        """The internals failed in use (or at setup): warn once; every later `get()` returns None."""
        self._decided, self._value = True, None
        self._warn(f"the internals it uses are not what it expects ({type(exc).__name__}: {exc})")

    def _warn(self, why: str) -> None:
        if self.warnings:
            return
        self.warnings += 1
        logger.warning("%s: %s (it uses %s) — using %s instead: same output, slower. After an upgrade, "
                       "run %s on the new version and update PROVEN in %s.",
                       self.part, why, self.uses, self.public, self.tests, self.home())

    def home(self) -> str:
        """Where PROVEN is declared: the setup's file, relative to the repository when inside it."""
        try:
            target = self.setup if inspect.isroutine(self.setup) else type(self.setup)
            path = Path(inspect.getsourcefile(target) or "")
            return str(path.resolve().relative_to(_ROOT)) if path.name else "its module"
        except (TypeError, ValueError):
            return getattr(self.setup, "__module__", None) or "its module"

    def forget(self) -> None:
        """Decide and warn again at the next `get()` (tests; the decision otherwise lasts the process)."""
        self._decided, self._value, self.warnings = False, None, 0


def forget_all() -> None:
    for wire in WIRES:
        wire.forget()
