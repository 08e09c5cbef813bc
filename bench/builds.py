"""The Pelican builds under test, as settings files plus a command line each.

Each build writes into its own scratch folder so alternating them never lets one reuse another's
output or cache. The vanilla reference is Pelican's own defaults (default theme, no plugins,
Python-Markdown with Pelican's default extensions) with Atom and RSS feeds on — what someone
running `pelican-quickstart` gets — pointed at the same content folder.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PELICAN = Path(sys.executable).with_name("pelican")

VANILLA_SETTINGS = """\
# Vanilla Pelican: default theme, no plugins, Atom + RSS feeds on (written by bench/builds.py).
SITENAME = "Bench"
AUTHOR = "Bench"
SITEURL = "http://localhost:8000"
TIMEZONE = "Europe/London"
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
PLUGINS = []
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{slug}.rss.xml"
"""


@dataclass(frozen=True)
class Build:
    name: str
    conf: Path
    output: Path
    cache: Path

    def command(self, content: Path) -> list[str]:
        return [str(PELICAN), str(content), "-o", str(self.output), "-s", str(self.conf), "-q"]

    def clean(self) -> None:
        """Remove output and cache: a full build starts from nothing, like a fresh clone."""
        for path in (self.output, self.cache):
            shutil.rmtree(path, ignore_errors=True)


def _lectern_settings(conf: str, work: Path) -> str:
    overrides = {
        "OUTPUT_PATH": str(work / "output"),
        "LECTERN_BUILD_DIR": str(work / "build"),
        "SYNDICATION_MANIFEST": str(work / "build" / "manifest.json"),
        "SYNDICATION_LEDGER": str(work / "ledger.jsonl"),
    }
    lines = [f"import sys; sys.path.insert(0, {str(REPO)!r})", f"from {conf} import *  # noqa"]
    lines += [f"{key} = {value!r}" for key, value in overrides.items()]
    return "\n".join(lines) + "\n"


def make_build(name: str, scratch: Path, *, conf: str | None, cached: bool = False,
               extra: dict | None = None) -> Build:
    """Write the settings file for build `name`; `conf=None` is the vanilla reference.

    `cached` turns on Pelican's content cache (reader layer, the default), kept in the build's own
    folder: the "touch one post and rebuild" measurement.
    """
    work = scratch / name
    work.mkdir(parents=True, exist_ok=True)
    settings = {"CACHE_PATH": str(work / "cache"), **(extra or {})}
    if cached:
        settings.update(CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True)
    text = VANILLA_SETTINGS if conf is None else _lectern_settings(conf, work)
    text += "".join(f"{key} = {value!r}\n" for key, value in settings.items())
    path = work / "settings.py"
    path.write_text(text, encoding="utf-8")
    return Build(name, path, work / "output", work / "cache")


def standard_builds(scratch: Path) -> dict[str, Build]:
    """The builds `make bench` times (vanilla, dev, prod, and cached rebuilds), keyed by table row."""
    return {
        "vanilla": make_build("vanilla", scratch, conf=None),
        "dev": make_build("dev", scratch, conf="pelicanconf"),
        # DELETE_OUTPUT_DIRECTORY off: the harness empties the folder itself, outside the timing.
        "prod": make_build("prod", scratch, conf="publishconf", extra={"DELETE_OUTPUT_DIRECTORY": False}),
        "vanilla-rebuild": make_build("vanilla-rebuild", scratch, conf=None, cached=True),
        "rebuild": make_build("rebuild", scratch, conf="pelicanconf", cached=True),
    }


def env() -> dict[str, str]:
    """The environment of every build: the repo importable, as `make` runs it.

    Python's bytecode cache is on, as on a developer's machine: the untimed warm-up builds write
    it. With PYTHONDONTWRITEBYTECODE set (some CI images and containers set it) every timed Lectern
    build would compile its own ~100 modules from source again (~0.1 s), while vanilla Pelican's
    come precompiled by pip, so the variable is dropped for the builds.
    """
    built = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"}
    built.pop("PYTHONDONTWRITEBYTECODE", None)
    return built
