"""Lectern's text conventions: what a metadata value *is*, and HTML → plain text with a real parser.

Metadata is text (README "Writing a post"):

- Title, Author(s), Category, Tags, Image_alt, Social and Social_<channel> are plain text.
  Character references are decoded once (`R&amp;D` → `R&D`, `&lt;b&gt;` → `<b>`), because
  Pelican's convention treats titles as HTML and writers paste them from web pages; everything
  else — `<`, `>`, quotes, anything that looks like a tag — is text and is shown as written.
  `field_text` is that conversion; post_contract applies it when the post is read, so every later
  reader (theme, feeds, manifest, social texts) gets the same text and escapes it for its format.
- Summary is Markdown (Pelican's FORMATTED_FIELDS) rendered without raw HTML: emphasis, links and
  code work, `<b>` is shown as written. Its plain-text form is `plain_text(article.summary)`.

`plain_text` parses HTML with `html.parser`, the standard library's HTML tokenizer: a `<` that
does not open a tag (`<5 days`, `a < b`) is text, as in browsers (WHATWG). It must only be given
real markup — never text that is already plain, or a `<` in it would be read as markup again.

The syndication plugin needs this module for the manifest, so it stays free of twitter-text and
atproto (tests/test_publish_text.py checks).
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from html.parser import HTMLParser

_SPACE = re.compile(r"\s+")
#: Elements whose content is not text a reader sees.
_HIDDEN = frozenset({"script", "style", "template", "noscript"})
#: Elements that end a run of text: their boundary becomes a space, so words never join.
_BREAKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "nav", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul",
})


class _TextParser(HTMLParser):
    """Collects the text a reader sees; character references are decoded by the parser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BREAKS:
            self.parts.append(" ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt and not self.hidden:
                self.parts.append(alt)

    def handle_startendtag(self, tag, attrs):
        if tag in _HIDDEN:
            return  # <script/> opens and closes nothing
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """HTML → one line of text: tags removed, character references decoded, whitespace collapsed."""
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    return one_line("".join(parser.parts))


#: A tag as Python-Markdown writes one: a start tag (optionally self-closing) with double-quoted
#: attribute values free of quotes and angle brackets, or an end tag. `html_to_text_fast` reads
#: markup made only of these and text without "<"; `html.parser` reads such markup the same way.
_PLAIN_TAG = re.compile(r'<(?:/([A-Za-z][A-Za-z0-9]*)|([A-Za-z][A-Za-z0-9]*)'
                        r'(?:[ \t\n]+[A-Za-z][-A-Za-z0-9]*="[^"<>]*")*[ \t\n]*/?)>')
#: Tags whose text the parser treats apart (hidden, raw text in some Python version, `img`'s alt):
#: markup with one of them is left to the parser.
_PARSER_ONLY = _HIDDEN | {"img", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
                          "plaintext"}


def html_to_text_fast(markup: str) -> str | None:
    """`html_to_text(markup)` for markup made only of text and `_PLAIN_TAG` tags (what a rendered
    Summary is), None for anything else. The parser, given such markup, calls `handle_data` with
    each run of text between two tags, character references decoded (`html.unescape`, run by run),
    and `handle_starttag`/`handle_endtag` with each tag's name in lower case (a self-closing one
    as a start tag); `_TextParser` turns a `_BREAKS` tag into a space and ignores the others. A
    tag `_PARSER_ONLY` lists, a "<" that opens no such tag (a comment, a declaration, text), or
    anything else unusual goes to the parser: a fifth of the parser's time on a Summary."""
    parts = []
    pos = 0
    for match in _PLAIN_TAG.finditer(markup):
        start = match.start()
        if start > pos:
            run = markup[pos:start]
            if "<" in run:
                return None
            parts.append(html.unescape(run) if "&" in run else run)
        name = (match.group(1) or match.group(2)).lower()
        if name in _PARSER_ONLY:
            return None
        if name in _BREAKS:
            parts.append(" ")
        pos = match.end()
    run = markup[pos:]
    if "<" in run:
        return None
    parts.append(html.unescape(run) if "&" in run else run)
    return one_line("".join(parts))


def plain_text(value: str | None) -> str:
    """HTML (e.g. a rendered Summary) → one line of plain text with entities decoded."""
    if not value:
        return ""
    if type(value) is str:  # a str subclass (Markup) may have its own __str__
        return _plain(value)
    return html_to_text(str(value))


@lru_cache(maxsize=4096)
def _plain(markup: str) -> str:
    # The same summary is asked for by the manifest, the theme and every channel.
    fast = html_to_text_fast(markup)
    return html_to_text(markup) if fast is None else fast


#: A tag as markupsafe's `striptags` finds one when the text holds no comment: `<` to the next `>`.
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")
#: The character references Python-Markdown writes (markup characters, smarty's quotes and dashes):
#: each is one non-word character wherever it stands (no other reference can swallow or continue it).
_NON_WORD_REFS = re.compile(r"&(?:amp|lt|gt|quot|#39|nbsp|[lr]squo|[lr]dquo|[nm]dash|hellip|[lr]aquo);")
_ASCII = bytes(range(0x80))
#: UTF-8 bytes → b"a" for a word byte, b" " for every other ASCII byte. Bytes >= 0x80 belong to
#: non-ASCII characters, all of them word characters once `word_count` has blanked the others.
_WORD_BYTES = bytes(0x61 if b >= 0x80 or b == 0x5F or chr(b).isalnum() else 0x20 for b in range(256))


def word_count(markup) -> int:
    """Words in HTML exactly as Jinja's `markup|striptags|wordcount` counts them, ~6x faster.

    The theme counts every post's words for its JSON-LD; Jinja's two filters cost ~0.25 ms a post
    (markupsafe walks the tags in Python, `\\w+` scans the text). Same count, because: without
    `<!--`, markupsafe's tag walk removes exactly what `_TAG` matches (an unclosed `<` stops both,
    nothing after it has a `>`); collapsing whitespace before unescaping changes no run of word
    characters (whitespace is never one, and no character reference contains whitespace), nor does
    a space in place of a reference that stands for one non-word character; and a `\\w+` run is a
    maximal run of characters that are `isalnum()` or `_` (sre's own definition), counted here as
    the runs of b"a" once every word byte became b"a" and every other character a space (UTF-8:
    a character's bytes never match inside another's). Text with a comment takes markupsafe's
    path (an unclosed comment keeps the rest of the text).
    """
    if hasattr(markup, "__html__"):
        markup = markup.__html__()
    text = str(markup)
    if "<!--" in text:
        from markupsafe import Markup  # Jinja's own dependency; only this rare path needs it

        return len(_WORD.findall(Markup(text).striptags()))
    text = _TAG.sub("", text)
    if "&" in text:
        text = _NON_WORD_REFS.sub(" ", text)
        if "&" in text:
            text = html.unescape(text)
    data = text.encode("utf-8", "surrogatepass")
    if not text.isascii():
        for char in set(data.translate(None, _ASCII).decode("utf-8", "surrogatepass")):
            if not char.isalnum():
                data = data.replace(char.encode("utf-8", "surrogatepass"), b" ")
    data = data.translate(_WORD_BYTES)
    return data.count(b" a") + data.startswith(b"a")


def one_line(value: str | None) -> str:
    """Text → one line: runs of whitespace become one space, NFC, no markup handling at all."""
    if not value:
        return ""
    return unicodedata.normalize("NFC", _SPACE.sub(" ", str(value)).strip())


def field_text(value: str) -> str:
    """A raw header value → its text: character references decoded once, nothing else touched."""
    return html.unescape(value)


#: What XML 1.0 allows: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """`text` with every character XML 1.0 forbids removed (lxml refuses them with a traceback)."""
    return _XML_INVALID.sub("", text) if _XML_INVALID.search(text) else text
