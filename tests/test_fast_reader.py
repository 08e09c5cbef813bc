"""fast_reader produces byte-identical sites to Pelican's own reader, and never serves stale text."""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import copy_content
from sitebuild import REPO, all_output_bytes, build_site

sys.path.insert(0, str(REPO))

import pelicanconf  # noqa: E402
from bench import corpus  # noqa: E402

PLAIN = {"PLUGINS": [p for p in pelicanconf.PLUGINS if p != "plugins.fast_reader"]}
FAST = {"PLUGINS": [*PLAIN["PLUGINS"], "plugins.fast_reader"], "FAST_READER_PROCESSES": 2,
        "FAST_READER_MIN_POOL": 1, "FAST_WRITER_MIN_POOL": 1}


def _build_time() -> re.Pattern[bytes]:
    """Feeds and the sitemap's index entries stamp the build time; everything else must match."""
    today = datetime.now(UTC).strftime("%Y-%m-%d").encode()
    return re.compile(rb"<lastBuildDate>[^<]*</lastBuildDate>|<updated>[^<]*</updated>|<lastmod>"
                      + today + rb"[^<]*</lastmod>")


def normalised(root: Path) -> dict[str, bytes]:
    stamp = _build_time()
    return {str(p.relative_to(root)): stamp.sub(b"", data) for p, data in all_output_bytes(root).items()}


def assert_same_site(a: Path, b: Path) -> None:
    left, right = normalised(a), normalised(b)
    assert sorted(left) == sorted(right)
    different = [name for name in left if left[name] != right[name]]
    assert not different, different[:10]


@pytest.fixture(scope="module")
def bench_content(tmp_path_factory) -> Path:
    return corpus.generate(60, tmp_path_factory.mktemp("corpus") / "content").content


@pytest.mark.parametrize("source", ["sample", "corpus"])
def test_fast_reader_site_is_identical_to_plain_reader(tmp_path, source, bench_content, marked_content):
    content = marked_content if source == "sample" else bench_content
    plain = build_site(tmp_path / "plain", content=content, settings=PLAIN)
    fast = build_site(tmp_path / "fast", content=content, settings=FAST)
    assert plain.returncode == 0, plain.log
    assert fast.returncode == 0, fast.log
    assert list(plain.output.glob("posts/*/*/index.html"))
    assert_same_site(plain.output, fast.output)


def test_relative_urls_site_is_identical(tmp_path, marked_content):
    """RELATIVE_URLS makes each page's links depend on the page: the deferred renders must keep that."""
    plain = build_site(tmp_path / "plain", content=marked_content, settings={**PLAIN, "RELATIVE_URLS": True})
    fast = build_site(tmp_path / "fast", content=marked_content, settings={**FAST, "RELATIVE_URLS": True})
    assert plain.returncode == fast.returncode == 0, fast.log
    assert_same_site(plain.output, fast.output)


def test_production_build_is_identical_too(tmp_path, marked_content):
    plain = build_site(tmp_path / "plain", content=marked_content, conf="publishconf", settings=PLAIN)
    fast = build_site(tmp_path / "fast", content=marked_content, conf="publishconf", settings=FAST)
    assert plain.returncode == fast.returncode == 0, fast.log
    assert_same_site(plain.output, fast.output)


def test_content_cache_rebuild_after_edit_matches_fresh_build(tmp_path, bench_content):
    """Edit one post between cached builds: the rebuild equals a clean plain build of the new text."""
    content = tmp_path / "content"
    shutil.copytree(bench_content, content)
    cached = {**FAST, "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    first = build_site(tmp_path / "cached", content=content, settings=cached)
    assert first.returncode == 0, first.log
    post = sorted((content / "posts").glob("*.md"))[3]
    post.write_text(post.read_text(encoding="utf-8").replace("\n\n", "\n\nA freshly edited line.\n\n", 1)
                    .replace("Summary: ", "Summary: Edited summary. ", 1), encoding="utf-8")
    again = build_site(tmp_path / "cached", content=content, settings=cached)
    assert again.returncode == 0, again.log
    fresh = build_site(tmp_path / "fresh", content=content, settings=PLAIN)
    assert "A freshly edited line." in "".join(
        p.read_text(encoding="utf-8") for p in again.output.glob("posts/*/*/index.html"))
    assert_same_site(fresh.output, again.output)


def test_stale_preconversion_is_never_served(tmp_path):
    """A file changed after the pool converted it is read again by Pelican's reader."""
    from pelican.settings import read_settings

    from plugins.fast_reader import convert, plugin
    from plugins.post_contract.plugin import ContractMarkdownReader

    content = copy_content(tmp_path / "content")
    path = str(sorted((content / "posts").glob("*.md"))[0])
    settings = read_settings(str(REPO / "pelicanconf.py"))
    reader = plugin.fast_class(ContractMarkdownReader)(settings)
    plugin.preconvert([path], settings)
    assert path in plugin.READY
    served, _ = reader.read(path)
    assert path not in plugin.READY  # consumed once

    plugin.preconvert([path], settings)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\nA line added after conversion.\n")
    html, meta = reader.read(path)
    assert "A line added after conversion." in html
    assert plugin.READY == {}
    plain_html, plain_meta = ContractMarkdownReader(settings).read(path)
    assert (html, meta.keys()) == (plain_html, plain_meta.keys())
    assert served != html
    assert convert.file_stamp(path)


def test_reader_matches_plain_reader_per_file(bench_content):
    """Content and processed metadata (dates, tags, summary HTML) equal Pelican's, file by file."""
    from pelican.settings import read_settings

    from plugins.fast_reader import plugin
    from plugins.post_contract.plugin import ContractMarkdownReader

    settings = read_settings(str(REPO / "pelicanconf.py"))
    paths = [str(p) for p in sorted((bench_content / "posts").glob("*.md"))] + [
        str(p) for p in sorted((REPO / "content" / "posts").glob("*.md"))]
    plain = ContractMarkdownReader(settings)
    fast = plugin.fast_class(ContractMarkdownReader)(settings)
    settings_fast = {**settings, "FAST_READER_PROCESSES": 2, "FAST_READER_MIN_POOL": 1}
    assert plugin.preconvert(paths, settings_fast) == len(paths)
    for path in paths:
        a_html, a_meta = plain.read(path)
        b_html, b_meta = fast.read(path)
        assert a_html == b_html, path
        assert {k: str(v) for k, v in a_meta.items()} == {k: str(v) for k, v in b_meta.items()}, path
        assert [type(v) for v in a_meta.values()] == [type(v) for v in b_meta.values()]
    assert plugin.READY == {}


def _brand_lines(log: str) -> list[str]:
    found = (re.sub(r"^\[[\d:]+\]", "", line).strip() for line in log.splitlines())
    return sorted(line for line in found if re.search(r"\.md:\d+:\d+", line))


def test_brand_guard_results_are_identical_from_the_pool(tmp_path, marked_content):
    """The brand report and every logged finding are the same whether workers or the plugin check."""
    content = tmp_path / "content"
    shutil.copytree(marked_content, content)
    post = sorted((content / "posts").glob("*.md"))[0]
    post.write_text(post.read_text(encoding="utf-8") + "\nThis revolutionary, best-in-class synergy.\n",
                    encoding="utf-8")
    plain = build_site(tmp_path / "plain", content=content, settings=PLAIN, args=("-v",))
    fast = build_site(tmp_path / "fast", content=content, settings=FAST, args=("-v",))
    assert plain.returncode == fast.returncode == 0, fast.log
    stamp = re.compile(r"built \d{4}-\d\d-\d\d \d\d:\d\d")
    reports = [stamp.sub("", (b.build_dir / "brand-report.html").read_text(encoding="utf-8"))
               for b in (plain, fast)]
    assert reports[0] == reports[1]
    assert _brand_lines(plain.log) == _brand_lines(fast.log)
    assert "checked alongside the build" not in plain.log
    posts = len(list((content / "posts").glob("*.md"))) + len(list((content / "pages").glob("*.md")))
    summary = re.search(r"brand guard: (\d+) posts and pages \((\d+) checked alongside the build\)", fast.log)
    assert summary, fast.log[-2000:]
    # Every post and page was checked in the background (drafts and internal posts too).
    assert int(summary[1]) == int(summary[2]) == posts


def test_brand_precomputed_result_needs_matching_slug_and_file(tmp_path):
    from plugins.fast_reader import brand

    brand.stop()  # results left by the in-process preconvert tests above
    path = tmp_path / "p.md"
    path.write_text("Title: T\n\nBody.\n", encoding="utf-8")
    st = path.stat()
    brand.RESULTS[str(path)] = ((st.st_mtime_ns, st.st_size), "public", "t", "RESULT")
    assert brand.precomputed(str(path), audience="public", slug="other") is None  # mismatch → recheck
    brand.RESULTS[str(path)] = ((st.st_mtime_ns, st.st_size), "public", "t", "RESULT")
    assert brand.precomputed(str(path), audience="public", slug="t") == "RESULT"
    brand.RESULTS[str(path)] = ((st.st_mtime_ns, st.st_size), "public", "t", "RESULT")
    path.write_text("Title: T\n\nBody, edited.\n", encoding="utf-8")
    assert brand.precomputed(str(path), audience="public", slug="t") is None
    assert brand.RESULTS == {}
    from pelican.settings import DEFAULT_CONFIG

    assert brand.predict({"title": ["Hello, World!"], "audience": [" Internal "]}, str(path),
                         DEFAULT_CONFIG) == ("internal", "hello-world")


def test_background_brand_check_gives_the_in_line_results(tmp_path, marked_content):
    from pelican.settings import read_settings

    from plugins.brand_guard import core
    from plugins.fast_reader import brand

    settings = read_settings(str(REPO / "pelicanconf.py"))
    content = tmp_path / "content"
    shutil.copytree(marked_content, content)
    paths = [str(p) for p in sorted((content / "posts").glob("*.md"))]
    with open(paths[0], "a", encoding="utf-8") as handle:
        handle.write("\nThis revolutionary, best-in-class synergy is Project Bluefin.\n")
    brand.start([(path, None) for path in paths], settings)
    (process, out), = brand._RUNNING
    process.join()
    assert process.exitcode == 0
    brand.collect()
    assert not brand._RUNNING and not Path(out).exists()
    cfg = core.load_config(brand.config_path(settings))
    found = 0
    for path in paths:
        stamp, audience, slug, result = brand.RESULTS[path]
        assert brand.predict(brand.header_meta(Path(path).read_text(encoding="utf-8")), path, settings) == (
            audience, slug)
        expected = core.check_file(path, cfg, display=core.display_path(path), audience=audience, slug=slug,
                                   draft=False)
        assert (result.findings, result.words, result.alignment.score) == (
            expected.findings, expected.words, expected.alignment.score), path
        found += len(result.findings)
        assert brand.precomputed(path, audience=audience, slug=slug) is result
    assert found >= 4, "hype, avoid and the code name are found in the background too"


def test_killed_background_brand_check_leaves_the_checks_to_the_plugin(tmp_path, marked_content):
    from pelican.settings import read_settings

    from plugins.fast_reader import brand

    settings = read_settings(str(REPO / "pelicanconf.py"))
    path = str(sorted((marked_content / "posts").glob("*.md"))[0])
    brand.start([(path, None)] * 400, settings)
    (process, out), = brand._RUNNING
    deadline = time.monotonic() + 5
    while os.sched_getscheduler(process.pid) != os.SCHED_IDLE and time.monotonic() < deadline:
        time.sleep(0.01)  # it lowers its own priority first thing
    assert os.sched_getscheduler(process.pid) == os.SCHED_IDLE, "the check must only use idle CPU"
    process.kill()
    brand.collect()
    assert brand.RESULTS == {} and not Path(out).exists()
    assert brand.precomputed(path, audience="public", slug=None) is None


def test_brand_memo_on_rebuild_is_identical_and_invalidates(tmp_path, marked_content):
    """Cached rebuilds reuse brand results only while the post, brand.yml and the guard's code match."""
    from plugins.fast_reader import brand

    content = tmp_path / "content"
    shutil.copytree(marked_content, content)
    config = tmp_path / "brand.yml"
    shutil.copy(REPO / "brand.yml", config)
    post = sorted((content / "posts").glob("*.md"))[0]
    cached = {**FAST, "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "BRAND_CONFIG": str(config)}
    plain = {**PLAIN, "BRAND_CONFIG": str(config)}

    def both(tag: str):
        fast = build_site(tmp_path / "cached", content=content, settings=cached)
        fresh = build_site(tmp_path / f"plain-{tag}", content=content, settings=plain)
        assert fast.returncode == fresh.returncode == 0, fast.log
        stamp = re.compile(r"built \d{4}-\d\d-\d\d \d\d:\d\d")
        reports = [stamp.sub("", (b.build_dir / "brand-report.html").read_text(encoding="utf-8"))
                   for b in (fresh, fast)]
        assert reports[0] == reports[1], tag
        assert _brand_lines(fresh.log) == _brand_lines(fast.log), tag
        return fast

    both("first")
    memo = tmp_path / "cached" / "cache" / brand.MEMO_FILE
    assert memo.is_file()
    both("unchanged")  # served from the memo
    memo.unlink()  # e.g. the guard's code changed: cached posts are re-checked in the pool
    both("memo lost")
    import pickle

    saved = pickle.loads(memo.read_bytes())
    assert len(saved["entries"]) >= len(list((content / "posts").glob("*.md"))) - 4  # bar skipped posts
    hype = "\nA revolutionary, best-in-class, game-changing synergy.\n"
    post.write_text(post.read_text(encoding="utf-8") + hype, encoding="utf-8")
    assert "hype" in " ".join(_brand_lines(both("post edited").log))
    text = config.read_text(encoding="utf-8")
    assert "limited time]" in text, "this test edits the hype list's last entry in brand.yml"
    config.write_text(text.replace("limited time]", "limited time, game-changing]"), encoding="utf-8")
    assert "game-changing" in " ".join(_brand_lines(both("brand.yml edited").log))


def test_brand_memo_epoch_follows_config_and_code(tmp_path):
    import importlib

    from plugins.fast_reader import brand

    package = tmp_path / "guard"
    shutil.copytree(REPO / "plugins" / "brand_guard", package, ignore=shutil.ignore_patterns("__pycache__"))
    config = tmp_path / "brand.yml"
    shutil.copy(REPO / "brand.yml", config)

    class Core:
        __file__ = str(package / "core.py")

    first = brand.epoch(str(config), Core)
    assert brand.epoch(str(config), Core) == first
    (package / "rules" / "extra.py").write_text("# a new rule module\n", encoding="utf-8")
    second = brand.epoch(str(config), Core)
    assert second != first
    config.write_text(config.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert brand.epoch(str(config), Core) != second
    assert importlib.import_module("plugins.fast_reader.brand") is brand


INLINE_CASES = [
    "Plain text with no punctuation at all",
    "It's \"quoted\" -- and 'single' --- with an ellipsis... and '90s decade",
    "A *'nested'* [\"link\"](https://example.com/a--b) and `code 'here' -- ...`",
    "Escaped \\\"quote\\\" and <span title=\"x\">html's</span> and &quot;entity&quot; & AT&T",
    "Angles <<like this>> and trailing quote\" and <https://example.com> and <me@example.com>",
    "    indented code 'stays' -- as is\n\nAfter.",
    "Line  \nbreak, __strong__ _em_ ***both*** snake_case_name 2*3*4, ![img](a.png) [ref][1] [^1]\n\n"
    "[1]: https://example.com\n[^1]: A footnote -- with 'quotes'.",
    "\\*not em\\* and \\`not code\\` and [not a link] and a lone ] bracket",
    # apostrophes only, double quotes only, both nested, quote sets, decades, quotes at the start
    "Don't stop: the team's plan, the '80s, rock 'n' roll, O'Brien's ledger.",
    '"Quoted" and "more" and "\'nested\'" and "\'80s"',
    "'Tis \"'Quoted' words in a larger quote.\" and '\"set\"' and \"'\" and '\"' alone",
    "'",
    '"',
    # text that looks like Markdown's own placeholders, other scripts, invisible characters
    "klzzwxh:0 \x02klzzwxh:1\x03 wzxhzdk:2 -- it's",
    "Привет 'мир' — «ёлки» -- 東京の'駅' ... \u200bit\u00ads \"zero\u200dwidth\"",
    "*it's* _\"em\"_ `code's` [it's](https://example.com/it's) ![it's](x'y.png) <b>it's</b>",
]


@pytest.mark.parametrize("text", INLINE_CASES)
def test_inline_prefilter_gives_identical_html(text):
    from markdown import Markdown

    from plugins.fast_reader import prefilter

    for config in ({}, {"smart_angled_quotes": True}, {"smart_dashes": False, "smart_ellipses": False}):
        settings = {"extensions": ["markdown.extensions.extra", "markdown.extensions.smarty",
                                   "markdown.extensions.codehilite", "markdown.extensions.toc"],
                    "extension_configs": {"markdown.extensions.smarty": config}, "output_format": "html5"}
        plain, fast = Markdown(**settings), Markdown(**settings)
        assert prefilter.speed_up(fast) > 20
        assert fast.convert(text) == plain.convert(text), config


def test_inline_prefilter_never_filters_unknown_patterns():
    from markdown import Markdown
    from markdown.inlinepatterns import SimpleTextInlineProcessor

    from plugins.fast_reader import prefilter

    md = Markdown(extensions=["markdown.extensions.smarty"])
    custom = SimpleTextInlineProcessor(r"(x)")
    md.treeprocessors["inline"].inlinePatterns.register(custom, "custom", 1)
    md.treeprocessors["inline"].inlinePatterns.register(SimpleTextInlineProcessor(r"(y)"), "escape", 180)
    prefilter.speed_up(md)
    triggers = md.treeprocessors["inline"].triggers
    assert id(custom) not in triggers  # unknown name
    assert id(md.treeprocessors["inline"].inlinePatterns["escape"]) not in triggers  # known name, other regex
    assert prefilter.speed_up(Markdown(extensions=[])) > 0  # the main pass alone is filtered too


def test_home_listing_renders_before_forking_only_with_the_fragment_memo(tmp_path):
    """The writer renders the `index` direct template's pages in the main process (they fill the
    card memo every forked worker inherits) only while the memo is on; every other page is left
    for the pool, in order."""
    from plugins.fast_reader import fragments, writer

    class Template:
        def render(self, localcontext):
            return f"<p>{localcontext['template_name']}</p>"

    def jobs():
        names = ["article", "index", "tag", "index", "archives"]
        return [(str(tmp_path / f"{name}-{i}.html"), Template(), {"template_name": name}, {})
                for i, name in enumerate(names)]

    saved = fragments._MEMO[0]
    try:
        fragments._MEMO[0] = None
        assert [job[2]["template_name"] for job in writer._render_home_listing(jobs())] == [
            "article", "index", "tag", "index", "archives"]
        assert not list(tmp_path.iterdir())
        fragments._MEMO[0] = {}
        rest = writer._render_home_listing(jobs())
        assert [job[2]["template_name"] for job in rest] == ["article", "tag", "archives"]
        assert sorted(p.name for p in tmp_path.iterdir()) == ["index-1.html", "index-3.html"]
        assert (tmp_path / "index-3.html").read_text(encoding="utf-8") == "<p>index</p>"
    finally:
        fragments._MEMO[0] = saved


def test_deferred_writes_keep_pelicans_override_rules_without_opening_files(tmp_path):
    """While deferring, ParallelWriter does `_open_w`'s bookkeeping without opening the file (the
    render creates it): the same paths written or skipped, the same errors and the same sets as
    Pelican's own Writer, for every order of plain and override writes to one path."""
    from itertools import product

    from pelican.writers import Writer

    from plugins.fast_reader import writer

    assert writer.WIRE.get() is writer.ParallelWriter  # the tripwire accepts this Pelican's _open_w

    def pelican(calls, out):
        plain, outcome = Writer(str(out), settings={}), []
        for override in calls:
            try:
                with plain._open_w(str(out / "page.html"), "utf-8", override=override) as handle:
                    outcome.append(handle.name)
            except Exception as error:  # noqa: BLE001 - the exception type is what is compared
                outcome.append(type(error).__name__)
        return outcome, plain._written_files, plain._overridden_files

    def deferred(calls, out):
        fast, outcome = writer.ParallelWriter(str(out), settings={}), []
        fast._deferring = True
        for override in calls:
            try:
                with fast._open_w(str(out / "page.html"), "utf-8", override=override) as sink:
                    outcome.append(os.devnull if sink.path is None else sink.path)
            except Exception as error:  # noqa: BLE001
                outcome.append(type(error).__name__)
        return outcome, fast._written_files, fast._overridden_files

    for length in (1, 2, 3):
        for calls in product([False, True], repeat=length):
            out = tmp_path / "-".join(map(str, calls))
            out.mkdir()
            rendered = (tmp_path / "d") / out.name
            rendered.mkdir(parents=True)
            expected, got = pelican(calls, out), deferred(calls, rendered)
            assert [o.replace(str(out), "") for o in expected[0]] == [
                o.replace(str(rendered), "") for o in got[0]], calls
            assert {p.replace(str(out), "") for p in expected[1]} == {
                p.replace(str(rendered), "") for p in got[1]}, calls
            assert {p.replace(str(out), "") for p in expected[2]} == {
                p.replace(str(rendered), "") for p in got[2]}, calls
            assert not list(rendered.iterdir())  # nothing opened: the render creates the file


def test_render_template_gives_jinjas_render(tmp_path):
    """writer._render_template (one merge of globals and page variables) renders what Jinja's own
    `Template.render` does: globals visible, page variables winning over them, the same variable
    order, the page's dict left as it was, and template errors raised the same way."""
    from jinja2 import DictLoader, Environment, UndefinedError

    from plugins.fast_reader import writer

    env = Environment(autoescape=True, loader=DictLoader({
        "base.html": "{% import 'm.html' as m with context %}{% block b %}{% endblock %}|{{ m.hi() }}",
        "m.html": "{% macro hi() %}{{ who }}/{{ site }}{% endmacro %}",
        "page.html": "{% extends 'base.html' %}{% block b %}{{ who }} {{ site }} {{ shown|join(',') }}"
                     " {{ range(2)|list }}{% endblock %}",
        "bad.html": "{{ missing.attr }}",
    }))
    env.globals.update(site="global-site", who="global-who")
    for page in ({"who": "<page>", "shown": [1, 2]}, {"shown": [], "site": "page-site", "x": None}):
        template = env.get_template("page.html")
        before = dict(page)
        assert writer._render_template(template, page) == template.render(page)
        assert page == before and list(page) == list(before)
    with pytest.raises(UndefinedError):
        writer._render_template(env.get_template("bad.html"), {})


def test_rendered_pages_leave_no_cycles_for_the_collector(tmp_path):
    """writer._render_template empties a rendered page's contexts: a page that imports macros `with
    context` (and uses `self`, `caller`, loops) leaves no cyclic garbage — so a build's renders never
    set off a collection — and rendering the same pages again, in any order, gives the same text
    as Jinja's own `render`; a module imported without context (Jinja's cached one) is untouched."""
    import gc

    from jinja2 import DictLoader, Environment
    from jinja2.runtime import Context

    from plugins.fast_reader import writer

    env = Environment(autoescape=True, loader=DictLoader({
        "base.html": "{% import 'm.html' as m with context %}{% import 'plain.html' as p %}"
                     "<title>{% block title %}{% endblock %}</title>{{ self.title() }}"
                     "{% block b %}{% endblock %}|{{ m.hi() }}|{{ p.shout('x') }}",
        "m.html": "{% macro hi() %}{{ who }}{{ m2() }}{% endmacro %}{% macro m2() %}<{{ site }}>"
                  "{% endmacro %}{% macro box() %}[{{ caller() }}]{% endmacro %}",
        "plain.html": "{% macro shout(s) %}{{ s|upper }}{{ bang() }}{% endmacro %}"
                      "{% macro bang() %}!{% endmacro %}",
        "page.html": "{% extends 'base.html' %}{% block title %}{{ who }}{% endblock %}"
                     "{% block b %}{% for i in items %}{% call m.box() %}{{ loop.index }}{{ i }}"
                     "{% endcall %}{% endfor %}{% endblock %}",
    }))
    env.globals.update(site="S&P")
    pages = [{"who": f"<w{n}>", "items": list(range(n))} for n in range(6)]
    expected = [env.get_template("page.html").render(page) for page in pages]
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        got = [writer._render_template(env.get_template("page.html"), page) for page in reversed(pages)]
        gc.collect()
        left = list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert got[::-1] == expected
    assert left == []
    # the module imported without context is Jinja's cached one, shared: its macros still call
    # each other, on every later page too
    shared = env.get_template("plain.html").module
    assert shared.shout("y") == "Y!"
    cells = [c.cell_contents for c in shared.shout._func.__closure__ if c.cell_contents is not None]
    assert any(isinstance(c, Context) and {"shout", "bang"} <= set(c.vars) for c in cells)
    assert [writer._render_template(env.get_template("page.html"), page) for page in pages] == expected
    # Jinja's own render, for comparison, does leave cycles (the reason for the release)
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        env.get_template("page.html").render(pages[2])
        gc.collect()
        assert gc.garbage
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
