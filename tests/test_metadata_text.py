"""Metadata is text (issue 9 point 1): hostile header values reach every output exactly as written.

A corpus of posts whose Title, Summary, Tags, Social, Author, Category and Image_alt hold `<5 … >10`,
`a < b > c`, entities, `</script>`, quotes, `<b>bold</b>`, emoji and right-to-left text is built
with real Pelican (production settings) and shared with the real publish step (preview only). Each
value is then read back as a reader would see it: the page's <title>, <h1>, listing cards, meta and
OpenGraph tags, JSON-LD (json.loads), Atom and RSS (feedparser), the manifest, and every channel's
composed text. No <script> element may appear that the theme did not write.

The convention (README "Writing a post"): header values are text with character references decoded
once (`R&amp;D` is `R&D`, `&lt;b&gt;` is `<b>`); Summary is Markdown without raw HTML, so its text
is the written text after Markdown's typography (smart quotes) — `<b>` is shown, never rendered.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import copy_content
from fakes.harness import write_conf
from lxml import etree
from sitebuild import REPO, build_site

from publish import compose
from publish.model import Post, load_manifest
from publish.settings import with_defaults
from publish.text import plain_text

SITENAME = "Northwind Ledger — Insights"
SITE = "https://insights.northwindledger.example"

# id → (raw value written in the header, the text every output must show)
CASES: dict[str, dict[str, str]] = {
    "lt-gt": {"raw": "Partners closed in <5 days while others took >10 days. Trust wins."},
    "spaced": {"raw": "Trust a < b > c when the ledger agrees"},
    "amp": {"raw": "R&amp;D budgets & the close: trust first",
            "text": "R&D budgets & the close: trust first"},
    "entity-script": {"raw": "Trust &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; wins",
                      "text": "Trust </title><script>alert(1)</script> wins"},
    "raw-script": {"raw": "Trust </script><script>alert(2)</script> wins"},
    "quotes": {"raw": """Partners said "trust" and 'transparency' win""",
               "summary": "Partners said “trust” and ‘transparency’ win"},  # Markdown's smart quotes
    "bold": {"raw": "Trust <b>bold</b> partners <i>now"},
    "emoji": {"raw": "Trust 🙋🏽‍♀️ partners 👨‍🎤 and 🇬🇧 wins"},
    "rtl": {"raw": "Trust שלום עולם and مرحبا بالعالم wins"},
}
for case in CASES.values():
    case.setdefault("text", case["raw"])
    case.setdefault("summary", case["text"])
#: Posts without a Social line: every channel gets the summary's text (the issue's own example).
NO_SOCIAL = {"lt-gt", "quotes"}


def social_text(case_id: str) -> str:
    return CASES[case_id]["summary" if case_id in NO_SOCIAL else "text"]

#: One post with hostile names outside the title/summary.
NAMES = {
    "author": ("Jo &amp; <Co> Partners", "Jo & <Co> Partners"),
    "category": ("Ops <&> Risk &lt;i&gt;", "Ops <&> Risk <i>"),
    "image_alt": ('A "calendar" <5 days & &lt;script&gt;', 'A "calendar" <5 days & <script>'),
    "social_mastodon": ("Trust <5 days &amp; >10 </script> <b>x</b>",
                        "Trust <5 days & >10 </script> <b>x</b>"),
}


def slug_of(case_id: str) -> str:
    return f"metadata-case-{case_id}"


def post_source(case_id: str, index: int) -> str:
    raw = CASES[case_id]["raw"]
    social = "" if case_id in NO_SOCIAL else f"Social: {raw}\n"
    return (f"Title: {raw}\nSlug: {slug_of(case_id)}\nDate: 2026-02-{index + 1:02d} 09:00\n"
            f"Author: Dana Whitfield\nCategory: Trust\nTags: tag {case_id} {raw}\nSummary: {raw}\n"
            f"{social}\nA post about trust and transparency with partners.\n")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("metadata")
    content = copy_content(tmp / "content")
    for index, case_id in enumerate(CASES):
        path = content / "posts" / f"metadata-{case_id}.md"
        path.write_text(post_source(case_id, index), encoding="utf-8")
    (content / "posts" / "metadata-names.md").write_text(
        f"Title: Trust in names\nSlug: metadata-names\nDate: 2026-02-20 09:00\nAuthor: {NAMES['author'][0]}\n"
        f"Category: {NAMES['category'][0]}\nTags: trust\nSummary: Names are text too.\n"
        f"Image: images/close-calendar.png\nImage_alt: {NAMES['image_alt'][0]}\n"
        f"Social_mastodon: {NAMES['social_mastodon'][0]}\n\nPartners trust names.\n",
        encoding="utf-8")
    settings = {"SYNDICATION_MAX_PER_RUN": 100, "SYNDICATION_PREVIEW_DIR": str(tmp / "preview"),
                "SITEURL": SITE}
    build = build_site(tmp / "site", content=content, conf="publishconf", settings=settings)
    assert build.returncode == 0, build.log
    return tmp, build


def soup(build, rel: str) -> BeautifulSoup:
    return BeautifulSoup((build.output / rel / "index.html").read_text(encoding="utf-8"), "html.parser")


def meta(page: BeautifulSoup, key: str) -> list[str]:
    tags = page.find_all("meta", attrs={"property": key}) + page.find_all("meta", attrs={"name": key})
    return [tag["content"] for tag in tags]


def json_ld(page: BeautifulSoup) -> dict:
    scripts = page.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    raw = scripts[0].string
    assert "</" not in raw and "<!--" not in raw  # `<` is written \u003c: nothing can close the script
    return json.loads(raw)


@pytest.mark.parametrize("case_id", CASES)
def test_article_page_shows_the_text_as_written(corpus, case_id):
    _, build = corpus
    case = CASES[case_id]
    page = soup(build, f"posts/2026/{slug_of(case_id)}")
    assert page.title.string == f"{case['text']} — {SITENAME}"
    assert page.h1.get_text() == case["text"]
    assert page.select_one(".lede").get_text().strip() == case["summary"]
    assert meta(page, "og:title") == meta(page, "twitter:title") == [case["text"]]
    assert meta(page, "og:description") == meta(page, "twitter:description") == [case["summary"]]
    assert meta(page, "description") == [case["summary"]]
    assert meta(page, "og:image:alt") == [case["text"]]
    tag = f"tag {case_id} {case['text']}"
    assert tag in meta(page, "article:tag")
    assert tag in [a.get_text() for a in page.select(".tags a")]
    data = json_ld(page)
    assert data["headline"] == case["text"]
    assert data["description"] == case["summary"]
    assert tag in data["keywords"]


@pytest.mark.parametrize("case_id", CASES)
def test_listings_show_the_text_as_written(corpus, case_id):
    _, build = corpus
    case = CASES[case_id]
    link = f"{SITE}/posts/2026/{slug_of(case_id)}/"
    category = soup(build, "category/trust")
    pages = [category] + [soup(build, p.parent.relative_to(build.output).as_posix())
                          for p in (build.output / "category" / "trust" / "page").glob("*/index.html")]
    cards = [card for page in pages for card in page.select("article.card")
             if card.select_one(".card-title a")["href"] == link]
    assert len(cards) == 1
    assert cards[0].select_one(".card-title").get_text().strip() == case["text"]
    assert cards[0].select_one(".summary").get_text().strip() == case["summary"]
    archive = [a.get_text() for a in soup(build, "archives").select(".archive-list a") if a["href"] == link]
    assert archive == [case["text"]]
    tags = {a.get_text() for a in soup(build, "tags").select(".term-list a")}
    assert f"tag {case_id} {case['text']}" in tags


@pytest.mark.parametrize("name", ["all.atom.xml", "all.rss.xml"])
def test_feeds_carry_the_text_as_written(corpus, name):
    _, build = corpus
    parsed = feedparser.parse((build.output / "feeds" / name).read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    entries = {e.link: e for e in parsed.entries}
    for case_id, case in CASES.items():
        entry = entries[f"{SITE}/posts/2026/{slug_of(case_id)}/"]
        assert entry.title == case["text"], case_id
        assert plain_text(entry.summary) == case["summary"], case_id
        assert f"tag {case_id} {case['text']}" in {t.term for t in entry.tags}
    names = entries[f"{SITE}/posts/2026/metadata-names/"]
    assert names.author == NAMES["author"][1]
    assert NAMES["category"][1] in {t.term for t in names.tags}


def test_manifest_holds_the_text_as_written(corpus):
    _, build = corpus
    _, posts = load_manifest(build.build_dir / "manifest.json")
    by_slug = {p.slug: p for p in posts}
    for case_id, case in CASES.items():
        post = by_slug[slug_of(case_id)]
        assert post.title == case["text"]
        assert post.summary == case["summary"]
        assert post.social["default"] == (None if case_id in NO_SOCIAL else case["text"])
        assert f"tag {case_id} {case['text']}" in post.tags
    names = by_slug["metadata-names"]
    assert names.author == NAMES["author"][1] and names.category == NAMES["category"][1]


def test_names_and_image_alt_are_text_on_the_page(corpus):
    _, build = corpus
    page = soup(build, "posts/2026/metadata-names")
    assert meta(page, "og:image:alt") == [NAMES["image_alt"][1]]
    assert page.select_one(".hero img")["alt"] == NAMES["image_alt"][1]
    assert meta(page, "author") == [NAMES["author"][1]]
    assert meta(page, "article:section") == [NAMES["category"][1]]
    assert page.select_one(".byline .p-name").get_text() == NAMES["author"][1]
    assert page.select_one(".kicker a").get_text() == NAMES["category"][1]
    assert json_ld(page)["author"]["name"] == NAMES["author"][1]
    assert json_ld(page)["articleSection"] == NAMES["category"][1]
    authors = [a.get_text() for a in soup(build, "authors").select(".author-list h2 a")]
    assert NAMES["author"][1] in authors


def published_texts(tmp: Path, build) -> dict[tuple[str, str], str]:
    """Run the real publish step (preview only, no credentials) and read its plan."""
    settings = {"SITEURL": SITE, "OUTPUT_PATH": str(build.output), "LECTERN_BUILD_DIR": str(build.build_dir),
                "SYNDICATION_MANIFEST": str(build.build_dir / "manifest.json"),
                "SYNDICATION_LEDGER": str(tmp / "ledger.jsonl"),
                "SYNDICATION_PREVIEW_DIR": str(tmp / "preview"),
                "SYNDICATION_MAX_PER_RUN": 100, "CACHE_PATH": str(tmp / "cache")}
    conf = write_conf(tmp, settings)
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("X_", "LINKEDIN_", "MASTODON_", "BLUESKY_", "SLACK_", "TEAMS_"))}
    done = subprocess.run([sys.executable, "-m", "publish", "--settings", str(conf), "--preview-only"],
                          cwd=REPO, env={**clean, "COLUMNS": "200"}, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = json.loads((tmp / "preview" / "plan.json").read_text(encoding="utf-8"))
    preview = (tmp / "preview" / "index.html").read_text(encoding="utf-8")
    assert not BeautifulSoup(preview, "html.parser").find_all("script")
    return {(row["post"], row["channel"]): row["text"] for row in rows}


def test_every_composed_social_text_is_the_text_as_written(corpus):
    tmp, build = corpus
    texts = published_texts(tmp, build)
    _, posts = load_manifest(build.build_dir / "manifest.json")
    by_slug = {p.slug: p for p in posts}
    for case_id, case in CASES.items():
        slug = slug_of(case_id)
        for channel in ("x", "linkedin", "mastodon", "bluesky"):
            text, expected = texts[(slug, channel)], social_text(case_id)
            assert text == expected or text.startswith(expected + " "), (case_id, channel, text)
        post = by_slug[slug]
        assert isinstance(post, Post)
        settings = with_defaults({})
        linkedin = compose.compose(post, "linkedin", settings)
        assert compose.unescape_little(linkedin.payload["commentary"]) == social_text(case_id)
        assert linkedin.payload["article"]["title"] == case["text"]
        assert linkedin.payload["article"]["description"] == case["summary"]
        bluesky = compose.compose(post, "bluesky", settings)
        assert bluesky.payload["card"]["title"] == case["text"]
        assert bluesky.payload["card"]["description"] == case["summary"]
        slack = compose.compose(post, "slack", settings)
        title, body = compose.slack_escape(case["text"]), compose.slack_escape(social_text(case_id))
        assert f"|{title}>*\n{body}" in slack.payload["blocks"][0]["text"]["text"]
        teams = compose.compose(post, "teams", settings)
        card = teams.payload["attachments"][0]["content"]["body"]
        blocks = [block["text"] for block in card if block.get("type") == "TextBlock"]
        assert blocks[:2] == [case["text"], social_text(case_id)]
    _, shown = NAMES["social_mastodon"]
    assert texts[("metadata-names", "mastodon")].startswith(shown + " https://")
    assert texts[("metadata-names", "x")].startswith("Names are text too. https://")  # the summary


def test_no_script_element_but_the_themes_json_ld(corpus):
    _, build = corpus
    pages = list(build.output.rglob("*.html"))
    assert len(pages) > 30
    for path in pages:
        raw = path.read_text(encoding="utf-8")
        assert "<script>alert" not in raw and "<b>bold" not in raw, path
        scripts = BeautifulSoup(raw, "html.parser").find_all("script")
        assert all(s.get("type") == "application/ld+json" for s in scripts), path
        if path.parent.parent.name == "2026" and path.parent.name.startswith("metadata-"):
            assert len(scripts) == 1
    for path in build.output.rglob("*.xml"):
        tree = etree.parse(str(path))  # well-formed, or lxml raises
        for element in tree.iter():
            assert etree.QName(element).localname != "script", path
