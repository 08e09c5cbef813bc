"""Each plugin's own logic, on a few posts built in-process (pelican-plugins/sitemap's way).

The whole-site subprocess tests (sitebuild.py) prove exit codes and strict mode on the sample
site; these build two or three posts with `read_settings(override=...)` + `Pelican(settings).run()`
so a failure names the plugin that broke.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from bs4 import BeautifulSoup
from inprocess import build, post, write_post

FUTURE = (datetime.now(UTC) + timedelta(days=400)).strftime("%Y-%m-%d 08:00")


# ---------------------------------------------------------------- post_contract

def test_post_contract_skips_a_broken_post_and_holds_back_internal_ones(tmp_path, caplog):
    content = tmp_path / "content"
    post(content, "closing-the-books")
    post(content, "all-hands-notes", audience="internal", title="All hands notes")
    write_post(content, "no-title", {"Date": "2026-03-05 08:00", "Author": "Dana Whitfield"})
    write_post(content, "bad-status", {"Title": "Bad status", "Date": "2026-03-06", "Status": "publsihed"})
    with caplog.at_level(logging.WARNING):
        site = build(tmp_path, content)
    pages = sorted(p.parent.name for p in site.output.glob("posts/*/*/index.html"))
    assert pages == ["closing-the-books"]  # internal and broken posts: no public page
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any(m.endswith("no-title.md:1: the post has no title — add a line like \"Title: Why trust beats "
                          "tooling\" at the top, followed by the other metadata and a blank line")
               for m in errors), errors
    assert any("bad-status.md:3: Status \"publsihed\" is not recognised" in m for m in errors), errors
    assert "2 broken posts skipped" in caplog.text
    index = site.read("index.html")
    assert "All hands notes" not in index and "Closing the books" in index


def test_post_contract_strict_build_stops_on_a_broken_post(tmp_path):
    content = tmp_path / "content"
    post(content, "closing-the-books")
    post(content, "bad-channel", channels="linkedin, myspace")
    with pytest.raises(SystemExit) as stop:
        build(tmp_path, content, LECTERN_STRICT=True)
    assert stop.value.code == 1


# ---------------------------------------------------------------- feeds

def test_feeds_list_only_public_posts_that_are_out(tmp_path):
    content = tmp_path / "content"
    post(content, "closing-the-books", date="2026-03-04 08:30", tags="close")
    post(content, "scheduled-outlook", date=FUTURE, tags="close")  # kept published: WITH_FUTURE_DATES
    post(content, "unlisted-note", date="2026-03-05 08:30", status="hidden")
    post(content, "all-hands-notes", date="2026-03-06 08:30", audience="internal")
    site = build(tmp_path, content, WITH_FUTURE_DATES=True, LECTERN_TAG_FEED_RSS="")
    assert (site.output / "posts" / FUTURE[:4] / "scheduled-outlook" / "index.html").is_file()
    for rel in ("feeds/all.atom.xml", "feeds/all.rss.xml", "feeds/tag/close.atom.xml"):
        parsed = feedparser.parse((site.output / rel).read_bytes())
        assert not parsed.bozo, rel
        assert [e.link for e in parsed.entries] == [
            "http://localhost:8000/posts/2026/closing-the-books/"], rel
    assert not (site.output / "feeds" / "tag" / "close.rss.xml").exists()  # "" turns a kind off


# ---------------------------------------------------------------- syndication

def test_syndication_manifest_lists_posts_that_are_out_with_code_names_flagged(tmp_path):
    content = tmp_path / "content"
    post(content, "closing-the-books")
    post(content, "all-hands-notes", audience="internal", summary="Project Bluefin ships in May.")
    post(content, "scheduled-outlook", date=FUTURE)
    post(content, "ai-in-the-close", status="draft")
    site = build(tmp_path, content, WITH_FUTURE_DATES=True)
    manifest = json.loads((site.build_dir / "manifest.json").read_text(encoding="utf-8"))
    posts = {p["slug"]: p for p in manifest["posts"]}
    assert sorted(posts) == ["all-hands-notes", "closing-the-books"]
    assert posts["all-hands-notes"]["audience"] == "internal"
    assert posts["all-hands-notes"]["confidential"] == ["Project Bluefin"]
    assert posts["closing-the-books"]["confidential"] == []
    assert posts["closing-the-books"]["url"] == "http://localhost:8000/posts/2026/closing-the-books/"
    assert not (site.output / "manifest.json").exists()


def test_syndication_also_on_links_come_from_the_ledger(tmp_path):
    content = tmp_path / "content"
    post(content, "closing-the-books")
    ledger = tmp_path / "ledger.jsonl"
    record = {"event": "posted", "post": "closing-the-books", "channel": "mastodon",
              "time": "2026-03-04T09:00:00+00:00", "remote_url": "https://social.example/@dana/1"}
    ledger.write_text(json.dumps(record) + "\n", encoding="utf-8")
    site = build(tmp_path, content)
    page = BeautifulSoup(site.read("posts/2026/closing-the-books/index.html"), "html.parser")
    links = [(a["href"], a.get_text(strip=True)) for a in page.select("a.u-syndication")]
    assert links == [("https://social.example/@dana/1", "Mastodon")]


# ---------------------------------------------------------------- brand_guard

def test_brand_guard_reports_findings_and_strict_stops_on_a_code_name(tmp_path, caplog):
    content = tmp_path / "content"
    post(content, "closing-the-books")
    post(content, "bluefin-preview", title="A preview of Project Bluefin")
    post(content, "draft-bluefin", title="Project Bluefin draft", status="draft")
    with caplog.at_level(logging.INFO):
        site = build(tmp_path, content)
    report = (site.build_dir / "brand-report.html").read_text(encoding="utf-8")
    assert "bluefin-preview.md" in report
    leaks = [r.getMessage() for r in caplog.records if "confidential" in r.getMessage()]
    assert any("bluefin-preview.md:1:" in m for m in leaks), leaks
    with pytest.raises(SystemExit) as stop:
        build(tmp_path / "strict", content, BRAND_STRICT=True)
    assert stop.value.code == 1
    assert "draft-bluefin.md" not in caplog.text.split("Production build stopped")[-1]  # drafts never block


# ---------------------------------------------------------------- fast_reader


def _rename_first_post(generators) -> None:
    """all_generators_finalized: a plugin changes a post's address after Pelican computed it."""
    for generator in generators:
        for article in getattr(generator, "articles", []):
            if article.slug == "post-0":
                article.slug = "renamed-by-a-plugin"


def test_url_memo_starts_after_the_last_change_and_ends_with_the_build(tmp_path):
    from pelican import signals
    from pelican.contents import Article

    from plugins.fast_reader import urls

    content = tmp_path / "content"
    for number in range(3):
        post(content, f"post-{number}", date=f"2026-03-0{number + 1} 08:30", title=f"Post {number}")
    signals.all_generators_finalized.connect(_rename_first_post)
    try:
        site = build(tmp_path / "one", content)
    finally:
        signals.all_generators_finalized.disconnect(_rename_first_post)
    assert urls.WIRE.get() is not None and Article.get_url_setting is urls._memo_get_url_setting
    # the change made before writing is in every page and link (no URL remembered from before it)
    assert (site.output / "posts/2026/renamed-by-a-plugin/index.html").exists()
    assert not (site.output / "posts/2026/post-0").exists()
    soup = BeautifulSoup(site.read("index.html"), "html.parser")
    links = {a["href"] for a in soup.select("h2 a")}
    assert f"{site.settings['SITEURL']}/posts/2026/renamed-by-a-plugin/" in links
    # after the build nothing is remembered: an object changed later (a resident dev process) is
    # answered anew, and the next build in this process starts from nothing
    assert urls._MEMO[0] is None
    article = Article("x", {"title": "T", "date": datetime(2026, 3, 1), "slug": "before"},
                      settings=site.settings)
    assert article.url == "posts/2026/before/"
    article.slug = "after"
    assert article.url == "posts/2026/after/" and article.save_as == "posts/2026/after/index.html"
    post(content, "post-1", date="2026-03-02 08:30", title="Post 1", slug="moved")
    again = build(tmp_path / "two", content)
    assert (again.output / "posts/2026/moved/index.html").exists()
    assert "posts/2026/post-1/" not in again.read("index.html")
    assert (again.output / "posts/2026/post-0/index.html").exists()  # no rename this time


def _rename_a_tag(generators) -> None:
    """all_generators_finalized: a plugin renames a tag after Pelican made its URL once."""
    for generator in generators:
        for article in getattr(generator, "articles", []):
            for tag in getattr(article, "tags", []):
                if tag.name == "evidence":
                    tag.slug = "proof"  # one Tag object, shared by every post that has it


def test_url_memo_answers_tags_categories_and_authors_after_the_last_change(tmp_path):
    from pelican import signals
    from pelican.urlwrappers import Tag

    from plugins.fast_reader import urls

    content = tmp_path / "content"
    for number in range(3):
        post(content, f"post-{number}", date=f"2026-03-0{number + 1} 08:30", title=f"Post {number}",
             tags="close, evidence", category=f"Ops “{number}” & <b>", author="Ana Müller-Øst")
    signals.all_generators_finalized.connect(_rename_a_tag)
    try:
        site = build(tmp_path / "one", content, DEFAULT_PAGINATION=2)
    finally:
        signals.all_generators_finalized.disconnect(_rename_a_tag)
    assert urls.WIRE.get() is not None and Tag.url is urls._MEMO_WRAPPER_PROPERTIES["url"]
    assert (site.output / "tag/proof/index.html").exists() and not (site.output / "tag/evidence").exists()
    assert (site.output / "tag/close/page/2/index.html").exists()  # page_name through the memo
    soup = BeautifulSoup(site.read("posts/2026/post-1/index.html"), "html.parser")
    hrefs = {a["href"] for a in soup.select("a")}
    assert f"{site.settings['SITEURL']}/tag/proof/" in hrefs
    assert f"{site.settings['SITEURL']}/author/ana-muller-ost/" in hrefs
    # outside the build a wrapper computes anew: a resident process may change it between builds
    assert urls._MEMO[0] is None
    tag = Tag("before", site.settings)
    assert tag.url == "tag/before/"
    tag.name = "after"
    assert tag.url == "tag/after/" and tag.save_as == "tag/after/index.html" and tag.page_name == "tag/after/"


def test_url_memo_off_builds_the_same_pages(tmp_path):
    content = tmp_path / "content"
    for number in range(3):
        post(content, f"post-{number}", date=f"2026-03-0{number + 1} 08:30", title=f"Post “{number}”",
             tags=f"close, évidence {number}, <i>x</i> &amp;", category=f"Ops {number % 2}")
    on = build(tmp_path / "on", content, DEFAULT_PAGINATION=1)
    off = build(tmp_path / "off", content, DEFAULT_PAGINATION=1, FAST_URL_MEMO=False)
    pages = {p.relative_to(on.output): p.read_bytes() for p in on.output.rglob("*.html")}
    assert len(pages) > 3 and any("tag/close/page/2" in str(name) for name in pages)
    assert pages == {p.relative_to(off.output): p.read_bytes() for p in off.output.rglob("*.html")}


def test_fast_reader_in_process_build_is_identical_to_pelicans_reader(tmp_path):
    import pelicanconf

    content = tmp_path / "content"
    for number in range(4):
        post(content, f"post-{number}", date=f"2026-03-0{number + 1} 08:30",
             title=f"Post “{number}” -- 'quoted' & <b>bold</b>")
    plain = [name for name in pelicanconf.PLUGINS if name != "plugins.fast_reader"]
    fast = build(tmp_path / "fast", content, FAST_READER_PROCESSES=1)
    slow = build(tmp_path / "plain", content, PLUGINS=plain)

    def pages(root):
        return {p.relative_to(root): p.read_bytes() for p in root.rglob("*.html")}

    assert len(pages(fast.output)) > 4
    assert pages(fast.output) == pages(slow.output)


def test_listing_card_memo_gives_the_cards_rendered_each_time(tmp_path):
    """fast_reader's `lectern_fragment` renders a post's card once per build: the listings are the
    pages rendered without it, and nothing is remembered once the build is over."""
    from plugins.fast_reader import fragments

    content = tmp_path / "content"
    for number in range(8):  # two listing pages, tag and category pages repeat the same cards
        post(content, f"post-{number}", date=f"2026-03-0{number + 1} 08:30", title=f"Post “{number}” & <i>")
    on = build(tmp_path / "on", content, DEFAULT_PAGINATION=3)
    assert fragments._MEMO[0] is None
    off = build(tmp_path / "off", content, DEFAULT_PAGINATION=3, FAST_FRAGMENT_MEMO=False)
    relative = build(tmp_path / "relative", content, DEFAULT_PAGINATION=3, RELATIVE_URLS=True)
    relative_off = build(tmp_path / "relative-off", content, DEFAULT_PAGINATION=3, RELATIVE_URLS=True,
                         FAST_FRAGMENT_MEMO=False)
    for memo, plain in ((on, off), (relative, relative_off)):
        pages = {p.relative_to(memo.output): p.read_bytes() for p in memo.output.rglob("*.html")}
        assert len([name for name in pages if "page/2" in str(name)]) >= 2
        assert pages == {p.relative_to(plain.output): p.read_bytes() for p in plain.output.rglob("*.html")}
    cards = BeautifulSoup(relative.read("tag/close/page/2/index.html"), "html.parser").select("article.card")
    assert cards and all(a["href"].startswith("../../../../") for c in cards for a in c.select("a"))


# ---------------------------------------------------------------- gcpause

def test_cycle_collector_is_paused_while_a_build_runs_and_restored_after(tmp_path):
    """plugins.gcpause: the paused thresholds from get_generators to finalized (forked workers
    inherit them), the collector as it was after the build, untouched with FAST_GC_PAUSE = False
    or when someone turned it off, and a build that stopped half-way leaves them paused only
    until the next build starts."""
    import gc

    from pelican import signals

    from plugins.gcpause import PAUSED_THRESHOLD, paused

    seen = []

    def probe(_generator):
        seen.append(gc.get_threshold())
        assert paused() == (gc.get_threshold() == PAUSED_THRESHOLD)

    content = tmp_path / "content"
    post(content, "closing-the-books")
    post(content, "bad-channel", channels="linkedin, myspace")
    before = gc.get_threshold()
    assert before != PAUSED_THRESHOLD
    signals.article_generator_finalized.connect(probe)
    try:
        build(tmp_path / "on", content)
        assert gc.get_threshold() == before
        build(tmp_path / "off", content, FAST_GC_PAUSE=False)
        assert gc.get_threshold() == before
        gc.disable()
        build(tmp_path / "disabled", content)
        gc.enable()
        with pytest.raises(SystemExit):
            build(tmp_path / "strict", content, LECTERN_STRICT=True)
        assert gc.get_threshold() == PAUSED_THRESHOLD  # stopped before finalized
        build(tmp_path / "after", content)
        assert gc.get_threshold() == before and not paused()
    finally:
        signals.article_generator_finalized.disconnect(probe)
        gc.enable()
        gc.set_threshold(*before)
    # the strict build stops at finalized, after article_generator_finalized
    assert seen == [PAUSED_THRESHOLD, before, before, PAUSED_THRESHOLD, PAUSED_THRESHOLD]


def test_a_finished_build_hands_its_objects_over_without_a_collection(tmp_path):
    """plugins.gcpause at `finalized`: the build's young objects go to the oldest generation, so the
    first collection once the default thresholds are back walks only what was made after the
    build — unless something else keeps objects frozen (left frozen); and at interpreter exit,
    after a build and with the collector on, the heap is frozen (shutdown's last collection then
    skips it). The exit hook is registered once, however many builds a process runs."""
    import gc

    from pelican import signals

    from plugins import gcpause

    content = tmp_path / "content"
    post(content, "closing-the-books")
    young = []

    def first_walk(phase, info):
        if phase == "start" and not young:
            young.append(gc.get_count()[0])

    def watch(_pelican):
        gc.callbacks.append(first_walk)

    signals.finalized.connect(watch)
    try:
        build(tmp_path / "one", content)
        junk = [[] for _ in range(5_000)]  # enough new objects for a collection
    finally:
        signals.finalized.disconnect(watch)
        if first_walk in gc.callbacks:
            gc.callbacks.remove(first_walk)
    assert junk and young and young[0] < 2_000, young  # not the build's tens of thousands
    assert gc.get_freeze_count() == 0
    gc.freeze()  # someone else's frozen objects: left frozen
    try:
        frozen = gc.get_freeze_count()
        build(tmp_path / "two", content)
        assert gc.get_freeze_count() > frozen // 2  # not emptied (a few were freed meanwhile)
    finally:
        gc.unfreeze()
    assert len(gcpause._EXIT_HOOKED) == 1
    gc.disable()
    try:
        gcpause._skip_exit_collection()  # collector off: nothing frozen
        assert gc.get_freeze_count() == 0
    finally:
        gc.enable()
    gcpause._skip_exit_collection()
    assert gc.get_freeze_count() > 0
    gc.unfreeze()


def test_card_images_are_checked_again_in_every_build_of_one_process(tmp_path, caplog):
    """post_contract checks each distinct `Image:` once per build (posts share images), never
    with an answer from the previous build: an image replaced by a non-image is reported."""
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    png = content / "images" / "card.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    post(content, "first-post", image="images/card.png")
    post(content, "second-post", image="images/card.png", date="2026-03-05 08:30")
    with caplog.at_level(logging.WARNING):
        build(tmp_path / "one", content)
    assert "card.png" not in caplog.text
    png.write_bytes(b"not an image at all")
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        build(tmp_path / "two", content)
    held = [r.getMessage() for r in caplog.records if "is not an image" in r.getMessage()]
    for name in ("first-post.md:", "second-post.md:"):
        assert any(name in m for m in held), held
