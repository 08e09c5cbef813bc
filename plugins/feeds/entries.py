"""Turn Pelican articles into feed-ready data: pure functions, no feedgen, no I/O but file sizes."""

from __future__ import annotations

import mimetypes
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote, urljoin, urlsplit

from plugins.post_contract.facts import is_out
from publish.text import one_line, xml_safe

#: An `href=`, `src=` or `poster=` with a quoted value, matched from its "=": each lookbehind checks
#: the attribute's name (and the word boundary before it) that the "=" ends. `re` skips in C from one
#: "=" to the next — prose has far fewer of them than of the letters an attribute name starts with —
#: so a post's HTML is scanned six times faster than by a pattern starting with the name. The
#: matches are those of `\b(?:href|src|poster)=(["'])([^"']*)\1` (re.I), each without its name:
#: a name's letters cannot lie inside another match's quoted value and end outside it.
_URL_ATTR = re.compile(r"""=(?:(?<=\bhref=)|(?<=\bsrc=)|(?<=\bposter=))(?P<q>["'])(?P<url>[^"']*)(?P=q)""",
                       re.I)
_SKIP_SCHEMES = ("http:", "https:", "mailto:", "tel:", "data:", "#", "//")


def absolutize(html: str, base_url: str) -> str:
    """Rewrite relative href/src values so feed readers, which have no page URL, can follow them."""

    def fix(match: re.Match) -> str:
        url = match["url"]
        if not url or url.lower().startswith(_SKIP_SCHEMES):
            return match.group(0)
        return f"={match['q']}{urljoin(base_url, url)}{match['q']}"

    return _URL_ATTR.sub(fix, html)


@dataclass
class FeedItem:
    url: str
    title: str
    content_html: str
    summary_html: str
    author: str
    categories: list[str]
    published: datetime
    updated: datetime
    image_url: str | None = None
    image_length: int = 0
    image_type: str | None = None
    category_slug: str = ""
    tag_slugs: list[str] = field(default_factory=list)
    author_slug: str = ""


def is_feedable(article, now: datetime, timezone: str | None, *, internal_edition: bool = False) -> bool:
    """Drafts, hidden and scheduled posts never enter any feed; internal posts only the internal
    edition's feeds."""
    audiences = ("public", "internal") if internal_edition else ("public",)
    return getattr(article, "audience", "public") in audiences and is_out(article, now, timezone)


def plain_datetime(value: datetime) -> datetime:
    """The same moment as a plain `datetime`. Pelican's dates are its `SafeDatetime`, whose
    `strftime` formats each directive through Pelican's own Python `strftime` (with locale
    switches): feedgen's RFC 822 dates cost 20 times what `datetime.strftime` costs for the same
    text (each directive of feedgen's format is C89's, formatted by `datetime.strftime` either way).
    `isoformat`, comparisons and `max` are `datetime`'s own in both."""
    if type(value) is datetime:
        return value
    return datetime(value.year, value.month, value.day, value.hour, value.minute, value.second,
                    value.microsecond, value.tzinfo, fold=value.fold)


def feed_item(article, siteurl: str, output_path: str, static_root: str,
              images: dict | None = None) -> FeedItem:
    """`images`: image value → `_image_facts`, shared by the items of one `write_feeds` (posts
    share a few card images; each check resolves real paths and guesses the type)."""
    url = xml_safe(urljoin(siteurl.rstrip("/") + "/", article.url))
    author = getattr(article, "author", None)
    tags = list(getattr(article, "tags", []) or [])
    category = getattr(article, "category", None)
    image = getattr(article, "card_image", None)
    image = xml_safe(image) if image else image
    facts = images.get(image) if images is not None else None
    if facts is None:
        facts = _image_facts(image, siteurl, output_path, static_root)
        if images is not None and (facts[1] or "").startswith("image/"):  # never a feed being written
            images[image] = facts
    length, mime = facts
    date = plain_datetime(article.date)
    modified = getattr(article, "modified", None)
    # Titles and names are plain text (post_contract); feedgen escapes them. xml_safe: whatever
    # slipped past the reader, a character XML 1.0 forbids must not crash lxml inside feedgen.
    return FeedItem(
        url=url,
        title=xml_safe(one_line(article.title)),
        content_html=xml_safe(absolutize(article.content, url)),
        summary_html=xml_safe(absolutize(article.summary or "", url)),
        author=xml_safe(str(author)) if author else "",
        categories=[xml_safe(str(name)) for name in ([category] if category else []) + tags],
        published=date,
        updated=plain_datetime(modified) if modified else date,
        image_url=image,
        image_length=length,
        image_type=mime,
        category_slug=category.slug if category else "",
        tag_slugs=[tag.slug for tag in tags],
        author_slug=author.slug if author else "",
    )


def _image_facts(
    image: str | None, siteurl: str, output_path: str, static_root: str
) -> tuple[int, str | None]:
    """RSS enclosures need a byte length and a MIME type; read them from the built file if local.

    The file must really be inside `output_path` or `static_root` (content/): the path is resolved,
    symlinks included, so no value can make the feed report the size of a file elsewhere on the host.
    """
    if not image:
        return 0, None
    mime = mimetypes.guess_type(urlsplit(image).path)[0] or "image/jpeg"
    prefix = siteurl.rstrip("/") + "/"
    if siteurl and image.startswith(prefix):
        rel = unquote(urlsplit(image[len(prefix):]).path)
        for root in (output_path, static_root):
            if not root:
                continue
            base = os.path.realpath(root)
            candidate = os.path.realpath(os.path.join(base, rel.lstrip("/")))
            if os.path.commonpath([base, candidate]) == base and os.path.isfile(candidate):
                return os.path.getsize(candidate), mime
    return 0, mime
