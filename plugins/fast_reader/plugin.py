"""Main-process side of fast_reader: batch conversion at the first preread, reader that serves it.

The reader re-does Pelican's private `MarkdownReader.read` / `_parse_metadata` steps from the
worker's results, so it is spliced in only on the Pelican versions in `PROVEN`; on any other the
tripwire (plugins/tripwire.py) logs once and Pelican's own reader reads every file.
"""

from __future__ import annotations

import logging
import os
import time

from pelican import readers as pelican_readers
from pelican import signals
from pelican.readers import MarkdownReader

from plugins.tripwire import Tripwire

from . import brand, compiled, convert, dates, fragments, sharedwork, urls, writer

logger = logging.getLogger(__name__)

#: Pelican versions on which tests/test_fast_reader.py proved this reader's sites byte-identical
PROVEN = {"pelican": "4.12.0"}

#: abspath → Converted, filled by `preconvert`, consumed (popped) by the reader.
READY: dict[str, convert.Converted] = {}
_DONE: set[int] = set()  # ids of generators whose files were already batched this build


class PreconvertedMixin(MarkdownReader):
    """Serves `READY` results in place of `MarkdownReader.read`; falls back to it otherwise.

    Placed after the registered reader class in the MRO, so a subclass such as post_contract's
    `ContractMarkdownReader` still runs its checks first and then calls `super().read()`.
    """

    def read(self, source_path):
        ready = READY.pop(source_path, None)
        if ready is None or ready.stamp != convert.stamp_or_none(source_path):
            return super().read(source_path)
        self._source_path = source_path
        return ready.html, self._process_raw_metadata(ready)

    def _process_raw_metadata(self, ready: convert.Converted) -> dict:
        """`MarkdownReader._parse_metadata`, with formatted fields already converted by the worker."""
        formatted_fields = self.settings["FORMATTED_FIELDS"]
        output = {}
        for name, value in ready.meta.items():
            key = name.lower()
            if key in formatted_fields:
                output[key] = self.process_metadata(key, ready.formatted[name])
            elif not pelican_readers.DUPLICATES_DEFINITIONS_ALLOWED.get(key, True):
                if len(value) > 1:
                    logger.warning("Duplicate definition of `%s` for %s. Using first one.",
                                   key, self._source_path)
                output[key] = self.process_metadata(key, value[0])
            elif len(value) > 1:
                output[key] = self.process_metadata(key, value)
            else:
                output[key] = self.process_metadata(key, value[0])
        return output


_CLASSES: dict[type, type] = {}


def fast_class(base: type) -> type:
    """`base` with PreconvertedMixin spliced in just above MarkdownReader (cached per base)."""
    if base not in _CLASSES:
        bases = (PreconvertedMixin,) if base is MarkdownReader else (base, PreconvertedMixin)
        _CLASSES[base] = type(f"Fast{base.__name__}", bases, {
            "__doc__": f"{base.__name__} served from fast_reader's parallel pre-conversion.",
            "__module__": __name__,
        })
    return _CLASSES[base]


def _reader_internals() -> bool:
    """What the fast reader copies or calls must still be where Pelican 4.12 has it."""
    for owner, names in ((MarkdownReader, ("read", "_parse_metadata", "process_metadata")),
                         (pelican_readers.Readers, ("get_cached_data", "read_file")),
                         (pelican_readers, ("DUPLICATES_DEFINITIONS_ALLOWED",))):
        for name in names:
            getattr(owner, name)
    return True


WIRE = Tripwire("fast_reader's parallel reader", proven=PROVEN,
                uses="a copy of Pelican's private MarkdownReader._parse_metadata",
                public="Pelican's own Markdown reader (no parallel conversion)",
                tests="tests/test_fast_reader.py", setup=_reader_internals)


def use_fast_reader(readers) -> None:
    """readers_init: wrap whatever Markdown reader is registered (post_contract's, normally),
    unless the tripwire says Pelican's internals are not the proven ones."""
    if WIRE.get() is None:
        return
    for ext, cls in list(readers.reader_classes.items()):
        markdown = isinstance(cls, type) and issubclass(cls, MarkdownReader)
        if markdown and not issubclass(cls, PreconvertedMixin):
            readers.reader_classes[ext] = fast_class(cls)


def files_to_read(generator, paths_key: str, excludes_key: str) -> tuple[list[str], list[tuple[str, dict]]]:
    """Files this generator will read with our reader: (not cached, cached with their metadata)."""
    readers = generator.readers
    wanted, cached = [], []
    for rel in generator.get_files(generator.settings[paths_key], exclude=generator.settings[excludes_key]):
        ext = os.path.splitext(rel)[1][1:]
        reader = readers.readers.get(ext)
        if not isinstance(reader, PreconvertedMixin):
            continue
        path = os.path.abspath(os.path.join(generator.path, rel))
        hit = generator.get_cached_data(rel, None)  # generator-level content cache
        if hit is not None:
            cached.append((path, dict(getattr(hit, "metadata", {}))))
            continue
        hit = readers.get_cached_data(path, None)  # reader-level content cache
        if hit is not None:
            cached.append((path, dict(hit[1] or {})))
            continue
        wanted.append(path)
    return wanted, cached


def preconvert(paths: list[str], settings, checks: list[tuple[str, dict]] = ()) -> int:
    """Convert `paths` into READY in a fork pool when worth it, and start the background brand
    check of `paths` plus `checks` (cached posts); returns the number of files converted."""
    jobs = [*((path, None) for path in paths), *checks]
    if not jobs:
        return 0
    # forked first: the background check must not inherit the conversion pool
    background = (writer.pool_size(settings, len(jobs), "FAST_READER_MIN_POOL") is not None
                  and brand.start(jobs, settings))
    if not paths:
        return 0
    used = writer.pool_size(settings, len(paths), "FAST_READER_MIN_POOL")
    start = time.perf_counter()
    convert.ensure_init(settings)  # before forking: workers inherit the Markdown instances
    if used is None:
        results = map(convert.convert, paths)
        used = 1
    else:
        # The first file is converted here, before forking: the helpers inherit what a first
        # conversion warms (Pygments lexers compiled for its languages, regex and Markdown caches).
        first = [convert.convert(paths[0])]
        rest = paths[1:]
        results = first + sharedwork.run(lambda index: convert.convert(rest[index]), len(rest), used)
    count = 0
    for path, ready in results:
        if ready is not None:
            READY[path] = ready
            count += 1
    logger.debug("fast_reader: converted %d/%d files with %d process(es) in %.2fs; brand checks of %d "
                 "files %s", count, len(paths), used, time.perf_counter() - start, len(jobs),
                 "in the background" if background else "left to the brand plugin")
    return count


def _batch(generator, paths_key: str, excludes_key: str) -> None:
    if id(generator) in _DONE or WIRE.get() is None:  # tripped: Pelican's reader reads every file
        return
    if not _DONE:  # first read of this build
        brand.load_memo(generator.settings)
    _DONE.add(id(generator))
    paths, cached = files_to_read(generator, paths_key, excludes_key)
    checks = [(path, brand.header_of(meta)) for path, meta in cached
              if brand.needs_check(path, meta, generator.settings)]
    preconvert(paths, generator.settings, checks)


def articles_preread(generator) -> None:
    _batch(generator, "ARTICLE_PATHS", "ARTICLE_EXCLUDES")


def pages_preread(generator) -> None:
    _batch(generator, "PAGE_PATHS", "PAGE_EXCLUDES")


def reset(*_args, **_kwargs) -> None:
    """Reading is over: drop what the readers did not take (and the Markdown instances)."""
    READY.clear()
    _DONE.clear()
    convert.forget()


def start_build(*_args, **_kwargs) -> None:
    """A new build (`make regenerate` reuses the process) starts with no leftovers."""
    reset()
    brand.stop()


def finish(_pelican) -> None:
    brand.save_memo()
    reset()


def register() -> None:
    signals.initialized.connect(start_build)
    signals.readers_init.connect(use_fast_reader)
    signals.article_generator_preread.connect(articles_preread)
    signals.page_generator_preread.connect(pages_preread)
    signals.all_generators_finalized.connect(reset)
    signals.finalized.connect(finish)
    writer.register()
    urls.register()
    fragments.register()
    dates.register()
    compiled.register()
