"""Markdown or HTML → plain text: light enough for every site build.

The syndication plugin needs `plain_text` for the manifest; it lives here, apart from
`publish.compose`, so a site build never imports the length counters (twitter-text) or the
Bluesky SDK (atproto). Keep this module free of both (tests/test_publish_text.py checks).
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

_SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", flags=re.S | re.I)
_BREAKS = re.compile(r"<br\s*/?>|</p>|</li>|</h\d>", flags=re.I)
_TAG = re.compile(r"<[^>]+>")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_CODE = re.compile(r"`{1,3}([^`]*)`{1,3}")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?!\w)")
_EM_UNDER = re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?!\w)")
_STRIKE = re.compile(r"~~(.+?)~~")
_BLOCK_MARK = re.compile(r"(?m)^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)")
_SPACE = re.compile(r"\s+")


def plain_text(value: str | None) -> str:
    """Markdown or HTML → one line of plain text with entities decoded."""
    if not value:
        return ""
    if type(value) is str:  # a str subclass may have its own __str__
        return _plain(value)
    return _convert(str(value))


@lru_cache(maxsize=4096)
def _plain(text: str) -> str:
    # Composing asks for the same title and summary once per channel and per fitting step.
    return _convert(text)


def _convert(text: str) -> str:
    text = _SCRIPT_STYLE.sub(" ", text)
    text = _BREAKS.sub(" ", text)
    text = _TAG.sub("", text)
    text = _IMAGE.sub(r"\1", text)  # images → alt text
    text = _LINK.sub(r"\1", text)  # links → link text
    text = _REF_LINK.sub(r"\1", text)  # reference links
    text = _CODE.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _EM_STAR.sub(r"\1", text)
    text = _EM_UNDER.sub(r"\1", text)
    text = _STRIKE.sub(r"\1", text)
    text = _BLOCK_MARK.sub("", text)
    text = html.unescape(text)
    text = unicodedata.normalize("NFC", text)
    return _SPACE.sub(" ", text).strip()
