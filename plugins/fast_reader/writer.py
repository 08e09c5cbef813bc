"""Render pages in parallel: Pelican's Writer, with the Jinja render + file write deferred to a pool.

Rendering is the second-largest cost of a build after reading. Pelican's `Writer.write_file` still
runs in the main process for every page — pagination, the overwrite bookkeeping, the
`content_written` signal (sitemap listens to it) — but the template's `render` returns a
placeholder and the actual render and write are queued. When a generator has finished writing
(`article_writer_finalized`, `page_writer_finalized`; `finalized` as a safety net) the queue is
rendered by forked workers, which see the finished context exactly as the main process would.

Receivers of `content_written` therefore run before the file has its final bytes; none of ours
read the file. Set `FAST_WRITER = False` to fall back to Pelican's writer.

This leans on Pelican's private Writer internals (`write_file` renders inside a nested function
and writes through `_open_w`), so it is used only on the Pelican versions in `PROVEN`; on any other
the tripwire (plugins/tripwire.py) logs once and Pelican's own Writer is used.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import multiprocessing
import os
import time

import jinja2
import jinja2.environment
import jinja2.runtime
from jinja2.runtime import new_context
from pelican import signals
from pelican.writers import FileOverwriteFailedError, Writer

from plugins.settings import value_of
from plugins.tripwire import Tripwire

from . import fragments, sharedwork

logger = logging.getLogger(__name__)

#: Pelican versions on which tests/test_fast_reader.py proved this writer's sites byte-identical
PROVEN = {"pelican": "4.12.0"}
#: sha256 of Pelican 4.12.0's `Writer._open_w` source, whose bookkeeping `ParallelWriter._claim` repeats
_OPEN_W_SHA256 = "69700ea0b4668663b0886011eee71e8b4ea9debd376fe2a2fe322c90ec5aee6d"


class _Pending(str):
    """What a deferred template's `render` returns: an empty string that remembers the job."""

    __slots__ = ("job",)


class _DeferredTemplate:
    def __init__(self, template, context):
        self.template = template
        self.context = context

    def render(self, localcontext):
        pending = _Pending()
        pending.job = (self.template, localcontext, self.context)
        return pending


class _Sink:
    """The file Pelican's `_write_file` writes into: queues a pending render instead of text.

    Nothing is opened here: the worker that renders the page creates the file (one open and
    truncate per page instead of two). `path` is None when Pelican's override rules skip the write.
    """

    def __init__(self, writer: ParallelWriter, path: str | None):
        self.writer, self.path = writer, path

    def write(self, text):
        if not isinstance(text, _Pending):
            raise TypeError("fast_reader's writer expected a deferred render")
        if self.path is not None:  # None: Pelican chose to skip this write (override rules)
            self.writer.queue[self.path] = text.job  # a later write to the same path wins
        return 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class ParallelWriter(Writer):
    """Pelican's Writer with `write_file` renders queued and run by `flush()` in a fork pool."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.queue: dict[str, tuple] = {}
        self._deferring = False
        _ACTIVE[:] = [self]

    def write_file(self, name, template, context, *args, **kwargs):
        self._deferring = True
        try:
            return super().write_file(name, _DeferredTemplate(template, context), context, *args, **kwargs)
        finally:
            self._deferring = False

    def _open_w(self, filename, encoding, override=False):
        if not self._deferring:
            return super()._open_w(filename, encoding, override)
        return _Sink(self, self._claim(filename, override))

    def _claim(self, filename: str, override: bool) -> str | None:
        """Pelican's `_open_w` bookkeeping without its `open`: the path to queue, or None where
        Pelican would write to os.devnull (an overridden file is not written again).

        The same checks, errors and log lines as Pelican 4.12's `_open_w` (`_writer_internals`
        refuses any other source); the page's file is created later, by whoever renders it.
        """
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" a second time (was previously overwritten)')
            logger.info('Skipping "%s", not overwriting', filename)
            self._written_files.add(os.devnull)
            return None
        if filename in self._written_files:
            if override:
                logger.info('Overwriting "%s"', filename)
            else:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" as Pelican has already written to it '
                    "previously (set `override=True` if intended)")
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return filename

    def flush(self) -> int:
        """Render and write every queued page; returns how many."""
        jobs = [(path, *job) for path, job in self.queue.items()]
        self.queue.clear()
        if not jobs:
            return 0
        start = time.perf_counter()
        used = pool_size(self.settings, len(jobs), "FAST_WRITER_MIN_POOL")
        _GLOBALS[0] = {}
        try:
            if used is None:
                for index in range(len(jobs)):
                    _render(jobs, index)
                used = 1
            else:
                rest = _render_first_of_each_template(_render_home_listing(jobs))
                sharedwork.run(lambda index: _render(rest, index), len(rest), used)
        finally:
            _GLOBALS[0] = None
        logger.debug("fast_reader: rendered %d pages with %d process(es) in %.2fs",
                     len(jobs), used, time.perf_counter() - start)
        return len(jobs)


_ACTIVE: list[ParallelWriter] = []  # this build's writer, for the `finalized` safety flush


def pool_size(settings, jobs: int, min_pool_setting: str) -> int | None:
    """Processes for a fork pool over `jobs` (the reader's and the writer's); None: run in-process
    (one process configured, fewer jobs than `min_pool_setting`, or no fork on this platform)."""
    processes = value_of(settings, "FAST_READER_PROCESSES")
    if processes is None:
        from plugins.brand_guard.core import usable_cpus  # lazy, as fast_reader's other brand imports

        processes = usable_cpus()
    small = jobs < value_of(settings, min_pool_setting)
    if processes <= 1 or small or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return min(processes, jobs)


def _render(jobs: list[tuple], index: int) -> None:
    path, template, localcontext, context = jobs[index]
    # Pelican's `_write_file` step: Contents build relative links from the shared context's value.
    if localcontext.get("localsiteurl"):
        context["localsiteurl"] = localcontext["localsiteurl"]
    output = _render_template(template, localcontext)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(output)


def _render_template(template, localcontext: dict) -> str:
    """`template.render(localcontext)` with one copy of the page's variables instead of two.

    Jinja's `render` copies its argument (`dict(*args)`) and then merges that copy into the
    template's globals (`dict(globals, **vars)`, the slower keyword path): ~230 variables per page,
    both times. One merge in the same order (globals first, the page's variables winning) passed
    as the context's own (`shared=True`: taken as is, no further copy) gives the same context.
    The template's globals (a ChainMap over the environment's, iterated in Python) are read once
    per flush (`_globals_of`), not twice per page (the merge and the context's `globals_keys`).
    """
    if not isinstance(template, jinja2.Template) or template.environment.is_async:
        return template.render(localcontext)
    template_globals = _globals_of(template)
    variables = dict(template_globals)
    variables.update(localcontext)
    context = new_context(template.environment, template.name, template.blocks, variables, True,
                          template_globals, None)
    try:
        return template.environment.concat(template.root_render_func(context))
    except Exception:
        template.environment.handle_exception()
    finally:
        _release(context, localcontext)


def _release(context: jinja2.runtime.Context, page: dict) -> None:
    """Break the reference cycles a rendered page leaves, so reference counting frees them at once.

    A page that imports macros `with context` gets its own module: a module context whose
    variables hold its macros, whose functions close over that context again — ~110 objects in
    cycles per page, plus the page context and its `self`. Only the cycle collector frees those:
    ~950 pages per process pile up enough of them to set off a collection that walks every young
    object (~0.06 CPU s in the main process and again in each render worker, at 1,000 posts). A
    page's contexts are never used again once its text is rendered (Pelican's writer drops them
    too), so emptying their variables after the render changes no output and leaves no cycle.

    A module imported without context is Jinja's cached one, shared by every page: it is left
    alone. It is told apart by a variable of this page (`page`, the page's own variables; one that
    is not a global of the template): a module made for the page has it in its context, the shared one cannot.
    Only public attributes and closure cells are read, except Jinja's `Macro._func`: without it a
    module is left as it is and the collector frees it, as before."""
    probe = next((key for key in page if key not in context.globals_keys), None)
    for value in context.vars.values():
        if probe is None or not isinstance(value, jinja2.environment.TemplateModule):
            continue
        for item in vars(value).values():
            func = getattr(item, "_func", None) if isinstance(item, jinja2.runtime.Macro) else None
            for cell in getattr(func, "__closure__", None) or ():
                try:
                    inner = cell.cell_contents
                except ValueError:  # an empty cell
                    continue
                if (isinstance(inner, jinja2.runtime.Context) and inner is not context
                        and inner.parent.get(probe, _ABSENT) is page[probe]):
                    inner.vars.clear()
                    inner.exported_vars.clear()
    context.vars.clear()
    context.exported_vars.clear()


_ABSENT = object()


#: id(template) → (template, a plain copy of its globals) while a flush renders; None outside
_GLOBALS: list[dict[int, tuple[jinja2.Template, dict]] | None] = [None]


def _globals_of(template: jinja2.Template) -> dict:
    """`dict(template.globals)`, read once per template and flush.

    Nothing adds a Jinja global while a flush renders (plugins add theirs at generator_init); the
    copies are dropped when the flush ends, so the next flush sees any global added in between.
    An entry holds its template, so the id cannot be reused by another while the copy lives.
    Outside a flush (direct calls) the globals are read at every call.
    """
    memo = _GLOBALS[0]
    if memo is None:
        return dict(template.globals)
    entry = memo.get(id(template))
    if entry is None:
        entry = memo[id(template)] = (template, dict(template.globals))
    return entry[1]


def _render_home_listing(jobs: list[tuple]) -> list[tuple]:
    """Render the home page listing here, before forking, while fragments' memo is on; returns the
    other jobs.

    Pelican's `index` direct template shows every post once, so its pages leave each post's listing
    card (with its byline, tag list and reading time) in the memo, and every forked worker inherits
    them. Forked first, each worker would render most cards again for the category, tag and author
    listings it draws (~0.1 s CPU at 1,000 posts); the home pages are ~3% of the render.
    """
    if not fragments.is_on():
        return jobs
    rest = []
    for index, job in enumerate(jobs):
        if job[2].get("template_name") == "index":
            _render(jobs, index)
        else:
            rest.append(job)
    return rest


def _render_first_of_each_template(jobs: list[tuple]) -> list[tuple]:
    """Render one page of each template here, before forking; returns the other jobs.

    Jinja compiles a template the first time it is rendered, imported or extended: the theme's
    base and macro templates would otherwise be compiled again in every worker of every flush.
    Rendered here, the workers inherit them compiled (and the first listing cards memoized).
    """
    seen: set[int] = set()
    rest = []
    for index, job in enumerate(jobs):
        if id(job[1]) in seen:
            rest.append(job)
        else:
            seen.add(id(job[1]))
            _render(jobs, index)
    return rest


def _writer_internals() -> type[ParallelWriter]:
    """ParallelWriter works only while `write_file` renders the template and writes the result
    through `_open_w` (it hands back a placeholder and catches it there); otherwise every page
    would be written empty."""
    source = inspect.getsource(Writer.write_file)
    if "self._open_w(" not in source or ".render(" not in source:
        raise AttributeError("Writer.write_file no longer renders and writes through Writer._open_w")
    inspect.signature(Writer._open_w).bind(None, "path", "utf-8", override=False)
    # `_claim` repeats `_open_w`'s bookkeeping (minus the open): only for the source it was copied from.
    opened = hashlib.sha256(inspect.getsource(Writer._open_w).encode()).hexdigest()
    if opened != _OPEN_W_SHA256:
        raise AttributeError("Writer._open_w is not the one ParallelWriter._claim repeats")
    return ParallelWriter


WIRE = Tripwire("fast_reader's parallel writer", proven=PROVEN,
                uses="Pelican's private Writer._open_w and write_file's inner steps",
                public="Pelican's own Writer", tests="tests/test_fast_reader.py", setup=_writer_internals)


def provide_writer(pelican):
    """get_writer: Pelican uses the class returned here (unless FAST_WRITER is off or the tripwire
    says Pelican's internals are not the proven ones)."""
    if value_of(pelican.settings, "FAST_WRITER"):
        return WIRE.get()
    return None


def flush(sender, writer=None, **_kwargs) -> None:
    if isinstance(writer, ParallelWriter):
        writer.flush()


def flush_all(_pelican) -> None:
    """finalized: anything a generator other than articles/pages queued is written now."""
    for writer in _ACTIVE:
        writer.flush()
    _ACTIVE.clear()


def register() -> None:
    signals.get_writer.connect(provide_writer)
    signals.article_writer_finalized.connect(flush)
    signals.page_writer_finalized.connect(flush)
    signals.finalized.connect(flush_all)
