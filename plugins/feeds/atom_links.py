"""A feedgen extension that writes Atom `<link rel="enclosure">` correctly.

feedgen 1.0.0 drops `rel`, `type` and `length` from every Atom entry link (the loop variable in
`FeedEntry.atom_entry` shadows the link data), so an enclosure would come out as a bare alternate
link. This extension writes the element itself; RSS keeps using feedgen's own `<enclosure>`.
"""

from __future__ import annotations

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.util import xml_elem

ATOM_NS = "http://www.w3.org/2005/Atom"


class AtomLinksExtension(BaseExtension):
    """Feed-level half of the extension (nothing to add at feed level)."""


class AtomLinksEntryExtension(BaseEntryExtension):
    def __init__(self):
        self.__enclosures: list[dict[str, str]] = []

    def enclosure(self, href: str, length: int, type_: str | None) -> None:
        self.__enclosures.append({"href": href, "length": str(length), "type": type_ or ""})

    def extend_atom(self, entry):
        for data in self.__enclosures:
            link = xml_elem(f"{{{ATOM_NS}}}link", entry, href=data["href"], rel="enclosure")
            if data["type"]:
                link.attrib["type"] = data["type"]
            link.attrib["length"] = data["length"]
        return entry


class WebSubExtension(BaseExtension):
    """WebSub discovery (W3C): `<link rel="hub">` beside the feed's `rel="self"` link.

    Written by hand because feedgen's `link()` uses the last link it was given as the RSS
    channel's `<link>` (the site's address), so a hub added there would become the RSS home page.
    Atom gets a plain `<link>`; RSS gets `<atom:link>` inside `<channel>` (the self link is feedgen's).
    """

    def __init__(self):
        self.__hubs: list[str] = []

    def hub(self, href: str) -> None:
        self.__hubs.append(href)

    def extend_atom(self, feed):
        for href in self.__hubs:
            xml_elem(f"{{{ATOM_NS}}}link", feed, href=href, rel="hub")
        return feed

    def extend_rss(self, feed):
        channel = feed.find("channel")
        for href in self.__hubs:
            xml_elem(f"{{{ATOM_NS}}}link", channel, href=href, rel="hub")
        return feed
