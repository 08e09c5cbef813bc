"""Feeds written by plugins/feeds, parsed with feedparser as a reader's app would."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup
from sitebuild import build_site

SITE = "https://insights.northwindledger.example"


def feeds(build):
    return sorted(build.output.glob("feeds/**/*.xml"))


def test_every_feed_parses_cleanly(prod_site):
    files = feeds(prod_site)
    kinds = {p.parent.name for p in files}
    assert {"feeds", "category", "tag", "author"} <= kinds
    for path in files:
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        assert parsed.entries, path


@pytest.mark.parametrize("name", ["all.atom.xml", "all.rss.xml"])
def test_site_feed_has_every_public_post_with_absolute_links(prod_site, name):
    from test_site import PUBLISHED, title_of

    parsed = feedparser.parse((prod_site.output / "feeds" / name).read_bytes())
    assert {e.title for e in parsed.entries} == {title_of(p) for p in PUBLISHED}
    for entry in parsed.entries:
        assert entry.link.startswith(SITE + "/posts/")
        assert entry.author in {"Dana Whitfield", "Marcus Oyelaran", "Priya Raman"}
        assert entry.published_parsed and re.search(r"([+-]\d\d:?\d\d|Z)$", entry.published)
        assert entry.summary
        html = entry.content[0].value
        assert len(html) > len(entry.summary)
        for tag in BeautifulSoup(html, "html.parser").find_all(["a", "img"]):
            url = tag.get("href") or tag.get("src")
            assert urlsplit(url).scheme in {"http", "https", "mailto"}, url
        assert {t.term for t in entry.tags}
    dates = [e.published_parsed for e in parsed.entries]
    assert dates == sorted(dates, reverse=True)


def test_rss_has_content_encoded_and_enclosure(prod_site):
    raw = (prod_site.output / "feeds" / "all.rss.xml").read_text(encoding="utf-8")
    assert "<content:encoded>" in raw
    parsed = feedparser.parse(raw)
    with_image = [e for e in parsed.entries if e.get("enclosures")]
    assert len(with_image) == 1
    enclosure = with_image[0].enclosures[0]
    assert enclosure.href == SITE + "/images/close-calendar.png"
    assert enclosure.type == "image/png" and int(enclosure.length) > 1000


def test_atom_enclosure_is_a_real_enclosure_link(prod_site):
    parsed = feedparser.parse((prod_site.output / "feeds" / "all.atom.xml").read_bytes())
    entry = next(e for e in parsed.entries if e.get("enclosures"))
    rels = {link.rel for link in entry.links}
    assert rels == {"alternate", "enclosure"}
    assert entry.media_content[0]["url"] == SITE + "/images/close-calendar.png"


def test_category_tag_and_author_feeds_hold_only_their_posts(prod_site):
    out = prod_site.output / "feeds"
    engineering = feedparser.parse((out / "category" / "engineering.atom.xml").read_bytes())
    assert engineering.entries and all(
        "Engineering" in {t.term for t in e.tags} for e in engineering.entries)
    priya = feedparser.parse((out / "author" / "priya-raman.rss.xml").read_bytes())
    assert priya.entries and {e.author for e in priya.entries} == {"Priya Raman"}
    trust = feedparser.parse((out / "tag" / "trust.atom.xml").read_bytes())
    assert trust.entries and all("trust" in {t.term for t in e.tags} for e in trust.entries)


def test_feed_max_items_is_honoured(tmp_path, marked_content):
    build = build_site(tmp_path, content=marked_content, settings={"FEED_MAX_ITEMS": 3})
    assert build.returncode == 0, build.log
    for name in ("all.atom.xml", "all.rss.xml"):
        parsed = feedparser.parse((build.output / "feeds" / name).read_bytes())
        assert len(parsed.entries) == 3
        assert parsed.entries[0].title == "A controller's week, automated where it counts"


def test_pelican_feed_writer_is_off(prod_site):
    # One writer: nothing at Pelican's default feed locations.
    assert not list(prod_site.output.glob("feeds/*.atom.xml.*"))
    assert not (prod_site.output / "feeds" / "atom.xml").exists()


def test_absolutize_rewrites_exactly_what_the_plain_pattern_finds():
    """plugins/feeds/entries.py's pattern, matched from the "=" with the name checked behind it, finds
    every match of the plain pattern (without its name), in any case (the long s U+017F matches s
    under re.I), and nothing else; the rewritten HTML is the plain pattern's, also on random markup."""
    import sys

    from sitebuild import REPO

    sys.path.insert(0, str(REPO))
    from plugins.feeds import entries

    plain = re.compile(r"""(?P<attr>\b(?:href|src|poster))=(?P<q>["'])(?P<url>[^"']*)(?P=q)""", re.I)
    html = ('<a HREF="a/b">x</a> <img Src=\'i.png\'> <video poster="p.jpg"> ſrc="long-s" xhref="no" '
            'data-src="d" href="https://x/" href=\'#top\' POSTER=\'q\' src="" hrefs="no" '
            "<code>src='in code'</code> href=unquoted ΣRC=\"sigma\"")
    assert [m.end() for m in entries._URL_ATTR.finditer(html)] == [m.end() for m in plain.finditer(html)]
    starts = [m.start() for m in entries._URL_ATTR.finditer(html)]
    assert starts == [m.start("q") - 1 for m in plain.finditer(html)]

    def rewritten(markup: str) -> str:
        return plain.sub(
            lambda m: m.group(0) if not m["url"] or m["url"].lower().startswith(entries._SKIP_SCHEMES)
            else f"{m['attr']}={m['q']}{entries.urljoin('https://site/posts/2026/x/', m['url'])}{m['q']}",
            markup)

    assert entries.absolutize(html, "https://site/posts/2026/x/") == rewritten(html)
    import random

    rng = random.Random(5)
    alphabet = list("=\"' <>-_xahsrcpot/.#:") + ["href", "HREF", "src", "ſrc", "poster", "Poster", "data-src",
                                                  "xhref", "href=", "src=\"", "http:", "mailto:", "../", "Σ"]
    for _ in range(5000):
        markup = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert entries.absolutize(markup, "https://site/posts/2026/x/") == rewritten(markup), repr(markup)


def test_plain_datetimes_format_as_pelicans_dates():
    """feed_item hands feedgen plain datetimes: RFC 822 and ISO 8601 texts are Pelican's
    SafeDatetime's, for every zone, DST fold, microseconds, year and weekday."""
    import sys
    from datetime import UTC, datetime, timedelta, timezone
    from zoneinfo import ZoneInfo

    from feedgen.util import formatRFC2822
    from pelican.utils import SafeDatetime
    from sitebuild import REPO

    sys.path.insert(0, str(REPO))
    from plugins.feeds.entries import plain_datetime

    zones = [UTC, ZoneInfo("Europe/London"), ZoneInfo("Asia/Kathmandu"), ZoneInfo("America/St_Johns"),
             ZoneInfo("Pacific/Kiritimati"), timezone(timedelta(hours=-9, minutes=-30)), None]
    moments = [SafeDatetime(2026, 10, 25, 1, 30, fold=fold) for fold in (0, 1)]
    moments += [SafeDatetime(year, month, day, hour, 7, 9, micro) for year, month, day, hour, micro in
                [(1, 1, 1, 0, 0), (999, 12, 31, 23, 999_999), (2024, 2, 29, 12, 5), (9999, 12, 31, 23, 0)]]
    for moment in moments:
        for zone in zones:
            safe = moment.replace(tzinfo=zone)
            plain = plain_datetime(safe)
            assert type(plain) is datetime and plain == safe and plain.fold == safe.fold
            assert plain.isoformat() == safe.isoformat()
            assert plain.utcoffset() == safe.utcoffset()
            if zone is not None:
                assert formatRFC2822(plain) == formatRFC2822(safe)
    already = datetime(2026, 1, 2, tzinfo=UTC)
    assert plain_datetime(already) is already


def test_image_facts_are_shared_only_for_images(tmp_path):
    """feed_item shares `_image_facts` between posts with one card image (one `write_feeds`)."""
    import sys
    from datetime import UTC
    from types import SimpleNamespace

    from pelican.utils import SafeDatetime
    from sitebuild import REPO

    sys.path.insert(0, str(REPO))
    from plugins.feeds import entries

    (tmp_path / "out" / "images").mkdir(parents=True)
    (tmp_path / "out" / "images" / "a.png").write_bytes(b"x" * 10)
    (tmp_path / "out" / "feed.xml").write_bytes(b"<x/>")

    def article(image):
        return SimpleNamespace(url="posts/x/", title="T", content="<p>b</p>", summary="<p>s</p>",
                               date=SafeDatetime(2026, 1, 1, tzinfo=UTC),
                               card_image=image)

    images: dict = {}
    for image in ("https://s/images/a.png", "https://s/feed.xml", "https://s/images/a.png", None,
                  "https://elsewhere/b.jpg", "https://s/../etc/passwd.png"):
        shared = entries.feed_item(article(image), "https://s", str(tmp_path / "out"), "", images)
        alone = entries.feed_item(article(image), "https://s", str(tmp_path / "out"), "")
        assert shared == alone, image
    assert set(images) == {"https://s/images/a.png", "https://elsewhere/b.jpg", "https://s/../etc/passwd.png"}


def test_extensions_are_those_load_extension_registers():
    """plugins/feeds registers dc and media by class: the classes feedgen's load_extension finds."""
    import sys

    from feedgen.feed import FeedGenerator
    from sitebuild import REPO

    sys.path.insert(0, str(REPO))
    from plugins.feeds.plugin import _extension

    for name in ("dc", "media", "podcast", "geo"):
        loaded = FeedGenerator()
        loaded.load_extension(name)
        registered = FeedGenerator()
        registered.register_extension(name, *_extension(name))
        want = loaded._FeedGenerator__extensions[name]
        got = registered._FeedGenerator__extensions[name]
        assert {**got, "inst": type(got["inst"])} == {**want, "inst": type(want["inst"])}


def test_shared_entry_elements_serialize_as_copies(tmp_path, monkeypatch):
    """Feeds hand each entry's one element from feed to feed (lxml moves it): every feed's bytes
    are those of feeds given deep copies, with and without images, authors, a WebSub hub, and an
    entry listed twice in one feed."""
    import copy
    import sys
    from datetime import UTC, datetime, timedelta

    from sitebuild import REPO

    sys.path.insert(0, str(REPO))
    from plugins.feeds import plugin
    from plugins.feeds.entries import FeedItem

    def items():
        made = []
        for number in range(6):
            date = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=number)
            made.append(FeedItem(
                url=f"https://s/posts/{number}/", title=f"T{number} & <b>",
                content_html=f"<p>c{number} &amp;</p>",
                summary_html="<p>s</p>" if number % 2 else "", author="Dana" if number % 3 else "",
                categories=["Ops", f"tag {number}"], published=date, updated=date,
                image_url="https://s/images/a.png" if number % 2 else None, image_length=10,
                image_type="image/png" if number % 2 else None))
        return made

    def write_all(root, hub):
        settings = {"SITENAME": "Site", "SITESUBTITLE": "Sub", "WEBSUB_HUB": hub, "DEFAULT_LANG": "en"}
        made = items()
        entries: dict = {}
        orders = [made, made[::2], made[1:4] + [made[1]], made[::-1][:3], made]
        for number, chosen in enumerate(orders):
            for fmt in ("ATOM", "RSS"):
                plugin._write(settings, "https://s", f"f{number}.{fmt.lower()}.xml", fmt, f"L{number}",
                              chosen, str(root), entries)
        return {p.name: p.read_bytes() for p in root.iterdir()}

    for hub in ("", "https://hub.example/"):
        moved = write_all(tmp_path / f"moved{bool(hub)}", hub)
        with monkeypatch.context() as patch:
            def copied(self, fmt, extensions, make):
                made = self.__dict__.setdefault("_made", {})
                if (fmt, extensions) not in made:
                    made[(fmt, extensions)] = make(extensions=extensions)
                return copy.deepcopy(made[(fmt, extensions)])

            patch.setattr(plugin._SharedEntry, "_element", copied)
            assert write_all(tmp_path / f"copied{bool(hub)}", hub) == moved
        assert moved["f2.atom.xml"].count(b"<entry>") == 4  # the entry listed twice is there twice
