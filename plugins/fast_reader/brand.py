"""Brand guard checks done in fast_reader's workers, next to each post's Markdown conversion.

The brand guard checks every post from its source file in `content_object_init`, serially in the
main process — after Markdown, the largest cost of a build. Its check is a pure function of the
file, brand.yml, the audience and the URL slug, so a worker can run it for the same file. The
audience and slug are predicted from the header the way Pelican derives them; the brand plugin
asks `precomputed()` with the real values and gets the worker's result only when the file is
unchanged and both values match — otherwise it checks the file itself, as before.

With Pelican's content cache on (CACHE_CONTENT / LOAD_CONTENT_CACHE), results also persist in
CACHE_PATH, so a rebuild does not re-check unchanged posts. The key is everything the check
depends on: the file's bytes (SHA-256), its path as displayed, audience and slug, plus an epoch
digest of brand.yml and the brand guard's own source files — edit any of them and every post is
checked again.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import pickle
import sys
from importlib import metadata
from pathlib import Path

from pelican.utils import slugify

from . import convert  # circular (convert imports brand): used only at call time

logger = logging.getLogger(__name__)

#: source path → (stamp, audience, slug, FileResult) from the workers, for this build only.
RESULTS: dict[str, tuple] = {}
_WORKER: dict = {}
#: The persistent memo: {"epoch": str, "path": str, "save": bool, "entries": {key: pickled FileResult}}
MEMO: dict = {}
MEMO_FILE = "fast_reader_brand.pickle"


def enabled(settings) -> bool:
    return "brand_guard" in (settings.get("PLUGINS") or []) and bool(settings.get("BRAND_CONFIG"))


def _core():
    """The brand guard's core module as Pelican loaded it (plugins are top-level modules)."""
    if "brand_guard" not in sys.modules:
        return None
    return importlib.import_module("brand_guard.core")


def init_worker(settings) -> None:
    """Load brand.yml once per worker (a broken file: the main process reports it, not us)."""
    _WORKER.clear()
    core = _core() if enabled(settings) else None
    if core is None:
        return
    try:
        _WORKER.update(core=core, cfg=core.load_config(settings["BRAND_CONFIG"]), settings=settings)
    except Exception:  # noqa: BLE001 — the plugin's own `initialized` receiver reports config errors
        _WORKER.clear()


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


def precheck(path: str, meta: dict[str, list[str]]) -> tuple | None:
    """Worker side: run the brand check the plugin would run; None when we cannot predict it."""
    if not _WORKER:
        return None
    guess = predict(meta, path, _WORKER["settings"])
    if guess is None:
        return None
    audience, slug = guess
    core = _WORKER["core"]
    result = core.check_file(path, _WORKER["cfg"], display=core.display_path(path), audience=audience,
                             slug=slug, draft=False)
    return audience, slug, result


def precomputed(source: str, *, audience: str, slug: str | None):
    """Main-process side, for the brand plugin: the worker's FileResult if still valid, else None."""
    entry = RESULTS.pop(source, None)
    if entry is None:
        return _from_memo(source, audience, slug)
    stamp, guessed_audience, guessed_slug, result = entry
    if (guessed_audience, guessed_slug) != (audience, slug) or convert.stamp_or_none(source) != stamp:
        return None
    return result


# ---------------------------------------------------------------- persistent memo

def epoch(config_path: str, core) -> str:
    """Digest of brand.yml, every source file of the brand guard package and its libraries."""
    digest = hashlib.sha256()
    digest.update(sys.version.encode())
    for dist in ("PyYAML", "snowballstemmer"):
        try:
            digest.update(f"{dist}=={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(dist.encode())
    digest.update(Path(config_path).read_bytes())
    package = Path(core.__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
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
        current = epoch(settings["BRAND_CONFIG"], core)
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
