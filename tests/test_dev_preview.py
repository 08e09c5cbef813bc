"""Dev builds preview drafts and scheduled posts and show each post's brand findings; production never.

One content folder (the sample site with hidden-post markers, plus a published post with brand
warnings and a hostile draft with errors), built twice with real Pelican: `make html`'s dev settings
(pelicanconf.py) and `make build-prod`'s command (publishconf.py, staged). The dev build writes
drafts at drafts/<slug>/ with a banner and lists findings in a panel; the production build's bytes
hold no draft, no banner, no panel and no anchor for one.
"""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import HIDDEN_MARKERS, HIDDEN_POSTS, copy_content, mark_post
from sitebuild import REPO, all_output_bytes, build_site, production_build

from plugins.brand_guard import check_file, load_config
from plugins.brand_guard.findings import Finding
from plugins.brand_guard.panel import ANCHOR, quoted, visible
from plugins.post_contract.facts import display_path

JARGON_POST = "2026-02-10-jargon-watch.md"
JARGON_SLUG = "jargon-watch-for-finance-teams"
HOSTILE_DRAFT = "2026-02-11-hostile-draft.md"
HOSTILE_SLUG = "hostile-draft"
DRAFT_MARK, SCHEDULED_MARK = HIDDEN_MARKERS["draft"], HIDDEN_MARKERS["scheduled"]
#: What only a dev build may contain (attribute values and the anchor; the CSS rules are shared).
DEV_ONLY = [ANCHOR.encode(), b'class="brand-panel"', b'class="dev-banner', b"/drafts/", b"zqhostilemarker"]


def write_posts(content: Path) -> None:
    (content / "posts" / JARGON_POST).write_text(
        "Title: Jargon watch for finance teams\nDate: 2026-02-10 09:00\nAuthor: Dana Whitfield\n"
        "Category: Insights\nTags: close, trust\nSummary: Plain words for the month-end close.\n\n"
        "Controllers trust plain words. We leverage nothing and promise no synergy, only a faster close\n"
        "with evidence for the auditor.\n", encoding="utf-8")
    (content / "posts" / HOSTILE_DRAFT).write_text(
        "Title: Synergy <script>alert(1)</script> & R&amp;D zqhostilemarker\nDate: 2026-02-11 09:00\n"
        "Author: Dana Whitfield\nCategory: Insights\nTags: close\nStatus: draft\nSlug: hostile-draft\n"
        "Summary: A draft with every kind of trouble.\n\n"
        "We leverage <b>synergy</b> &lt;script&gt;alert(2)&lt;/script&gt; with NorthwindLedger and "
        "Tid\u0435water.\n", encoding="utf-8")


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    folder = copy_content(tmp_path_factory.mktemp("preview") / "content")
    for kind, name in HIDDEN_POSTS.items():
        mark_post(folder / "posts" / name, HIDDEN_MARKERS[kind])
    write_posts(folder)
    return folder


@pytest.fixture(scope="module")
def dev(tmp_path_factory, content):
    build = build_site(tmp_path_factory.mktemp("dev"), content=content)
    assert build.returncode == 0, build.log
    return build


@pytest.fixture(scope="module")
def prod(tmp_path_factory, content) -> Path:
    tmp = tmp_path_factory.mktemp("prod")
    conf = tmp / "conf.py"
    conf.write_text("\n".join([
        f"import sys; sys.path.insert(0, {str(REPO)!r})", "from publishconf import *  # noqa",
        f"LECTERN_BUILD_DIR = {str(tmp / 'build')!r}",
        f"SYNDICATION_MANIFEST = {str(tmp / 'build' / 'manifest.json')!r}",
        f"SYNDICATION_LEDGER = {str(tmp / 'ledger.jsonl')!r}", f"CACHE_PATH = {str(tmp / 'cache')!r}",
    ]) + "\n", encoding="utf-8")
    done = production_build(content, tmp / "output", conf)
    assert done.returncode == 0, done.stdout + done.stderr
    return tmp / "output"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def draft_page(output: Path, marker: str) -> Path:
    pages = [p for p in output.glob("drafts/*/index.html") if marker in p.parent.name]
    assert len(pages) == 1, sorted(output.glob("drafts/*"))
    return pages[0]


# ---------------------------------------------------------------- drafts and scheduled posts

def test_dev_build_previews_drafts_and_scheduled_posts_with_a_banner(dev):
    draft = soup(draft_page(dev.output, DRAFT_MARK))
    banner = draft.select_one("article .dev-banner")
    assert banner is not None and banner["role"] == "note"
    assert banner.strong.get_text() == "Draft"
    assert DRAFT_MARK in draft.select_one("h1").get_text()
    scheduled = soup(draft_page(dev.output, SCHEDULED_MARK))
    label = scheduled.select_one("article .dev-banner strong").get_text()
    assert label == "Scheduled for 15 January 2030, 08:00"  # the site's date format, its TIMEZONE
    for page in (draft, scheduled):
        assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
        assert page.select_one(".share") is None  # a preview is never shared
    # exactly the two previews and the hostile draft: internal posts stay out of the public dev build
    assert sorted(p.name for p in (dev.output / "drafts").iterdir()) == sorted(
        [draft_page(dev.output, DRAFT_MARK).parent.name, draft_page(dev.output, SCHEDULED_MARK).parent.name,
         HOSTILE_SLUG])


def test_previews_are_in_no_listing_feed_sitemap_or_related_post(dev):
    for kind in ("draft", "scheduled"):
        marker = HIDDEN_MARKERS[kind].encode()
        holders = [p.relative_to(dev.output) for p, data in all_output_bytes(dev.output).items()
                   if marker in data.lower()]
        assert holders == [draft_page(dev.output, HIDDEN_MARKERS[kind]).relative_to(dev.output)]
    linking = [p.relative_to(dev.output) for p in dev.output.rglob("*.html")
               if "drafts" not in p.parts and b"/drafts/" in p.read_bytes()]
    assert linking == []  # no page, listing or related-posts box links to a preview
    for feed in dev.output.rglob("*.xml"):
        assert b"/drafts/" not in feed.read_bytes(), feed  # feeds and the sitemap
    entries = feedparser.parse((dev.output / "feeds" / "all.atom.xml").read_bytes()).entries
    assert entries and not any("drafts" in e.link or "ynergy" in e.title for e in entries)
    manifest = (dev.build_dir / "manifest.json").read_text(encoding="utf-8")
    assert DRAFT_MARK not in manifest and SCHEDULED_MARK not in manifest and HOSTILE_SLUG not in manifest


def test_strict_build_from_dev_settings_writes_no_draft(tmp_path, content):
    """LECTERN_STRICT on pelicanconf.py (a production build someone made by hand): still no drafts,
    banner or panel, although pelicanconf.py says LECTERN_DEV = True and names drafts/."""
    build = build_site(tmp_path, content=content, settings={"LECTERN_STRICT": True, "BRAND_STRICT": False})
    assert build.returncode == 0, build.log  # the last gate passed: the hostile draft was not written
    assert not (build.output / "drafts").exists()


# ---------------------------------------------------------------- the brand panel

def expected(source: Path) -> list[Finding]:
    cfg = load_config(REPO / "brand.yml")
    return check_file(str(source), cfg, display=display_path(str(source))).findings


def panel_items(page: Path) -> list[str]:
    panel = soup(page).select_one("section.brand-panel")
    assert panel is not None
    assert panel["aria-labelledby"] == panel.h2["id"]
    return [" ".join(li.get_text(" ").split()) for li in panel.select("ul > li")]


def test_dev_article_page_lists_its_findings_with_line_column_and_quoted_words(dev, content):
    page = dev.output / "posts" / "2026" / JARGON_SLUG / "index.html"
    findings = expected(content / "posts" / JARGON_POST)
    assert {f.rule for f in findings} >= {"avoid"}
    items = panel_items(page)
    assert len(items) == len(findings)
    lines = (content / "posts" / JARGON_POST).read_text(encoding="utf-8").split("\n")
    for item, finding in zip(items, findings, strict=True):
        assert item.startswith(f"{finding.line}:{finding.column} {finding.severity}"), item
        assert finding.message in item
        words = quoted(lines, finding)
        assert words and f"“{words}”" not in item  # <q> adds its quotes in CSS, not in the text
        assert words in item
    assert "leverage" in " ".join(items) and "synergy" in " ".join(items)
    assert ANCHOR not in page.read_text(encoding="utf-8")  # the anchor was replaced
    clean = dev.output / "posts" / "2026" / "the-five-day-close-is-a-trust-problem-not-a-tooling-problem"
    text = (clean / "index.html").read_text(encoding="utf-8")
    assert 'class="brand-panel"' not in text and ANCHOR in text  # no findings: nothing added


def test_hostile_draft_panel_is_text_and_the_draft_has_its_banner(dev, content):
    page = dev.output / "drafts" / HOSTILE_SLUG / "index.html"
    html = page.read_text(encoding="utf-8")
    doc = soup(page)
    assert [s.get("type") for s in doc.find_all("script")] == ["application/ld+json"]
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html  # the title, as text
    items = panel_items(page)
    findings = expected(content / "posts" / HOSTILE_DRAFT)
    assert len(items) == len(findings) >= 4
    joined = " ".join(items)
    assert "NorthwindLedger" in joined and "Tid\u0435water" in joined
    assert doc.select_one(".dev-banner strong").get_text() == "Draft"


def test_quoted_words_show_invisible_characters_and_are_cut(tmp_path):
    lines = ["Tide\u200bwater and \u00a0 more", "x" * 600]
    f = Finding("p.md", 1, 1, "confidential", "error", "m", end_column=10)
    assert quoted(lines, f) == "Tide⟨U+200B⟩water"
    long = Finding("p.md", 2, 1, "avoid", "warning", "m", end_column=600)
    assert len(quoted(lines, long)) == 80 and quoted(lines, long).endswith("…")
    assert quoted(lines, Finding("p.md", 9, 1, "avoid", "warning", "m", end_column=3)) == ""
    assert visible("a\u202eb\tc") == "a⟨U+202E⟩b⟨U+0009⟩c"


# ---------------------------------------------------------------- production: none of it

def test_production_build_bytes_hold_no_draft_banner_or_panel(prod):
    files = all_output_bytes(prod)
    assert len(files) > 50
    for marker in [m.encode() for m in HIDDEN_MARKERS.values()] + DEV_ONLY:
        leaks = [str(p.relative_to(prod)) for p, data in files.items() if marker in data.lower()]
        assert leaks == [], marker
    page = prod / "posts" / "2026" / JARGON_SLUG / "index.html"
    assert page.is_file()  # the post with findings is published, without its panel
    assert not re.search(r"brand-panel|dev-banner", page.read_text(encoding="utf-8"))
    assert not (prod / "drafts").exists()


def test_parallel_reader_writer_and_background_check_give_the_same_pages(tmp_path, dev, content):
    """fast_reader's pools and its background brand check (forced on for this small site) produce
    the same preview and panel bytes as the in-line path: both are the normal build path."""
    build = build_site(tmp_path, content=content,
                       settings={"FAST_READER_MIN_POOL": 1, "FAST_WRITER_MIN_POOL": 1}, args=("-v",))
    assert build.returncode == 0, build.log
    assert "checked alongside the build" in build.log
    for rel in (f"drafts/{HOSTILE_SLUG}/index.html", f"posts/2026/{JARGON_SLUG}/index.html",
                draft_page(dev.output, SCHEDULED_MARK).relative_to(dev.output).as_posix()):
        assert (build.output / rel).read_bytes() == (dev.output / rel).read_bytes(), rel
