"""The resident site: full in-process builds synced into output/, and the edited post's page first.

Why a staging folder: Pelican writes every page of a dev build but never removes a page that is no
longer produced (a renamed or deleted post). Building into a fresh folder and syncing it into
output/ gives exactly a clean build's files, replaces only what changed (so the browser reloads
only the pages that did) and never leaves output/ half-written.

Why the header test: a post's page depends on other posts (neighbours, related posts, listings)
only through header fields — title, date, tags, category, status, audience… — so when the header
bytes are unchanged, the post's own page can be rendered from the last build's context with the
new body alone. Listings and feeds that quote the body (summaries) catch up in the full build.
"""

from __future__ import annotations

import copy
import gc
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from pelican import Pelican, signals
from pelican.contents import Article, Content, Page
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.log import LimitFilter
from pelican.settings import read_settings
from pelican.writers import Writer

from .sync import sync_tree

logger = logging.getLogger(__name__)

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")

#: generator lists whose items Pelican writes, and the keyword arguments it writes them with
_ARTICLE_LISTS = ("translations", "articles", "hidden_translations", "hidden_articles")
_DRAFT_LISTS = ("drafts_translations", "drafts")
_PAGE_LISTS = ("translations", "pages", "hidden_translations", "hidden_pages", "draft_translations",
               "draft_pages")


class Aborted(BaseException):  # noqa: N818 — not an error: a newer edit replaced this build
    """Raised inside a build when a newer change arrived (BaseException: Pelican's reader loop
    catches Exception per post and would otherwise count it as a broken post)."""


def header_of(data: bytes) -> bytes:
    """The `Key: value` header of a post: everything before the first blank line.

    A superset of what Python-Markdown's meta extension reads as metadata (it stops at the first
    blank line or earlier), so an unchanged header means unchanged metadata.
    """
    data = data.replace(b"\r\n", b"\n")
    cut = data.find(b"\n\n")
    return data if cut < 0 else data[:cut]


@dataclass
class Built:
    """What one full build left in memory for `render_first`."""

    settings: dict
    generators: list
    #: source path → (generator, the list attribute it is in, content object)
    sources: dict[str, tuple[object, str, Content]] = field(default_factory=dict)
    headers: dict[str, bytes] = field(default_factory=dict)


# Pelican holds signal receivers weakly: module-level functions, acting on this one state.
_HOOK: dict = {"generators": None, "abort": None, "thread": None}


def _capture(generators) -> None:
    if _HOOK["thread"] == threading.get_ident() and not getattr(generators, "devserver_shim", False):
        _HOOK["generators"] = list(generators)
        _checkpoint(generators)


def _checkpoint(*_args, **_kwargs) -> None:
    """At each step of a build run by this module: stop it when a newer change is waiting."""
    abort = _HOOK["abort"]
    if abort is not None and abort.is_set() and _HOOK["thread"] == threading.get_ident():
        raise Aborted


_CHECKPOINTS = (signals.content_object_init, signals.article_generator_finalized,
                signals.page_generator_finalized, signals.article_generator_write_article,
                signals.page_generator_write_page, signals.article_writer_finalized)


def _connect() -> None:
    signals.all_generators_finalized.connect(_capture)
    for signal in _CHECKPOINTS:
        signal.connect(_checkpoint)


class _Shim(list):
    """The generators list sent to `all_generators_finalized` receivers for one re-read post."""

    devserver_shim = True


class Site:
    """One site (settings file, content, output) kept in memory between edits."""

    def __init__(self, settings_file: Path, content: Path, output: Path, *,
                 overrides: dict | None = None, cache: Path | None = None):
        self.settings_file = Path(settings_file).resolve()
        self.content = Path(content).resolve()
        self.output = Path(output).resolve()
        self.overrides = dict(overrides or {})
        self.cache = Path(cache).resolve() if cache else None
        self.built: Built | None = None
        self.builds = 0
        self.last_timing: dict[str, float] = {}  # of the last render_first, for the console line
        self._scratch: Path | None = None
        _connect()
        self._remove_leftovers()

    def _remove_leftovers(self) -> None:
        """Scratch folders of a dev server that was killed mid-build."""
        if self.output.parent.is_dir():
            for kind in ("devserver", "first"):
                for folder in self.output.parent.glob(f".{self.output.name}.{kind}-*"):
                    shutil.rmtree(folder, ignore_errors=True)

    # ------------------------------------------------------------------ full builds
    def read_settings(self, output: Path) -> dict:
        override = {"PATH": str(self.content), "OUTPUT_PATH": str(output), **self.overrides}
        settings = read_settings(str(self.settings_file), override=override)
        if self.cache is not None:
            # Pelican's reader cache, checked by content hash (an edit within the same mtime tick
            # must not be missed): unchanged posts are not converted again on the next build.
            settings.update(CACHE_PATH=str(self.cache), CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True,
                            CHECK_MODIFIED_METHOD="sha1", CONTENT_CACHING_LAYER="reader")
        return settings

    def forget_cache(self) -> None:
        """Settings or plugins changed: the next build converts every post again."""
        if self.cache is not None:
            shutil.rmtree(self.cache, ignore_errors=True)

    def build(self, abort: threading.Event | None = None) -> list[str]:
        """Build the whole site in this process and sync it into output/; returns the output paths
        (relative, '/'-separated) that changed. Raises `Aborted` when `abort` is set meanwhile."""
        self.output.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.devserver-", dir=self.output.parent))
        headers = self._headers()
        gc.unfreeze()  # the last build's objects may go now
        _reset_process_state()
        _HOOK.update(generators=None, abort=abort, thread=threading.get_ident())
        try:
            settings = self.read_settings(staging)
            Pelican(settings).run()
            generators = _HOOK["generators"]
            if abort is not None and abort.is_set():
                raise Aborted
            changed = sync_tree(staging, self.output)
        finally:
            _HOOK.update(generators=None, abort=None, thread=None)
            shutil.rmtree(staging, ignore_errors=True)
        self.built = Built(settings, generators or [], headers=headers)
        self._index(self.built)
        self.builds += 1
        # The site in memory is hundreds of thousands of objects that live until the next build:
        # out of the collector's sight, a collection during the next edit's render cannot take
        # a tenth of a second walking them.
        self._warm(self.built)
        gc.collect()
        gc.freeze()
        return changed

    @staticmethod
    def _warm(built: Built) -> None:
        """Render one post's template and throw the result away: the build rendered its pages in
        fork workers, so this process has not compiled the templates the article page imports
        (base, macros) — the writer's next edit would wait for that."""
        for generator in built.generators:
            for attr in ("articles", "pages"):
                items = getattr(generator, attr, None) or []
                if not items or not isinstance(generator, (ArticlesGenerator, PagesGenerator)):
                    continue
                item = items[0]
                context = {**generator.context, "output_file": item.save_as, "url": item.url,
                           "localsiteurl": generator.context.get("localsiteurl")}
                context["article" if attr == "articles" else "page"] = item
                context["category"] = getattr(item, "category", None)
                try:
                    generator.get_template(item.template).render(context)
                except Exception:  # noqa: BLE001 — only a warm-up; the real render reports errors
                    logger.debug("devserver: warm-up render failed", exc_info=True)

    def _headers(self) -> dict[str, bytes]:
        """The header of every Markdown file, read before the build reads them (a later edit is
        compared with what this build saw)."""
        headers = {}
        for root, _dirs, files in os.walk(self.content):
            for name in files:
                if name.lower().endswith(MARKDOWN_SUFFIXES):
                    path = os.path.join(root, name)
                    try:
                        with open(path, "rb") as handle:
                            headers[path] = header_of(handle.read())
                    except OSError:
                        continue
        return headers

    @staticmethod
    def _index(built: Built) -> None:
        for generator in built.generators:
            if isinstance(generator, ArticlesGenerator):
                lists = _ARTICLE_LISTS + _DRAFT_LISTS
            elif isinstance(generator, PagesGenerator):
                lists = _PAGE_LISTS
            else:
                continue
            for attr in lists:
                for item in getattr(generator, attr, None) or ():
                    source = getattr(item, "source_path", None)
                    if source:
                        built.sources[os.path.abspath(source)] = (generator, attr, item)

    # ------------------------------------------------------------------ the edited page first
    def render_first(self, path: Path) -> list[str] | None:
        """Render the page of the post at `path` alone, from the last build's context, when only
        its body changed; returns the output paths written (empty: same bytes as before), or None
        when this change needs a full build."""
        built = self.built
        source = os.path.abspath(path)
        if built is None or source not in built.sources:
            return None
        try:
            with open(source, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        if header_of(data) != built.headers.get(source):
            return None
        generator, attr, old = built.sources[source]
        started = time.perf_counter()
        collecting = gc.isenabled()
        gc.disable()  # a few thousand short-lived objects: collected after the page is out
        try:
            new = self._reread(generator, attr, old)
            if new is None:
                return None
            read = time.perf_counter()
            written = self._write(built, generator, attr, new)
        finally:
            if collecting:
                gc.enable()
        self.last_timing = {"read": read - started, "render+write": time.perf_counter() - read}
        return written

    def _reread(self, generator, attr: str, old: Content) -> Content | None:
        content_class = Article if isinstance(generator, ArticlesGenerator) else Page
        rel = os.path.relpath(old.source_path, generator.path)
        try:
            new = generator.readers.read_file(base_path=generator.path, path=rel,
                                              content_class=content_class, context=generator.context)
        except Exception:  # noqa: BLE001 — the full build reports it the way Pelican does
            logger.debug("devserver: %s could not be read alone; full build", rel, exc_info=True)
            return None
        if (not isinstance(new, content_class) or not new.is_valid()
                or getattr(new, "status", None) != getattr(old, "status", None)
                or getattr(new, "save_as", None) != getattr(old, "save_as", None)):
            return None
        # The post object itself is updated, not replaced: templates compare posts by identity
        # (the menu marks the current page, neighbours link each other). What plugins set after
        # reading (neighbours, related posts, translations…) comes from header fields, unchanged,
        # and stays; what they derive from the body (reading time) is computed again below.
        vars(old).update(vars(new))
        _forget_memoized(old)
        shim_generator = copy.copy(generator)
        for attr in _ARTICLE_LISTS + _DRAFT_LISTS + _PAGE_LISTS:
            if hasattr(shim_generator, attr):
                setattr(shim_generator, attr, [])
        setattr(shim_generator, attr, [old])  # the same list: readtime, e.g., skips hidden posts
        signals.all_generators_finalized.send(_Shim([shim_generator]))
        return old

    def _write(self, built: Built, generator, attr: str, new: Content) -> list[str]:
        """Write `new` the way its generator writes that list, into a scratch folder, then move
        the file into output/ (atomic for the server, skipped when the bytes are unchanged).

        The scratch folder is kept between edits: on some file systems creating and removing a
        post's folders costs more than rendering its page."""
        settings = built.settings
        if self._scratch is None or not self._scratch.is_dir():
            prefix = f".{self.output.name}.first-"
            self._scratch = Path(tempfile.mkdtemp(prefix=prefix, dir=self.output.parent))
        scratch = self._scratch
        try:
            writer = Writer(str(scratch), settings=settings)
            template = generator.get_template(new.template)
            common = {"override_output": hasattr(new, "override_save_as"), "url": new.url}
            # muted: pelican-sitemap would queue this page into the next build's sitemap
            with signals.content_written.muted():
                if isinstance(generator, PagesGenerator):
                    signals.page_generator_write_page.send(generator, content=new)
                    writer.write_file(new.save_as, template, generator.context, page=new,
                                      relative_urls=settings["RELATIVE_URLS"], **common)
                elif attr in _DRAFT_LISTS:
                    writer.write_file(new.save_as, template, generator.context, article=new,
                                      category=new.category, blog=True, all_articles=generator.articles,
                                      relative_urls=settings["RELATIVE_URLS"], **common)
                else:
                    signals.article_generator_write_article.send(generator, content=new)
                    writer.write_file(new.save_as, template, generator.context, article=new,
                                      category=getattr(new, "category", None), blog=True,
                                      relative_urls=settings["RELATIVE_URLS"], **common)
            return sync_tree(scratch, self.output, delete=False)
        except BaseException:
            self.close()  # nothing half-written may be moved into output/ by the next edit
            raise

    def close(self) -> None:
        """Remove the scratch folder (the dev server stops)."""
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None


def _memoized_caches() -> list[dict]:
    caches = []
    for name in ("get_content", "get_summary"):
        cache = getattr(Content.__dict__.get(name), "cache", None)
        if isinstance(cache, dict):
            caches.append(cache)
    return caches


def _forget_memoized(content: Content) -> None:
    """Drop the HTML Pelican memoized for `content` (keyed by the object and the site URL)."""
    for cache in _memoized_caches():
        for key in [k for k in cache if k and k[0] is content]:
            del cache[key]


def _reset_process_state() -> None:
    """What a resident process must reset before each build.

    Pelican's log filter remembers every message it let through (a finding fixed and broken again
    would never show), and its memoized content/summary caches hold every post of every earlier
    build. Some plugins reset their per-build state only in `finalized`, which a stopped build
    never reaches: pelican-sitemap (it would skip every later sitemap) and post_contract's list of
    broken posts (it would report a fixed post again). tests/test_devserver_property.py stops
    builds midway to prove nothing else is left behind.
    """
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()
    for cache in _memoized_caches():
        cache.clear()
    sitemap = sys.modules.get("pelican.plugins.sitemap.sitemap")
    state = getattr(sitemap, "generator", None)
    if state is not None and hasattr(state, "page_queue") and hasattr(state, "_main_pelican"):
        state._main_pelican = None
        state.page_queue = []
    contract = sys.modules.get("plugins.post_contract.plugin")
    for name in ("BROKEN", "HELD"):
        found = getattr(contract, name, None)
        if isinstance(found, dict):
            found.clear()
