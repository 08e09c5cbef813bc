"""Pelican shell around the brand checker (receivers are module level: Pelican holds them weakly).

- `initialized`: load BRAND_CONFIG once per build (a bad file is logged; it fails only a strict build).
- `content_object_init`: note every Article, Draft and Page with a Markdown source, including
  internal and scheduled posts, with the audience and URL slug Pelican gave it.
- `article_generator_finalized` / `page_generator_finalized`: also note what the generators hold
  that was never constructed in this build (CONTENT_CACHING_LAYER = "generator" serves cached
  posts without `content_object_init`): a cached post is checked like any other.
- `finalized`: check each noted post from its source file (or take the result fast_reader's
  background process computed while the build ran), log each finding as
  `path:line:col severity rule message` in path order, write LECTERN_BUILD_DIR/brand-report.html;
  with BRAND_STRICT, list the blocking findings (errors in non-draft posts) and stop the build with
  exit status 1. Draft status is read here: a future date turns a post into a draft only after
  its constructor (and `content_object_init`) ran. In a resident process a post whose findings
  are all gone since the last build says "0 findings — all fixed"; in a dev build
  (plugins/dev_preview.is_dev) each post with findings gets them in a panel on its page (panel.py).
- `finalized`, production only (BRAND_STRICT or LECTERN_STRICT), after every other receiver: the
  last gate (gate.py) reads every file of the output folder and the manifest's public entries for
  code names in any disguise and stops the build (exit status 1) when it finds one.
"""

from __future__ import annotations

import datetime
import logging
import os
import time

from pelican import signals
from pelican.contents import Article, Page

from plugins.buildlog import say
from plugins.dev_preview import is_dev
from plugins.edition import is_internal
from plugins.settings import value_of

from . import html_report, panel
from .config import BrandConfig, BrandConfigError
from .core import (
    MARKDOWN_SUFFIXES,
    FileResult,
    Report,
    check_file,
    display_path,
    load_config,
    usable_cpus,
)

logger = logging.getLogger(__name__)

_LEVEL = {"error": logging.ERROR, "warning": logging.WARNING, "suggestion": logging.INFO}

#: Per build: the loaded config (or None when off) and the posts to check by source path (a dict,
#: so a content object built twice is checked once; cleared at the end for `make regenerate`).
_STATE: dict = {"config": None, "loaded": False, "fast": False}
FAST_READER = "plugins.fast_reader"
_PENDING: dict[str, tuple[object, str, str | None]] = {}  # source → (instance, audience, slug)
#: Across the builds of one process (`pelican -r`, the dev server): per post, its number of findings
#: and its file's (mtime, size) last time, so an edited post reports, and one whose findings are all
#: gone says so instead of falling silent.
_LAST: dict[str, tuple[int, tuple[int, int] | None]] = {}
#: This build's checked posts: (content object, source path, result), for the dev build's panels.
_CHECKED: list[tuple[object, str, FileResult]] = []


def configure(pelican) -> None:
    _PENDING.clear()
    settings = pelican.settings
    _STATE.update(config=None, loaded=True, fast=FAST_READER in (settings.get("PLUGINS") or ()))
    path = value_of(settings, "BRAND_CONFIG")
    if path is None:
        logger.warning('brand guard: BRAND_CONFIG is ""; posts are not checked')
        return
    try:
        _STATE["config"] = load_config(path)
    except BrandConfigError as exc:
        logger.error("brand guard: %s", exc)
        if value_of(settings, "BRAND_STRICT"):
            logger.error("Production build stopped: fix the brand configuration above.")
            raise SystemExit(1) from None
        logger.warning("brand guard: posts are not checked in this build (dev builds never fail)")
    if _strict(settings) and is_internal(settings):
        # The internal edition is read by staff only: code names are allowed there as in an
        # internal post (the confidential rule is public-only); every post is still checked above.
        logger.info("brand guard: internal edition — the last gate's code-name scan does not apply")
    elif _strict(settings):
        # Connected now, after every plugin's register(): receivers run in connection order, so
        # the gate reads the output after all other `finalized` writers (the manifest included).
        signals.finalized.connect(last_gate)


_LISTED = 30  # a name in a theme string is in every page: the first ones are enough to find it


def _strict(settings) -> bool:
    return value_of(settings, "BRAND_STRICT") or value_of(settings, "LECTERN_STRICT")


def last_gate(pelican) -> None:
    """Production only: read every file of the output folder and the manifest's public entries
    for code names in any disguise (see gate.py); any hit stops the build before anything ships."""
    settings = pelican.settings
    cfg = _STATE.get("gate_config")
    if not _strict(settings) or cfg is None:
        return
    from . import gate  # production builds only: a dev build never loads it

    _STATE["gate_config"] = None
    started = time.perf_counter()
    output = getattr(pelican, "output_path", None) or settings.get("OUTPUT_PATH", "output")
    leaks = gate.scan_tree(output, cfg.leak_matcher, display_path(str(output)),
                           processes=_processes(settings))
    manifest = value_of(settings, "SYNDICATION_MANIFEST")
    leaks += gate.scan_manifest(manifest, cfg.leak_matcher, display_path(str(manifest)))
    logger.info("brand guard: last gate read the output and the manifest in %.2fs: %d code %s",
                time.perf_counter() - started, len(leaks), "name" if len(leaks) == 1 else "names")
    if not leaks:
        return
    for leak in leaks[:_LISTED]:
        logger.error("%s", leak)
    if len(leaks) > _LISTED:
        logger.error("... and %d more", len(leaks) - _LISTED)
    try:  # the manifest would carry the leak to `python -m publish`
        os.unlink(manifest)
    except OSError:
        pass
    logger.error("Production build stopped: the last gate found %d code %s in what this build would "
                 "publish (listed above); nothing from this build may be deployed or shared.",
                 len(leaks), "name" if len(leaks) == 1 else "names")
    raise SystemExit(1)


def _processes(settings) -> int:
    """The gate reads the output in as many forked processes as the fast reader uses."""
    processes = value_of(settings, "FAST_READER_PROCESSES")
    if processes is None:
        processes = usable_cpus()
    return processes


def _config(settings) -> BrandConfig | None:
    if not _STATE["loaded"]:  # content created without `initialized` (e.g. a test's Pelican object)
        _STATE["loaded"] = True
        try:
            path = value_of(settings, "BRAND_CONFIG")
            _STATE["config"] = load_config(path) if path is not None else None
        except BrandConfigError as exc:
            logger.error("brand guard: %s", exc)
    return _STATE["config"]


def _precomputed(source: str, audience: str, slug: str | None) -> FileResult | None:
    """The same check, already run by fast_reader's background process (None when off or out of date)."""
    if not _STATE["fast"]:
        return None
    from plugins.fast_reader import brand as fast

    return fast.precomputed(source, audience=audience, slug=slug)


def note_content(instance) -> None:
    if not isinstance(instance, (Article, Page)) or getattr(instance, "status", "") == "skip":
        return
    source = getattr(instance, "source_path", None)
    if not source or not source.lower().endswith(MARKDOWN_SUFFIXES) or not os.path.isfile(source):
        return
    if _config(instance.settings) is None:
        return
    audience = str(instance.metadata.get("audience", "public")).strip().lower()
    _PENDING[source] = (instance, audience, getattr(instance, "slug", None))


#: Generator attributes that hold content (post_contract keeps internal posts in `internal_articles`).
_CONTENT_LISTS = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
                  "drafts_translations", "internal_articles", "pages", "hidden_pages", "draft_pages",
                  "draft_translations")


def note_generated(generator) -> None:
    for attr in _CONTENT_LISTS:
        for instance in getattr(generator, attr, None) or ():
            if getattr(instance, "source_path", None) not in _PENDING:
                note_content(instance)


def check_noted(cfg: BrandConfig) -> tuple[list[FileResult], list[str], int]:
    """Check every noted post (path order) and log its findings; also return the posts that could
    not be checked and how many results fast_reader had computed alongside the build."""
    results, failed, ahead = [], [], 0
    for source in sorted(_PENDING):
        instance, audience, slug = _PENDING[source]
        try:
            result = _precomputed(source, audience, slug)
            if result is None:
                result = check_file(source, cfg, display=display_path(source), audience=audience,
                                    slug=slug, draft=False)
            else:
                ahead += 1
        except Exception:  # noqa: BLE001 — a guard bug must not break a dev build; production stops
            logger.exception("brand guard: could not check %s", display_path(source))
            failed.append(display_path(source))
            continue
        result.draft = getattr(instance, "status", "published") == "draft"
        if result.draft and result.status == "published":
            result.status = "scheduled"  # Pelican made a future-dated post a draft
        elif not result.draft and result.status == "scheduled":
            result.status = "published"  # out by the site's TIMEZONE
        for note in result.notes:
            logger.warning("brand guard: %s", note)
        for finding in result.findings:
            logger.log(_LEVEL[finding.severity], "%s", finding)
        results.append(result)
        _CHECKED.append((instance, source, result))
    _PENDING.clear()
    return results, failed, ahead


def _stamp(source: str) -> tuple[int, int] | None:
    try:
        info = os.stat(source)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def announce(checked: list[tuple[object, str, FileResult]]) -> None:
    """In a resident process (`pelican -r`, the dev server), one status line per post the writer
    touched since the previous build — "path: 2 findings", "path: 0 findings" — and
    "path: 0 findings — all fixed (had N)" for a post whose findings are all gone. The first build
    (and so every CI build) says nothing here: its findings are the log lines above."""
    for _instance, source, result in checked:
        count, stamp = len(result.findings), _stamp(source)
        before = _LAST.get(result.path)
        _LAST[result.path] = (count, stamp)
        if before is None:
            continue
        had, old_stamp = before
        if had and not count:
            say(f"{result.path}: 0 findings — all fixed (had {had})", style="green")
        elif stamp != old_stamp:
            say(f"{result.path}: {count} finding{'' if count == 1 else 's'}",
                style="yellow" if count else "green")


def finish(pelican) -> None:
    cfg = _STATE["config"]
    _STATE["gate_config"] = cfg
    _STATE["loaded"] = False
    if cfg is None:
        _PENDING.clear()
        return
    _CHECKED.clear()
    results, failed, ahead = check_noted(cfg)
    announce(_CHECKED)
    settings = pelican.settings
    if is_dev(settings):  # findings beside the post, in dev builds only
        panel.add_panels(str(pelican.output_path), _CHECKED, str(settings.get("THEME", "")))
    _CHECKED.clear()
    report = Report(sorted(results, key=lambda r: r.path))
    build_dir = value_of(settings, "LECTERN_BUILD_DIR")
    stamp = datetime.datetime.now().strftime("built %Y-%m-%d %H:%M")
    path = os.path.join(build_dir, "brand-report.html")
    try:
        html_report.write(report, cfg, path, generated=stamp)
    except OSError as exc:
        logger.error("brand guard: cannot write %s: %s", path, exc)
    findings = report.findings
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    alongside = f" ({ahead} checked alongside the build)" if ahead else ""
    logger.info("brand guard: %d posts and pages%s, %d errors, %d warnings; report: %s",
                report.files, alongside, errors, warnings, path)
    strict = value_of(settings, "BRAND_STRICT")
    if failed and strict:
        logger.error("Production build stopped: the brand guard could not check %s", ", ".join(failed))
        raise SystemExit(1)
    blocking = report.blocking
    if blocking and strict:
        logger.error("Production build stopped: %d brand %s in public posts:\n%s\nReport: %s",
                     len(blocking), "error" if len(blocking) == 1 else "errors",
                     "\n".join(f"  {f}" for f in blocking), path)
        raise SystemExit(1)


def register() -> None:
    signals.initialized.connect(configure)
    signals.content_object_init.connect(note_content)
    signals.article_generator_finalized.connect(note_generated)
    signals.page_generator_finalized.connect(note_generated)
    signals.finalized.connect(finish)
