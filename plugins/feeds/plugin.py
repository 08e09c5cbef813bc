"""Write the feeds after the articles are written (signal receivers at module level)."""

from __future__ import annotations

import copy
import functools
import importlib
import logging
import os
from collections import defaultdict
from datetime import UTC, datetime

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from pelican import signals

from plugins.edition import is_internal
from plugins.settings import Feeds, read, value_of
from publish.text import xml_safe

from .atom_links import AtomLinksEntryExtension, AtomLinksExtension, WebSubExtension
from .entries import FeedItem, feed_item, is_feedable

logger = logging.getLogger(__name__)

KINDS = ("ALL", "CATEGORY", "TAG", "AUTHOR")
MEDIA_TYPES = {"ATOM": "application/atom+xml", "RSS": "application/rss+xml"}


def write_feeds(generator, writer=None) -> None:
    settings = generator.settings
    siteurl = settings.get("SITEURL", "").rstrip("/")
    output_path = settings["OUTPUT_PATH"]
    static_root = settings.get("PATH", "")
    now = datetime.now(UTC)
    internal = is_internal(settings)
    articles = [a for a in generator.articles
                if is_feedable(a, now, settings.get("TIMEZONE"), internal_edition=internal)]
    # Group on the cheap facts first; a post's full feed item (its absolutized HTML) is made only
    # if it is among the newest FEED_MAX_ITEMS of some feed, and once for all the feeds it is in.
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    named: dict[tuple[str, str], object] = {}  # the last post's category, tag or author of each feed
    for index, article in enumerate(articles):
        groups[("ALL", "")].append(index)
        category = getattr(article, "category", None)
        if category and category.slug:
            groups[("CATEGORY", category.slug)].append(index)
            named[("CATEGORY", category.slug)] = article.category
        for tag in getattr(article, "tags", []) or []:
            groups[("TAG", tag.slug)].append(index)
            named[("TAG", tag.slug)] = tag
        author = getattr(article, "author", None)
        if author and author.slug:
            groups[("AUTHOR", author.slug)].append(index)
            named[("AUTHOR", author.slug)] = author
    # Each feed's name, made text once per feed rather than once per post that is in it.
    names = {key: xml_safe(str(value)) for key, value in named.items()}

    limit = settings.get("FEED_MAX_ITEMS") or None
    paths = read(settings, Feeds)
    items: dict[int, FeedItem] = {}
    entries: dict[tuple[int, str], _SharedEntry] = {}
    images: dict = {}
    dates = [article.date for article in articles]
    written = 0
    for (kind, slug), group in groups.items():
        newest_first = sorted(group, key=dates.__getitem__, reverse=True)[:limit]
        for index in newest_first:
            if index not in items:
                items[index] = feed_item(articles[index], siteurl, output_path, static_root, images)
        newest = [items[index] for index in newest_first]
        label = _label(kind, names.get((kind, slug), ""))
        for fmt in ("ATOM", "RSS"):
            pattern = paths.path(kind, fmt)
            if not pattern:
                continue
            rel = pattern.format(slug=slug)
            _write(settings, siteurl, rel, fmt, label, newest, output_path, entries)
            written += 1
    logger.info("feeds: wrote %d feeds for %d public posts", written, len(articles))


def _label(kind: str, name: str) -> str:
    return {"ALL": "", "CATEGORY": f"Category: {name}", "TAG": f"Tag: {name}",
            "AUTHOR": f"Posts by {name}"}[kind]


#: Which feed's XML is being built (`_write` counts them), so an entry knows whether it is already in it.
_BUILDING = [0]


class _SharedEntry(FeedEntry):
    """One post's feed entry in one format, filled in once and added to every feed that lists it
    (the site feed, its category's, each tag's, its author's); its XML element is made once and
    handed to each feed in turn. Nothing in an entry depends on the feed it is in.

    A feed takes the element it is given (lxml moves it into the feed's tree). The feeds are built
    and written one after the other, so the next feed may take the same element from the last one
    instead of a deep copy of it (1,200 copies at 1,000 posts): feeds of one format share their
    root's namespace declarations, so the element serializes the same in each. Only an entry listed
    twice in one feed (two tags with one slug) gets a copy for its second place."""

    def atom_entry(self, extensions=True):
        return self._element("atom", extensions, super().atom_entry)

    def rss_entry(self, extensions=True):
        return self._element("rss", extensions, super().rss_entry)

    def _element(self, fmt: str, extensions: bool, make):
        key = (fmt, extensions)
        made = self.__dict__.setdefault("_made", {})
        if key not in made:
            made[key] = make(extensions=extensions)
        given = self.__dict__.setdefault("_given", {})
        if given.get(key) == _BUILDING[0]:
            return copy.deepcopy(made[key])  # already in the feed being built
        given[key] = _BUILDING[0]
        return made[key]


@functools.cache
def _extension(name: str) -> tuple[type, type | None]:
    """The classes `FeedGenerator.load_extension(name)` registers, found once per process: it looks
    for them at every call, and its import of the `feedgen.ext.<name>_entry` module that dc and
    media do not have searches sys.path again each time (60 feeds, 120 failed imports a build)."""
    module = importlib.import_module(f"feedgen.ext.{name}")
    try:
        entry_module = importlib.import_module(f"feedgen.ext.{name}_entry")
    except ImportError:
        entry_module = module
    prefix = name[0].upper() + name[1:]
    return getattr(module, prefix + "Extension"), getattr(entry_module, prefix + "EntryExtension", None)


def _write(settings, siteurl, rel, fmt, label, items, output_path, entries=None) -> None:
    """Write one feed of `items` (newest first). `entries`: (id(item), format) → its entry, shared
    by the feeds of one `write_feeds` (the items must stay alive as long as the dict)."""
    entries = {} if entries is None else entries
    sitename = xml_safe(settings.get("SITENAME", ""))
    feed_url = f"{siteurl}/{rel}"
    fg = FeedGenerator()
    fg.register_extension("dc", *_extension("dc"), atom=False, rss=True)
    fg.register_extension("media", *_extension("media"), atom=True, rss=True)
    fg.register_extension("atomlinks", AtomLinksExtension, AtomLinksEntryExtension, atom=True, rss=False)
    fg.id(feed_url)
    fg.title(f"{sitename} — {label}" if label else sitename)
    fg.subtitle(xml_safe(settings.get("SITESUBTITLE") or "") or sitename)
    # Self first: feedgen makes the last link given the RSS channel's <link> (the site, not the feed).
    fg.link(href=feed_url, rel="self", type=MEDIA_TYPES[fmt])
    fg.link(href=f"{siteurl}/", rel="alternate")
    hub = value_of(settings, "WEBSUB_HUB").strip()
    if hub:  # WebSub: subscribers learn of a new post when publish pings the hub (publish/websub.py)
        fg.register_extension("websub", WebSubExtension, None, atom=True, rss=True)
        fg.websub.hub(hub)
    fg.language(settings.get("DEFAULT_LANG", "en"))
    fg.generator("Lectern (Pelican + feedgen)")
    if items:
        fg.updated(max(item.updated for item in items))
    for item in reversed(items):  # feedgen prepends: add oldest first so the newest leads
        shared = entries.get((id(item), fmt))
        if shared is not None:
            # Its extensions (dc, media, atomlinks) were registered by the first feed: feedgen
            # skips registering them again (ImportError, caught) and keeps the entry's values.
            fg.add_entry(shared)
            continue
        entry = entries[(id(item), fmt)] = fg.add_entry(_SharedEntry())
        entry.id(item.url)
        entry.guid(item.url, permalink=True)
        entry.title(item.title)
        entry.link(href=item.url, rel="alternate")
        entry.content(item.content_html, type="html")
        if item.summary_html:
            entry.summary(item.summary_html, type="html")
        if item.author:
            entry.author(name=item.author)
            entry.dc.dc_creator(item.author)
        for name in item.categories:
            entry.category(term=name)
        entry.published(item.published)
        entry.updated(item.updated)
        if item.image_url:
            if fmt == "ATOM":
                entry.atomlinks.enclosure(item.image_url, item.image_length, item.image_type)
            else:
                entry.enclosure(item.image_url, str(item.image_length), item.image_type)
            entry.media.content(url=item.image_url, medium="image", type=item.image_type)
    path = os.path.join(output_path, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    _BUILDING[0] += 1  # a new feed's tree: each entry's element may move into it once
    if fmt == "ATOM":
        fg.atom_file(path, pretty=False)
    else:
        fg.rss_file(path, pretty=False)


def register() -> None:
    signals.article_writer_finalized.connect(write_feeds)
