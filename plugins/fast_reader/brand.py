"""Brand guard checks in a lowest-priority background process that overlaps the build.

The brand guard checks every post from its source file; done in line it is, after Markdown, the
largest cost of a build. Its check is a pure function of the file, brand.yml, the audience and the
URL slug, so when fast_reader batches a generator's files it also forks one process at the lowest
CPU priority (Linux SCHED_IDLE, else nice 19) that checks them all. On a machine with a spare core
it runs while the build leaves one idle — Pelican's serial metadata, context, feed and sitemap
work — and yields to the conversion and render pools, so a build is barely longer with the guard
than without it.

The brand plugin asks `precomputed()` at the end of the build, which waits for the process. The
audience and slug are predicted from the header the way Pelican derives them; a result is used only
when the file is unchanged since it was checked and both values match — otherwise the plugin checks
the file itself, as it does when the background is off (FAST_READER_PROCESSES = 1, small batches,
no fork). A crashed or killed background process only means the plugin checks everything itself.

With Pelican's content cache on (CACHE_CONTENT / LOAD_CONTENT_CACHE), results also persist in
CACHE_PATH, so a rebuild does not re-check unchanged posts. The key is everything the check
depends on: the file's bytes (SHA-256), its path as displayed, audience and slug, plus an epoch
digest of brand.yml and the brand guard's own source files — edit any of them and every post is
checked again.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import multiprocessing
import os
import pickle
import signal
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

from pelican.utils import slugify

from plugins.post_contract import facts
from plugins.post_contract.facts import parse_header
from plugins.settings import SettingsError, value_of

from . import convert

logger = logging.getLogger(__name__)

#: source path → (stamp, audience, slug, FileResult) from the background, for this build only.
RESULTS: dict[str, tuple] = {}
#: Background checks under way: (process, file its results are written to).
_RUNNING: list[tuple[multiprocessing.process.BaseProcess, str]] = []
_WORKER: dict = {}
#: The persistent memo: {"epoch": str, "path": str, "save": bool, "entries": {key: pickled FileResult}}
MEMO: dict = {}
MEMO_FILE = "fast_reader_brand.pickle"


BRAND_PLUGIN = "plugins.brand_guard"


def enabled(settings) -> bool:
    return BRAND_PLUGIN in (settings.get("PLUGINS") or []) and config_path(settings) is not None


def config_path(settings) -> Path | None:
    """BRAND_CONFIG as the guard reads it (a wrong value: the settings check reports it)."""
    try:
        return value_of(settings, "BRAND_CONFIG")
    except SettingsError:
        return None


def _core():
    """The brand guard's core module (imported here, not at the top: a site without the guard
    never loads it)."""
    from plugins.brand_guard import core

    return core


def init_worker(settings) -> bool:
    """Load brand.yml once, before forking (a broken file: the brand plugin reports it, not us)."""
    _WORKER.clear()
    core = _core() if enabled(settings) else None
    if core is None:
        return False
    try:
        _WORKER.update(core=core, cfg=core.load_config(config_path(settings)), settings=settings)
    except Exception:  # noqa: BLE001 — the plugin's own `initialized` receiver reports config errors
        _WORKER.clear()
    return bool(_WORKER)


def predict(meta: dict[str, list[str]], path: str, settings) -> tuple[str, str | None] | None:
    """(audience, slug) as Pelican will set them from this header; None when unsure."""
    audience = meta.get("audience", ["public"])
    if len(audience) != 1:
        return None
    if "slug" in meta:
        slug = meta["slug"][0].strip() if len(meta["slug"]) == 1 else None
        return (audience[0].strip().lower(), slug) if slug else None
    source = settings.get("SLUGIFY_SOURCE", "title")
    if source == "title" and len(meta.get("title", [])) == 1:
        value = meta["title"][0]
    elif source == "basename":
        value = os.path.basename(os.path.splitext(path)[0])
    else:
        return None
    slug = slugify(value, regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
                   preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
                   use_unicode=settings.get("SLUGIFY_USE_UNICODE", False))
    return audience[0].strip().lower(), slug


def header_meta(text: str, fields: dict | None = None) -> dict[str, list[str]]:
    """The title, audience and slug lines of a post's header, in Python-Markdown's `Meta` shape
    (`fields`: `parse_header(text)[0]`, when already parsed)."""
    if fields is None:
        fields, _ = parse_header(text)
    meta = {}
    for key in ("title", "audience", "slug"):
        if key in fields:
            fld = fields[key]
            lines = text[fld.start:fld.end].count("\n") + 1  # a continued value: `predict` gives up
            meta[key] = [fld.value] * lines
    return meta


def precheck(path: str, meta: dict[str, list[str]] | None) -> tuple | None:
    """The check the plugin would run: (stamp, audience, slug, FileResult); None when unpredictable."""
    if not _WORKER:
        return None
    stamp = convert.file_stamp(path)  # before reading: an edit after this makes the result stale
    with open(path, "rb") as handle:  # not Path.read_bytes: its wrappers cost as much as the read
        data = handle.read()
    try:  # decoded and its header parsed once, for the prediction and the check
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:  # `check_bytes` reports it
        text = None
    header = None
    if meta is None:
        if text is None:
            meta = header_meta(data.decode("utf-8-sig", errors="replace"))
        else:
            header = parse_header(text)
            meta = header_meta(text, header[0])
    guess = predict(meta, path, _WORKER["settings"])
    if guess is None:
        return None
    audience, slug = guess
    core = _WORKER["core"]
    shown = core.display_path(path)
    if text is None:
        result = core.check_bytes(shown, data, _WORKER["cfg"], audience=audience, slug=slug, draft=False)
    else:  # what `check_bytes` does with UTF-8
        result = core.check_source(shown, text, _WORKER["cfg"], audience=audience, slug=slug, draft=False,
                                   header=header)
    return stamp, audience, slug, result


def start(jobs: list[tuple[str, dict | None]], settings) -> bool:
    """Fork the background check of `jobs` ((path, raw header or None)); False when the guard is off."""
    if not init_worker(settings) or "fork" not in multiprocessing.get_all_start_methods():
        return False
    out = ""
    try:
        handle, out = tempfile.mkstemp(prefix="lectern-brand-", suffix=".pickle")
        os.close(handle)
        process = multiprocessing.get_context("fork").Process(
            target=_background, args=(jobs, out), name="lectern-brand-check", daemon=True)
        process.start()
    except OSError as exc:  # no temp space, no processes left: the plugin checks in line
        logger.debug("fast_reader: cannot start the background brand check: %s", exc)
        if out:
            _unlink(out)
        return False
    _RUNNING.append((process, out))
    return True


def _background(jobs: list[tuple[str, dict | None]], out: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the build, which ends this process
    _idle_priority()
    # The heap inherited from the build is never garbage here: the collector leaves it alone
    # (two thirds of this process's collection time, and no copy-on-write of the pages it would touch).
    gc.freeze()
    results = []
    for path, meta in jobs:
        try:
            checked = precheck(path, meta)
        except Exception:  # noqa: BLE001 — the brand plugin then checks the file itself
            checked = None
        if checked is not None:
            results.append((path, checked))
    with open(out, "wb") as handle:  # the parent reads it only after this process has exited
        pickle.dump(results, handle, protocol=pickle.HIGHEST_PROTOCOL)


def _idle_priority() -> None:
    """Run only on a core nothing else wants: Linux's SCHED_IDLE policy (preempted at once when a
    build process wakes up), else the lowest nice level."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        return
    except (AttributeError, OSError):
        pass
    try:
        os.nice(19)
    except OSError:
        pass


def collect() -> None:
    """Wait for the background checks and file their results (memo included)."""
    while _RUNNING:
        process, out = _RUNNING.pop(0)
        start = time.perf_counter()
        process.join()
        logger.debug("fast_reader: waited %.2fs for the background brand check", time.perf_counter() - start)
        try:
            if process.exitcode == 0:
                with open(out, "rb") as handle:
                    for path, checked in pickle.load(handle):
                        RESULTS[path] = checked
                        remember(path, *checked[1:])
            else:
                logger.debug("fast_reader: the background brand check ended with %s", process.exitcode)
        except (OSError, EOFError, pickle.UnpicklingError) as exc:
            logger.debug("fast_reader: cannot read the background brand results: %s", exc)
        finally:
            _unlink(out)


def stop() -> None:
    """A new build: end any check left from an interrupted one and forget its results."""
    while _RUNNING:
        process, out = _RUNNING.pop()
        if process.is_alive():
            process.terminate()
        process.join()
        _unlink(out)
    RESULTS.clear()


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def precomputed(source: str, *, audience: str, slug: str | None):
    """Main-process side, for the brand plugin: the background's FileResult if still valid, else None."""
    collect()
    entry = RESULTS.pop(source, None)
    if entry is None:
        return _from_memo(source, audience, slug)
    stamp, guessed_audience, guessed_slug, result = entry
    if (guessed_audience, guessed_slug) != (audience, slug) or convert.stamp_or_none(source) != stamp:
        return None
    return result


# ---------------------------------------------------------------- persistent memo

def epoch(config_path: str, core) -> str:
    """Digest of brand.yml, every source file of the brand guard package (and the contract facts it
    reads headers with) and its libraries."""
    digest = hashlib.sha256()
    digest.update(sys.version.encode())
    for dist in ("PyYAML", "snowballstemmer", "pyahocorasick", "google-re2", "confusable-homoglyphs"):
        try:
            digest.update(f"{dist}=={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(dist.encode())
    digest.update(Path(config_path).read_bytes())
    package = Path(core.__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    digest.update(Path(facts.__file__).read_bytes())  # the header parser and the draft rule
    return digest.hexdigest()


def _key(source: str, audience: str, slug: str | None) -> tuple | None:
    """The memo key of `source` as it is on disk now; None when it cannot be read."""
    try:
        data = Path(source).read_bytes()
    except OSError:
        return None
    return (source, MEMO["core"].display_path(source), audience, slug, hashlib.sha256(data).hexdigest())


def load_memo(settings) -> None:
    """At the first read of a build: load the memo when the content cache is on and still valid."""
    MEMO.clear()
    core = _core() if enabled(settings) else None
    caching = settings.get("CACHE_CONTENT") or settings.get("LOAD_CONTENT_CACHE")
    if core is None or not caching:
        return
    try:
        current = epoch(config_path(settings), core)
    except OSError:
        return
    path = os.path.join(settings.get("CACHE_PATH", "cache"), MEMO_FILE)
    entries: dict = {}
    if settings.get("LOAD_CONTENT_CACHE"):
        try:
            with open(path, "rb") as handle:
                saved = pickle.load(handle)
            if saved.get("epoch") == current:
                entries = saved["entries"]
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, KeyError, TypeError):
            entries = {}
    MEMO.update(epoch=current, path=path, save=bool(settings.get("CACHE_CONTENT")), entries=entries,
                used=set(), core=core)


def needs_check(source: str, metadata: dict, settings) -> bool:
    """For a post served from Pelican's cache: is its brand result missing from the memo?"""
    if not MEMO:
        return False
    guess = predict(header_of(metadata), source, settings)
    if guess is None:
        return False
    key = _key(source, *guess)
    return key is not None and key not in MEMO["entries"]


def header_of(metadata: dict) -> dict[str, list[str]]:
    """Processed Pelican metadata → the raw header shape `predict` and `precheck` expect."""
    return {key: [str(metadata[key])] for key in ("title", "audience", "slug") if metadata.get(key)}


def remember(source: str, audience: str, slug: str | None, result) -> None:
    """Store a result the workers computed (pickled now: the plugin later mutates `draft`)."""
    if not MEMO:
        return
    key = _key(source, audience, slug)
    if key is None:
        return
    MEMO["entries"][key] = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    MEMO["used"].add(key)


def _from_memo(source: str, audience: str, slug: str | None):
    if not MEMO or not MEMO["entries"]:
        return None
    key = _key(source, audience, slug)
    blob = MEMO["entries"].get(key)
    if blob is None:
        return None
    MEMO["used"].add(key)
    return pickle.loads(blob)


def save_memo() -> None:
    """At the end of a build: keep only the entries this build used (deleted posts drop out)."""
    collect()  # results the plugin did not ask for (it may have finished first) still count
    if not MEMO or not MEMO["save"]:
        MEMO.clear()
        return
    entries = {key: blob for key, blob in MEMO["entries"].items() if key in MEMO["used"]}
    try:
        os.makedirs(os.path.dirname(MEMO["path"]) or ".", exist_ok=True)
        tmp = MEMO["path"] + ".tmp"
        with open(tmp, "wb") as handle:
            payload = {"epoch": MEMO["epoch"], "entries": entries}
            pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, MEMO["path"])
    except OSError as exc:
        logger.warning("fast_reader: cannot save the brand memo: %s", exc)
    MEMO.clear()
