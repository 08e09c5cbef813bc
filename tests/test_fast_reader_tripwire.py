"""fast_reader's tripwires: on a Pelican or Markdown other than the proven ones, Pelican's own paths
build the same site, and each fallback is announced exactly once."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from sitebuild import build_site
from test_fast_reader import FAST, INLINE_CASES, PLAIN, assert_same_site

from plugins import tripwire
from plugins.fast_reader import plugin, prefilter, writer

READER = "fast_reader's parallel reader: "
WRITER = "fast_reader's parallel writer: "
PREFILTER = "fast_reader's inline prefilter: "
URLS = "fast_reader's URL memo: "
CONVERTED = re.compile(r"fast_reader: converted \d+/\d+ files")
RENDERED = re.compile(r"fast_reader: rendered \d+ pages")


@pytest.fixture
def fresh_wires():
    tripwire.forget_all()
    yield
    tripwire.forget_all()


def warnings(caplog, part: str) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "plugins.tripwire" and r.levelname == "WARNING" and r.getMessage().startswith(part)]


def test_upgraded_pelican_builds_the_same_site_with_pelicans_reader_and_writer(tmp_path, marked_content):
    assume = {tripwire.ASSUME_ENV: "pelican==4.13.0, markdown==3.12.0"}
    plain = build_site(tmp_path / "plain", content=marked_content, settings=PLAIN)
    fast = build_site(tmp_path / "fast", content=marked_content, settings=FAST, args=("-D",))
    public = build_site(tmp_path / "public", content=marked_content, settings=FAST, env=assume, args=("-D",))
    assert plain.returncode == fast.returncode == public.returncode == 0, public.log[-3000:]
    assert_same_site(plain.output, public.output)
    assert_same_site(fast.output, public.output)
    stamp = re.compile(r"built \d{4}-\d\d-\d\d \d\d:\d\d")
    reports = {stamp.sub("", (b.build_dir / "brand-report.html").read_text(encoding="utf-8"))
               for b in (plain, public)}
    assert len(reports) == 1  # the brand guard checked every post itself, with the same findings
    # the fast paths are taken normally, and not at all after the "upgrade"
    assert CONVERTED.search(fast.log) and RENDERED.search(fast.log)
    assert not CONVERTED.search(public.log) and not RENDERED.search(public.log)
    assert "fast path was proven" not in fast.log and "same output, slower" not in fast.log
    for part in (READER, WRITER, URLS):
        message = part + "pelican 4.13.0 is installed, but this fast path was proven on pelican 4.12.0 only"
        assert public.log.count(message) == 1, public.log[-3000:]
    assert public.log.count("PROVEN in plugins/fast_reader/plugin.py") == 1
    assert public.log.count("PROVEN in plugins/fast_reader/writer.py") == 1
    assert public.log.count("PROVEN in plugins/fast_reader/urls.py") == 1
    assert PREFILTER not in public.log  # nothing was converted by fast_reader: no prefilter to check


def test_upgraded_markdown_keeps_the_parallel_paths_without_the_prefilter(tmp_path, bench_content):
    plain = build_site(tmp_path / "plain", content=bench_content, settings=PLAIN)
    public = build_site(tmp_path / "public", content=bench_content, settings=FAST, args=("-D",),
                        env={tripwire.ASSUME_ENV: "Markdown==3.12.0"})
    assert plain.returncode == public.returncode == 0, public.log[-3000:]
    assert_same_site(plain.output, public.output)
    assert CONVERTED.search(public.log) and RENDERED.search(public.log)
    assert public.log.count(PREFILTER + "markdown 3.12.0 is installed") == 1, public.log[-3000:]
    assert READER not in public.log and WRITER not in public.log


@pytest.fixture(scope="module")
def bench_content(tmp_path_factory):
    from bench import corpus

    return corpus.generate(40, tmp_path_factory.mktemp("corpus") / "content").content


def test_prefilter_on_other_markdown_leaves_markdown_alone(monkeypatch, caplog, fresh_wires):
    from markdown import Markdown
    from markdown.treeprocessors import InlineProcessor

    monkeypatch.setitem(prefilter.PROVEN, "markdown", "3.0.0")
    settings = {"extensions": ["markdown.extensions.extra", "markdown.extensions.smarty"],
                "output_format": "html5"}
    plain, public = Markdown(**settings), Markdown(**settings)
    assert prefilter.speed_up(public) == 0 and prefilter.speed_up(public) == 0
    assert type(public.treeprocessors["inline"]) is InlineProcessor
    assert type(public.treeprocessors["smarty"]) is InlineProcessor
    for text in INLINE_CASES:
        assert public.convert(text) == plain.convert(text)
    [message] = warnings(caplog, PREFILTER)
    assert "proven on markdown 3.0.0 only" in message
    assert "PROVEN in plugins/fast_reader/prefilter.py" in message


def test_writer_without_open_w_falls_back_to_pelicans_writer(monkeypatch, caplog, fresh_wires):
    """A Pelican that renamed `_open_w` (same version string or not): never write empty pages."""
    from pelican.writers import Writer

    pelican = SimpleNamespace(settings={})
    assert writer.provide_writer(pelican) is writer.ParallelWriter
    tripwire.forget_all()
    monkeypatch.delattr(Writer, "_open_w")
    assert writer.provide_writer(pelican) is None and writer.provide_writer(pelican) is None
    [message] = warnings(caplog, WRITER)
    assert "not what it expects (AttributeError" in message and "_open_w" in message


def test_writer_whose_write_file_no_longer_uses_open_w_falls_back(monkeypatch, caplog, fresh_wires):
    from pelican.writers import Writer

    def write_file(self, name, template, context, **kwargs):  # writes without _open_w
        with open(name, "w", encoding="utf-8") as handle:
            handle.write(template.render(context))

    monkeypatch.setattr(Writer, "write_file", write_file)
    assert writer.provide_writer(SimpleNamespace(settings={})) is None
    [message] = warnings(caplog, WRITER)
    assert "no longer renders and writes through Writer._open_w" in message


def test_reader_without_pelicans_internals_is_not_spliced_in(monkeypatch, caplog, fresh_wires):
    from pelican import readers as pelican_readers
    from pelican.settings import DEFAULT_CONFIG

    # Internals gone before Readers exists: an in-process build earlier in this process (dev server,
    # in-process plugin tests) left use_fast_reader connected to `readers_init`, which Readers()
    # sends, so building Readers first would splice the fast reader in before the upgrade "happened".
    monkeypatch.delattr(pelican_readers, "DUPLICATES_DEFINITIONS_ALLOWED")
    readers = pelican_readers.Readers(dict(DEFAULT_CONFIG))
    before = dict(readers.reader_classes)
    plugin.use_fast_reader(readers)
    plugin.use_fast_reader(readers)
    assert readers.reader_classes == before
    assert not any(issubclass(cls, plugin.PreconvertedMixin) for cls in readers.reader_classes.values())
    [message] = warnings(caplog, READER)
    assert "DUPLICATES_DEFINITIONS_ALLOWED" in message and "Pelican's own Markdown reader" in message
    monkeypatch.undo()
    tripwire.forget_all()
    plugin.use_fast_reader(readers)
    assert issubclass(readers.reader_classes["md"], plugin.PreconvertedMixin)


def test_upgraded_pelican_production_build_still_passes_and_is_identical(tmp_path, marked_content):
    """The warning is not an error: strict production builds on, through Pelican's own paths."""
    plain = build_site(tmp_path / "plain", content=marked_content, conf="publishconf", settings=PLAIN)
    public = build_site(tmp_path / "public", content=marked_content, conf="publishconf", settings=FAST,
                        env={tripwire.ASSUME_ENV: "pelican==4.13.0"})
    assert plain.returncode == public.returncode == 0, public.log[-3000:]
    assert_same_site(plain.output, public.output)
    assert public.log.count(READER + "pelican 4.13.0 is installed") == 1
    assert public.log.count(WRITER + "pelican 4.13.0 is installed") == 1
