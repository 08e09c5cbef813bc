"""Brand guard checks done in fast_reader's workers, next to each post's Markdown conversion.

The brand guard checks every post from its source file in `content_object_init`, serially in the
main process — after Markdown, the largest cost of a build. Its check is a pure function of the
file, brand.yml, the audience and the URL slug, so a worker can run it for the same file. The
audience and slug are predicted from the header the way Pelican derives them; the brand plugin
asks `precomputed()` with the real values and gets the worker's result only when the file is
unchanged and both values match — otherwise it checks the file itself, as before.
"""

from __future__ import annotations

import importlib
import os
import sys

from pelican.utils import slugify

#: source path → (stamp, audience, slug, FileResult) from the workers, for this build only.
RESULTS: dict[str, tuple] = {}
_WORKER: dict = {}


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
        return None
    stamp, guessed_audience, guessed_slug, result = entry
    if (guessed_audience, guessed_slug) != (audience, slug):
        return None
    try:
        st = os.stat(source)
        if (st.st_mtime_ns, st.st_size) != stamp:
            return None
    except OSError:
        return None
    return result
