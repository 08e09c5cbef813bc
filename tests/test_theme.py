"""The theme's output, read back with BeautifulSoup: social metadata, JSON-LD, accessibility
scaffolding, share and syndication links, listings, and no request to any other host."""

from __future__ import annotations

import importlib.util
import json
import re
import struct
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from sitebuild import REPO, Build, build_site

PROD_URL = "https://insights.northwindledger.example"
DEV_URL = "http://localhost:8000"
CLOSE_POST = "posts/2026/the-five-day-close-is-a-trust-problem-not-a-tooling-problem/"
REFERRALS_POST = "posts/2026/referrals-are-the-best-signal-we-have/"
FIXTURE_SLUG = "theme-fixture-long-read"
FIXTURE_TITLE = 'R&D budgets: "what" controllers ask'
FIXTURE_WORDS = 1100  # 1100 words at READTIME_WPM=230 is 4 min 47 s: shown as "5 min read"
SYNDICATED = [
    {"channel": "linkedin", "name": "LinkedIn", "url": "https://www.linkedin.com/feed/update/urn:li:share:7001"},
    {"channel": "mastodon", "name": "Mastodon", "url": "https://social.northwindledger.example/@marcus/1101"},
]

# Stand-in for the syndication plugin's backfeed: sets `article.syndication` just before writing,
# after every other plugin has run, so the test exercises only the theme's "Also on" slot.
FIXTURE_PLUGIN = f'''
from pelican import signals

def attach(generator, content):
    if content.slug == {FIXTURE_SLUG!r}:
        content.syndication = {SYNDICATED!r}

def register():
    signals.article_generator_write_article.connect(attach)
'''


def load_conf():
    spec = importlib.util.spec_from_file_location("pelicanconf_for_theme_tests", REPO / "pelicanconf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def soup_of(build: Build, rel: str) -> BeautifulSoup:
    path = build.output / rel
    if path.is_dir() or rel.endswith("/") or not rel:
        path = path / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def meta(soup: BeautifulSoup, key: str) -> list[str]:
    """Every `content` of <meta property=key> or <meta name=key>."""
    tags = soup.find_all("meta", attrs={"property": key}) + soup.find_all("meta", attrs={"name": key})
    return [t["content"] for t in tags]


def one(soup: BeautifulSoup, key: str) -> str:
    values = meta(soup, key)
    assert len(values) == 1, (key, values)
    return values[0]


def json_ld(soup: BeautifulSoup) -> dict:
    scripts = soup.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


def header(post: str) -> dict[str, str]:
    text = (REPO / "content" / "posts" / post).read_text(encoding="utf-8")
    head = text.split("\n\n", 1)[0]
    return {k.lower(): v.strip() for k, v in re.findall(r"^(\w+):\s*(.*)$", head, re.M)}


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory, marked_content) -> Build:
    """Sample content plus a long co-authored post with syndication copies and a hidden post."""
    import shutil

    tmp = tmp_path_factory.mktemp("theme")
    content = tmp / "content"
    shutil.copytree(marked_content, content)
    paragraph = " ".join(["ledger"] * 50)
    body = "\n\n".join([paragraph] * (FIXTURE_WORDS // 50))
    (content / "posts" / "2026-02-10-theme-fixture.md").write_text(
        f"Title: {FIXTURE_TITLE}\nSlug: {FIXTURE_SLUG}\nDate: 2026-02-10 09:00\n"
        "Authors: Marcus Oyelaran, Dana Whitfield\nCategory: Engineering\nTags: budgets, controllers\n"
        "Summary: Budget questions controllers ask their CTO.\n\n" + body + "\n",
        encoding="utf-8",
    )
    (content / "posts" / "2026-02-11-unlisted.md").write_text(
        "Title: Unlisted theme note\nSlug: unlisted-theme-note\nDate: 2026-02-11 09:00\n"
        "Author: Priya Raman\nCategory: Customers\nTags: trust\nStatus: hidden\n"
        "Summary: Only for people with the link.\n\nOnly for people with the link.\n",
        encoding="utf-8",
    )
    plugins = tmp / "plugins"
    (plugins / "theme_fixture").mkdir(parents=True)
    (plugins / "theme_fixture" / "__init__.py").write_text(FIXTURE_PLUGIN, encoding="utf-8")
    conf = load_conf()
    build = build_site(
        tmp / "site",
        content=content,
        settings={
            "PLUGIN_PATHS": [str(plugins)],
            "PLUGINS": [*conf.PLUGINS, "theme_fixture"],
        },
    )
    assert build.returncode == 0, build.log
    return build


# ---------------------------------------------------------------- article head


def test_article_social_metadata_matches_the_post(prod_site):
    soup = soup_of(prod_site, CLOSE_POST)
    post = header("2026-03-04-the-five-day-close-is-a-trust-problem.md")
    url = f"{PROD_URL}/{CLOSE_POST}"
    assert soup.html["lang"] == "en"
    assert soup.find("link", rel="canonical")["href"] == url
    assert one(soup, "og:type") == "article"
    assert one(soup, "og:title") == post["title"]
    assert one(soup, "og:url") == url
    assert one(soup, "og:description") == post["summary"]
    assert one(soup, "description") == post["summary"]
    assert one(soup, "og:image") == f"{PROD_URL}/images/close-calendar.png"
    assert one(soup, "og:site_name") == "Northwind Ledger — Insights"
    assert one(soup, "og:locale") == "en_US"
    assert one(soup, "article:published_time") == "2026-03-04T08:30:00+00:00"
    assert one(soup, "article:modified_time") == "2026-03-06T10:00:00+00:00"
    assert one(soup, "article:author") == f"{PROD_URL}/author/dana-whitfield/"
    assert one(soup, "article:section") == post["category"]
    assert meta(soup, "article:tag") == [t.strip() for t in post["tags"].split(",")]
    assert one(soup, "twitter:card") == "summary_large_image"
    assert one(soup, "twitter:site") == "@northwindledger"
    assert one(soup, "twitter:creator") == "@danawhitfield"
    assert one(soup, "twitter:title") == post["title"]
    assert one(soup, "twitter:image") == f"{PROD_URL}/images/close-calendar.png"
    assert one(soup, "fediverse:creator") == "@dana@social.northwindledger.example"
    assert meta(soup, "robots") == []


def test_article_json_ld_is_a_valid_blog_posting(prod_site):
    soup = soup_of(prod_site, CLOSE_POST)
    post = header("2026-03-04-the-five-day-close-is-a-trust-problem.md")
    url = f"{PROD_URL}/{CLOSE_POST}"
    ld = json_ld(soup)
    assert ld["@context"] == "https://schema.org"
    assert ld["@type"] == "BlogPosting"
    assert ld["headline"] == post["title"]
    assert ld["description"] == post["summary"]
    assert ld["datePublished"] == "2026-03-04T08:30:00+00:00"
    assert ld["dateModified"] == "2026-03-06T10:00:00+00:00"
    assert ld["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert ld["url"] == url
    assert ld["image"] == [f"{PROD_URL}/images/close-calendar.png"]
    assert ld["author"]["@type"] == "Person"
    assert ld["author"]["name"] == "Dana Whitfield"
    assert ld["author"]["url"] == f"{PROD_URL}/author/dana-whitfield/"
    assert ld["author"]["jobTitle"] == "Chief Executive Officer"
    assert "https://x.com/danawhitfield" in ld["author"]["sameAs"]
    assert ld["publisher"]["@type"] == "Organization"
    assert ld["publisher"]["name"] == "Northwind Ledger"
    logo = ld["publisher"]["logo"]["url"]
    assert logo.startswith(PROD_URL) and (prod_site.output / logo[len(PROD_URL) + 1:]).is_file()
    assert ld["keywords"].split(", ") == [t.strip() for t in post["tags"].split(",")]
    assert ld["articleSection"] == post["category"]
    body_words = len(re.findall(r"\w+", soup.select_one(".e-content").get_text(" ")))
    assert ld["wordCount"] == body_words and body_words > 200


def test_post_without_card_image_or_handles_falls_back(prod_site):
    soup = soup_of(prod_site, REFERRALS_POST)
    default_card = f"{PROD_URL}/theme/img/default-card.png"
    assert one(soup, "og:image") == default_card
    assert one(soup, "twitter:image") == default_card
    assert json_ld(soup)["image"] == [default_card]
    assert png_size(prod_site.output / "theme" / "img" / "default-card.png") == (1200, 630)
    assert one(soup, "og:image:width") == "1200"
    # Priya Raman has neither an X handle nor a fediverse account in AUTHORS_INFO.
    assert meta(soup, "twitter:creator") == []
    assert meta(soup, "fediverse:creator") == []
    assert one(soup, "twitter:site") == "@northwindledger"


def test_every_article_page_has_consistent_metadata(prod_site):
    pages = sorted(prod_site.output.glob("posts/*/*/index.html"))
    assert len(pages) >= 8
    for page in pages:
        rel = page.parent.relative_to(prod_site.output).as_posix() + "/"
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        url = f"{PROD_URL}/{rel}"
        canonical = soup.find("link", rel="canonical")["href"]
        assert canonical == url and "utm_" not in canonical, rel
        assert one(soup, "og:url") == url
        ld = json_ld(soup)
        assert ld["mainEntityOfPage"]["@id"] == url
        assert ld["headline"] == one(soup, "og:title") == soup.select_one("h1.p-name").get_text(strip=True)
        assert one(soup, "article:published_time") == ld["datePublished"]
        assert soup.select_one("time.dt-published")["datetime"] == ld["datePublished"]


def test_feed_autodiscovery_points_at_written_feeds(sample_site):
    base = "http://localhost:8000/"
    soup = soup_of(sample_site, CLOSE_POST)
    links = {(a["type"], a["href"]) for a in soup.find_all("link", rel="alternate")}
    assert links == {
        ("application/atom+xml", base + "feeds/all.atom.xml"),
        ("application/rss+xml", base + "feeds/all.rss.xml"),
        ("application/atom+xml", base + "feeds/category/finance-operations.atom.xml"),
        ("application/rss+xml", base + "feeds/category/finance-operations.rss.xml"),
    }
    for page, feed in [
        ("", "feeds/all.atom.xml"),
        ("tag/trust/", "feeds/tag/trust.atom.xml"),
        ("author/priya-raman/", "feeds/author/priya-raman.atom.xml"),
        ("category/engineering/", "feeds/category/engineering.rss.xml"),
    ]:
        hrefs = [a["href"] for a in soup_of(sample_site, page).find_all("link", rel="alternate")]
        assert base + feed in hrefs, page
    for href in {h for _, h in links}:
        assert (sample_site.output / href.removeprefix(base)).is_file(), href


# ---------------------------------------------------------------- article body


def test_share_links_are_plain_and_carry_the_canonical_url(prod_site):
    soup = soup_of(prod_site, CLOSE_POST)
    url = f"{PROD_URL}/{CLOSE_POST}"
    title = header("2026-03-04-the-five-day-close-is-a-trust-problem.md")["title"]
    share = {a.get_text(strip=True): a["href"] for a in soup.select(".share a")}
    assert set(share) == {"LinkedIn", "X", "Mastodon", "Bluesky", "Email"}

    def query(href: str) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}

    assert share["LinkedIn"].startswith("https://www.linkedin.com/sharing/share-offsite/?")
    assert query(share["LinkedIn"]) == {"url": url}
    assert share["X"].startswith("https://x.com/intent/tweet?")
    assert query(share["X"]) == {"text": title, "url": url, "via": "northwindledger"}
    assert share["Mastodon"].startswith("https://mastodonshare.com/?")
    assert query(share["Mastodon"]) == {"text": title, "url": url}
    assert share["Bluesky"].startswith("https://bsky.app/intent/compose?")
    assert query(share["Bluesky"]) == {"text": f"{title} {url}"}
    assert share["Email"].startswith("mailto:?")
    assert query(share["Email"]) == {"subject": title, "body": f"{title}\n\n{url}"}
    assert all("utm_" not in href for href in share.values())
    # Tracker-free: no scripts at all besides the JSON-LD data block.
    assert [s.get("type") for s in soup.find_all("script")] == ["application/ld+json"]


def test_article_shows_byline_reading_time_and_tags(sample_site):
    soup = soup_of(sample_site, "posts/2026/what-auditors-actually-want-from-your-automation/")
    post = header("2026-06-10-what-auditors-want-from-automation.md")
    entry = soup.select_one("main article.h-entry")
    assert entry.select_one(".p-author.h-card .p-name").get_text(strip=True) == post["author"]
    assert re.fullmatch(r"\d+ min read", entry.select_one(".readtime").get_text(strip=True))
    assert [a.get_text(strip=True) for a in entry.select(".tags a[rel=tag]")] == [
        t.strip() for t in post["tags"].split(",")]
    assert entry.select_one(".kicker a").get_text(strip=True) == post["category"]


def test_previous_next_follow_publication_order_and_related_posts_exist(sample_site):
    pages = []
    for page in sample_site.output.glob("posts/*/*/index.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        published = datetime.fromisoformat(one(soup, "article:published_time"))
        pages.append((published, one(soup, "og:url"), soup))
    pages.sort(key=lambda p: p[0])  # oldest first
    assert len(pages) >= 8
    urls = [url for _, url, _ in pages]
    for i, (_, url, soup) in enumerate(pages):
        older = soup.select_one("nav.post-nav a[rel=prev]")
        newer = soup.select_one("nav.post-nav a[rel=next]")
        assert (older["href"] if older else None) == (urls[i - 1] if i > 0 else None), url
        assert (newer["href"] if newer else None) == (urls[i + 1] if i + 1 < len(urls) else None), url
        related = [a["href"] for a in soup.select(".related li a")]
        assert len(related) <= 3 and url not in related
        assert set(related) <= set(urls), url
    assert any(soup.select(".related li a") for _, _, soup in pages)


def test_no_syndication_slot_without_syndication_copies(sample_site):
    soup = soup_of(sample_site, CLOSE_POST)
    assert soup.select(".also-on") == []
    assert soup.select("a[rel~=syndication]") == []


def test_also_on_lists_syndication_copies(fixture_site):
    soup = soup_of(fixture_site, f"posts/2026/{FIXTURE_SLUG}/")
    links = soup.select(".also-on a")
    assert [(a.get_text(strip=True), a["href"]) for a in links] == [(s["name"], s["url"]) for s in SYNDICATED]
    for a in links:
        assert a["rel"] == ["syndication"] and "u-syndication" in a["class"]
    # Inside the h-entry, so IndieWeb readers pick the copies up.
    assert all(a.find_parent(class_="h-entry") is not None for a in links)


def test_co_authored_long_post(fixture_site):
    soup = soup_of(fixture_site, f"posts/2026/{FIXTURE_SLUG}/")
    assert soup.select_one("h1.p-name").get_text() == FIXTURE_TITLE
    assert one(soup, "og:title") == FIXTURE_TITLE
    assert soup.title.get_text().startswith(FIXTURE_TITLE + " — ")
    ld = json_ld(soup)
    assert ld["headline"] == FIXTURE_TITLE
    assert [a["name"] for a in ld["author"]] == ["Marcus Oyelaran", "Dana Whitfield"]
    assert meta(soup, "article:author") == [
        f"{DEV_URL}/author/marcus-oyelaran/", f"{DEV_URL}/author/dana-whitfield/"]
    assert one(soup, "twitter:creator") == "@moyelaran"  # the first author's handle
    assert one(soup, "fediverse:creator") == "@marcus@social.northwindledger.example"
    assert ld["wordCount"] == FIXTURE_WORDS
    assert soup.select_one(".post-header .readtime").get_text(strip=True) == "5 min read"
    assert ld["timeRequired"] == "PT5M"
    byline = soup.select_one(".post-header .byline").get_text(" ", strip=True)
    assert byline.startswith("Marcus Oyelaran and Dana Whitfield")
    assert len(soup.select(".author-box")) == 2


def test_hidden_post_page_is_noindex_and_unlinked(fixture_site):
    soup = soup_of(fixture_site, "posts/2026/unlisted-theme-note/")
    assert one(soup, "robots") == "noindex"
    assert soup.select("nav.post-nav") == [] and soup.select(".related") == []
    neighbour = soup_of(fixture_site, f"posts/2026/{FIXTURE_SLUG}/")
    assert "unlisted-theme-note" not in str(neighbour)


# ---------------------------------------------------------------- accessibility scaffolding


@pytest.mark.parametrize("rel", ["", CLOSE_POST, "about/", "tags/", "author/dana-whitfield/", "404.html"])
def test_landmarks_skip_link_and_lang(sample_site, rel):
    soup = soup_of(sample_site, rel)
    assert soup.html.get("lang") == "en"
    body = soup.body
    first_link = body.find("a")
    assert "skip-link" in first_link["class"] and first_link["href"] == "#main"
    main = body.find_all("main")
    assert len(main) == 1 and main[0]["id"] == "main"
    for landmark in ["header", "footer"]:  # banner and contentinfo: direct children of <body>
        assert len(body.find_all(landmark, recursive=False)) == 1, landmark
    assert body.find("nav", attrs={"aria-label": "Main"}) is not None
    assert len(soup.find_all("h1")) == 1
    assert soup.find("meta", attrs={"name": "viewport"}) is not None


def test_every_image_has_alt_text_attribute(sample_site):
    for page in sample_site.output.rglob("*.html"):
        for img in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find_all("img"):
            assert img.has_attr("alt"), (page, img)


def test_stylesheets_cover_dark_print_focus_and_small_screens(sample_site):
    soup = soup_of(sample_site, "")
    sheets = {link.get("media", "all"): link["href"] for link in soup.find_all("link", rel="stylesheet")}
    assert set(sheets) == {"all", "print"}
    css = (sample_site.output / "theme" / "css" / "main.css").read_text(encoding="utf-8")
    assert "@media (prefers-color-scheme: dark)" in css
    assert ":focus-visible" in css
    print_css = (sample_site.output / "theme" / "css" / "print.css").read_text(encoding="utf-8")
    assert re.search(r"\.share[^{]*\{[^}]*display:\s*none", print_css.replace("\n", " "))


# ---------------------------------------------------------------- listings and 404


def test_home_cards_show_date_author_reading_time_summary_tags(sample_site):
    soup = soup_of(sample_site, "")
    cards = soup.select("main .card.h-entry")
    assert len(cards) == 6  # DEFAULT_PAGINATION
    for card in cards:
        assert card.select_one("time.dt-published")["datetime"]
        assert card.select_one(".p-author .p-name").get_text(strip=True)
        assert card.select_one(".readtime").get_text(strip=True).endswith("min read")
        assert card.select_one(".p-summary").get_text(strip=True)
        assert card.select(".tags a[rel=tag]")
    older = soup.select_one(".pagination a[rel=next]")
    assert older["href"] == "http://localhost:8000/page/2/"
    page2 = soup_of(sample_site, "page/2/")
    assert page2.select_one(".pagination a[rel=prev]")["href"] == "http://localhost:8000/"
    assert page2.find("link", rel="canonical")["href"] == "http://localhost:8000/page/2/"
    titles = {c.select_one(".p-name").get_text(strip=True) for c in cards}
    titles2 = {c.select_one(".p-name").get_text(strip=True) for c in page2.select("main .card")}
    assert titles and titles2 and not titles & titles2


def test_author_pages_show_role_and_bio(sample_site):
    conf = load_conf()
    authors = soup_of(sample_site, "authors/")
    for name, info in conf.AUTHORS_INFO.items():
        slug = name.lower().replace(" ", "-")
        page = soup_of(sample_site, f"author/{slug}/")
        assert page.h1.get_text(strip=True) == name
        assert info["role"] in page.select_one(".page-header").get_text()
        assert page.select_one(".p-note").get_text(strip=True) == info["bio"]
        assert page.select("main .card")
        card = authors.find("a", string=name).find_parent("li")
        assert card.select_one(".p-job-title").get_text(strip=True) == info["role"]
    dana = soup_of(sample_site, "author/dana-whitfield/")
    assert one(dana, "fediverse:creator") == "@dana@social.northwindledger.example"


def test_tags_and_categories_indexes_link_every_term(sample_site):
    tags = soup_of(sample_site, "tags/")
    tag_dirs = {p.name for p in (sample_site.output / "tag").iterdir()}
    linked = {a["href"].rstrip("/").rsplit("/", 1)[-1] for a in tags.select("main a[rel=tag]")}
    assert linked == tag_dirs
    cats = soup_of(sample_site, "categories/")
    cat_dirs = {p.name for p in (sample_site.output / "category").iterdir()}
    assert {a["href"].rstrip("/").rsplit("/", 1)[-1] for a in cats.select("main .term-list a")} == cat_dirs


def test_404_page_is_written_noindex_and_not_in_sitemap(prod_site):
    soup = soup_of(prod_site, "404.html")
    assert soup.h1.get_text(strip=True) == "Page not found"
    assert one(soup, "robots") == "noindex"
    assert soup.select_one("link[rel=stylesheet]")["href"] == f"{PROD_URL}/theme/css/main.css"
    assert "404.html" not in prod_site.read("sitemap.xml")


# ---------------------------------------------------------------- no external requests

SUBRESOURCES = [  # (tag, attribute) pairs a browser fetches on its own
    ("script", "src"), ("img", "src"), ("img", "srcset"), ("source", "src"), ("source", "srcset"),
    ("iframe", "src"), ("video", "src"), ("video", "poster"), ("audio", "src"), ("embed", "src"),
    ("object", "data"), ("track", "src"), ("input", "src"),
]
FETCHED_LINK_RELS = {"stylesheet", "icon", "preload", "prefetch", "modulepreload", "preconnect",
                     "dns-prefetch", "manifest", "apple-touch-icon", "mask-icon"}
CSS_URL = re.compile(r"""(?:@import\s+(?:url\()?|url\()\s*['"]?([^'")\s;]+)""", re.I)


def external(ref: str, own_host: str) -> bool:
    parts = urlsplit(ref.strip())
    if parts.scheme in ("", "data") and not ref.strip().startswith("//"):
        return False
    return parts.netloc != own_host


@pytest.mark.parametrize("site, host", [("sample_site", "localhost:8000"),
                                        ("prod_site", "insights.northwindledger.example")])
def test_no_request_to_any_other_host(request, site, host):
    build = request.getfixturevalue(site)
    offenders = []
    html_files = list(build.output.rglob("*.html"))
    assert len(html_files) > 20
    for page in html_files:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in SUBRESOURCES:
            for node in soup.find_all(tag, attrs={attr: True}):
                refs = [part.split()[0] for part in node[attr].split(",") if part.strip()]
                offenders += [(page, tag, ref) for ref in refs if external(ref, host)]
        for link in soup.find_all("link", href=True):
            if FETCHED_LINK_RELS & set(link.get("rel", [])) and external(link["href"], host):
                offenders.append((page, "link", link["href"]))
        for node in soup.find_all(style=True):
            offenders += [(page, "style", u) for u in CSS_URL.findall(node["style"]) if external(u, host)]
        for style in soup.find_all("style"):
            offenders += [(page, "style", u) for u in CSS_URL.findall(style.get_text()) if external(u, host)]
    css_files = list(build.output.rglob("*.css"))
    assert css_files
    for sheet in css_files:
        for ref in CSS_URL.findall(sheet.read_text(encoding="utf-8")):
            if external(ref, host):
                offenders.append((sheet, "css", ref))
    assert offenders == []


def test_external_reference_detector_catches_cdn_links():
    assert external("https://fonts.googleapis.com/css2?family=Inter", "localhost:8000")
    assert external("//cdn.example.com/x.js", "localhost:8000")
    assert not external("http://localhost:8000/theme/css/main.css", "localhost:8000")
    assert not external("/theme/img/logo.png", "localhost:8000")
    assert not external("data:image/png;base64,AAAA", "localhost:8000")
    css = "@import url('https://cdn.example.com/a.css'); b { background: url(/img/x.png) }"
    assert CSS_URL.findall(css) == ["https://cdn.example.com/a.css", "/img/x.png"]


@pytest.mark.parametrize("minutes, seconds",
                         [(0, 0), (0, 29), (0, 30), (1, 0), (3, 45), (2.0, 0), (0.5, 0), (12, 59)])
def test_reading_minutes_is_what_the_max_filter_gave(minutes, seconds):
    """The macro rounds without Jinja's `max` filter (a cost on every listing): same text."""
    from types import SimpleNamespace

    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(str(REPO / "theme" / "templates")), trim_blocks=True,
                      lstrip_blocks=True, autoescape=True)
    macros = env.get_template("_macros.html").module
    old = env.from_string("{{ [mins + (1 if secs >= 30 else 0), 1]|max }}")
    item = SimpleNamespace(readtime_with_seconds=(minutes, seconds))
    assert str(macros.reading_minutes(item)) == old.render(mins=minutes, secs=seconds)


@pytest.mark.parametrize("title", ["Plain title", "a/b + c%20d & <e> “quoted” é — 100%", " lead/trail ",
                                   "+/%2F", ""])
def test_share_links_cut_from_one_quoting_match_quoting_each(title):
    """article.html quotes the title and the URL once and cuts every share link from them; each
    link must equal what `|urlencode` of that link's own text gives (spaces, "/", "+", "%",
    non-ASCII and HTML characters in the title)."""
    import html

    from jinja2 import Environment
    from jinja2.filters import do_urlencode

    source = (REPO / "theme" / "templates" / "article.html").read_text(encoding="utf-8")
    section = source[source.index("{% set text_q"):source.index("</ul>", source.index("share-email"))]
    env = Environment(autoescape=True)
    url = "https://example.com/posts/2026/a-b/?x=1 2"
    out = env.from_string(section).render(share_text=title, url=url, SOCIAL_X_SITE="")
    hrefs = [html.unescape(h) for h in re.findall(r'href="([^"]*)"', out)]
    assert hrefs == [
        "https://www.linkedin.com/sharing/share-offsite/?" + do_urlencode({"url": url}),
        "https://x.com/intent/tweet?" + do_urlencode({"text": title, "url": url}),
        "https://mastodonshare.com/?" + do_urlencode({"text": title, "url": url}),
        "https://bsky.app/intent/compose?" + do_urlencode({"text": title + " " + url}),
        "mailto:?subject=" + do_urlencode(title) + "&body=" + do_urlencode(title + "\n\n" + url),
    ]
