"""WebSub discovery links in every feed (Atom `<link>`, RSS `<atom:link>`), read with lxml and feedparser."""

from __future__ import annotations

import feedparser
import pytest
from lxml import etree
from sitebuild import build_site

SITE = "https://insights.northwindledger.example"
HUB = "https://hub.example.net/websub?a=1&b=<2>"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def hub_site(tmp_path_factory):
    build = build_site(tmp_path_factory.mktemp("websub"), conf="publishconf",
                       settings={"WEBSUB_HUB": HUB, "SITEURL": SITE})
    assert build.returncode == 0, build.log
    return build


def links(path):
    root = etree.parse(str(path)).getroot()
    parent = root if root.tag == f"{ATOM}feed" else root.find("channel")
    return root.tag, [(el.get("rel"), el.get("href"), el.get("type"))
                      for el in parent.findall(f"{ATOM}link")]


def test_every_feed_of_every_kind_has_hub_and_self(hub_site):
    files = sorted(hub_site.output.glob("feeds/**/*.xml"))
    kinds = {(p.parent.name, p.name.split(".")[-2]) for p in files}
    assert {(k, f) for k in ("feeds", "category", "tag", "author") for f in ("atom", "rss")} <= kinds
    for path in files:
        rel = path.relative_to(hub_site.output).as_posix()
        tag, found = links(path)
        media = "application/atom+xml" if tag == f"{ATOM}feed" else "application/rss+xml"
        assert ("hub", HUB, None) in found, path
        assert ("self", f"{SITE}/{rel}", media) in found, path
        assert [r for r, _, _ in found].count("hub") == 1
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, path
        seen = {(link.rel, link.href) for link in parsed.feed.links}
        assert seen >= {("hub", HUB), ("self", f"{SITE}/{rel}")}
        if tag != f"{ATOM}feed":  # the RSS channel <link> is the site, not the feed or the hub
            assert etree.parse(str(path)).getroot().findtext("channel/link") == f"{SITE}/"


def test_without_a_hub_no_hub_link(prod_site):
    for path in sorted(prod_site.output.glob("feeds/**/*.xml")):
        _, found = links(path)
        assert [r for r, _, _ in found if r == "hub"] == []
        assert any(r == "self" for r, _, _ in found)
