"""Metadata is text: the reader turns each header value into what every output shows.

The convention (README "Writing a post", `publish.text`): Title, Author(s), Category, Tags,
Image_alt, Social and Social_<channel> are plain text with character references decoded once;
Summary is Markdown without raw HTML. Doing it here, where Pelican reads the post, means the
theme (which escapes everything), the feeds, the sitemap, the manifest and the social texts all
start from the same text, and none of them has to guess whether a `<` is markup.

Invisible characters are removed from every value and from the body as well (see `invisible`):
a dev build still shows the post while the writer is told where the characters were.
"""

from __future__ import annotations

import re

from markdown import Markdown
from pelican.readers import ensure_metadata_list

from publish.channels.registry import IDS as CHANNEL_IDS
from publish.text import field_text

from . import invisible
from .dates import pelican_date
from .facts import parse_header

#: Header keys whose values are plain text.
TEXT_FIELDS = frozenset({"title", "author", "authors", "category", "tags", "image_alt", "social",
                         *(f"social_{channel}" for channel in CHANNEL_IDS)})
LIST_FIELDS = frozenset({"tags", "authors"})


_REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def split_list(value: str) -> list[str]:
    """Pelican's list rule (split on `;` if there is one, else on `,`), where the `;` that ends a
    character reference is not a separator: `R&amp;D, close` is two tags, not three."""
    refs: list[str] = []

    def hide(match: re.Match) -> str:
        refs.append(match[0])
        return f"\x00{len(refs) - 1}\x00"

    masked = _REFERENCE.sub(hide, value)
    items = ensure_metadata_list(masked)
    return [re.sub("\x00([0-9]+)\x00", lambda m: refs[int(m[1])], item) for item in items]


def text_value(name: str, value):
    """A raw header value (or Pelican's list of them) → the value the metadata processor gets."""
    if isinstance(value, list):
        if name in LIST_FIELDS:
            return [invisible.clean(field_text(item)) for item in ensure_metadata_list(value)]
        return [text_value(name, item) for item in value]
    if not isinstance(value, str):
        return value
    if name in LIST_FIELDS:
        # Split first, then decode: a `&#44;` stays inside its tag.
        return [invisible.clean(field_text(item)) for item in split_list(invisible.clean_html(value))]
    if name in TEXT_FIELDS:
        return invisible.clean(field_text(invisible.clean_html(value)))
    return invisible.clean_html(value)  # formatted fields (HTML) and everything else


class TextFieldsMixin:
    """Reader mixin (before MarkdownReader in the MRO): header values become text.

    `process_metadata` is the one hook both Pelican's reader and fast_reader's pre-converted
    path call for every header value, so the conversion happens exactly once either way.
    """

    _summary_markdown: Markdown | None = None

    def process_metadata(self, name, value):
        value = text_value(name, value)
        plain = pelican_date(name, value)  # a plain ISO date without dateutil, Pelican's result
        return plain if plain is not None else super().process_metadata(name, value)

    def finish_text(self, text: str, content: str | None, metadata: dict) -> tuple[str | None, dict]:
        """After Pelican read the post: body cleaned; a Summary with raw HTML rendered again
        without it (so `<b>` is shown as written and `<script>` never reaches a page)."""
        if content:
            content = invisible.clean_html(content)
        if "summary" in metadata and "<" in text:  # no `<` in the file, no raw HTML anywhere
            summary = parse_header(text)[0].get("summary")
            if summary is not None and "<" in summary.value:  # no `<`, no raw HTML: keep Pelican's
                metadata["summary"] = self.process_metadata("summary", self.render_summary(summary.value))
        return content, metadata

    def render_summary(self, source: str) -> str:
        """Markdown with the site's extensions, minus raw HTML (blocks and inline tags)."""
        if self._summary_markdown is None:
            md = Markdown(**self.settings["MARKDOWN"])
            for registry, name in ((md.preprocessors, "meta"), (md.preprocessors, "html_block"),
                                   (md.inlinePatterns, "html")):
                if name in registry:
                    registry.deregister(name)
            self._summary_markdown = md
        self._summary_markdown.reset()
        return self._summary_markdown.convert(source)
