"""The post contract's facts, stated once: the header, how a path is shown, and "is this post out yet?".

Pelican-free (standard library only), because the Pelican plugins (post_contract, brand_guard,
feeds, syndication), the brand CLI and the publish step (`python -m publish`) all need the same
answers and the last two must start without importing Pelican.

- `parse_header`: the `Key: value` header with each value's offsets and line (Python-Markdown's
  `meta` grammar; Python-Markdown forgets where a key was, writers need `path:line`).
- `display_path`: a path as every message shows it.
- `is_out` / `is_scheduled`: a post is out when its status is `published` and its date is not
  after `now`. A date without a time zone is in the site's `TIMEZONE`, Pelican's own rule
  (`pelican.utils.set_date_tzinfo`; no TIMEZONE means UTC, as Pelican assumes). Feeds, the
  manifest, the publish plan and the brand guard all ask here, so near a scheduled post's time
  they cannot disagree.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

AUDIENCES = ("public", "internal")
STATUSES = ("published", "draft", "hidden")

_META = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*?)\s*$")
_META_MORE = re.compile(r"^[ ]{4,}(?P<value>.*?)\s*$")
_META_BEGIN = re.compile(r"^-{3}(\s.*)?$")
_META_END = re.compile(r"^(-{3}|\.{3})(\s.*)?$")
#: Line ends as Pelican reads a file (universal newlines): an old-Mac file ends its lines in CR alone.
_EOL = re.compile(r"\r\n?|\n")


# ---------------------------------------------------------------- header

@dataclass(frozen=True)
class Field:
    """A header field: `start`/`end` are offsets of its value in the file text."""

    key: str  # lower-cased, as Pelican stores metadata
    value: str
    start: int
    end: int
    line: int  # 1-based line of the key


#: The last text parsed and its result: post_contract's reader hands the same text object to three
#: checks (header, names, placeholders), so the header is parsed once per post.
_LAST: list = [None, None]


def parse_header(text: str) -> tuple[dict[str, Field], int]:
    """Header fields (first occurrence wins, like Pelican) and the offset where the body starts."""
    if text is _LAST[0]:  # the same object (the memo holds it, so its id cannot be reused)
        fields, body = _LAST[1]
        return dict(fields), body  # a copy: a caller may change its dict
    fields, body = _parse_header(text)
    _LAST[:] = [text, (fields, body)]
    return dict(fields), body


def _parse_header(text: str) -> tuple[dict[str, Field], int]:
    fields: dict[str, Field] = {}
    pos = 0
    number = 0
    last: str | None = None
    first = True
    while pos < len(text):
        eol = _EOL.search(text, pos)
        end, nxt = (eol.start(), eol.end()) if eol else (len(text), len(text) + 1)
        line = text[pos:end]
        number += 1
        if first and _META_BEGIN.match(line):
            first = False
            pos = nxt
            continue
        first = False
        if not line.strip():
            return fields, min(nxt, len(text))
        if _META_END.match(line):
            return fields, min(nxt, len(text))
        match = _META.match(line)
        if match:
            last = match["key"].lower()
            if last not in fields:
                fields[last] = Field(last, match["value"], pos + match.start("value"),
                                     pos + match.end("value"), number)
        elif last and (more := _META_MORE.match(line)):
            old = fields[last]
            start = old.start if old.value else pos + more.start("value")
            fields[last] = Field(last, f"{old.value} {more['value']}".strip(), start,
                                 pos + more.end("value"), old.line)
        else:
            return fields, pos  # not a header line: the body starts here (meta stops the same way)
        pos = nxt
    return fields, len(text)


#: (working directory, path) → display_path: a build shows each post's path 6-7 times (reader,
#: contract checks, brand guard, collisions, manifest) and `relpath` makes two `abspath`s each time.
_SHOWN: dict[tuple[str, str], str] = {}


def display_path(path: str) -> str:
    """Relative to the working directory when inside it (reads best in terminals and editors)."""
    path = os.fspath(path)
    key = (os.getcwd(), path)  # relpath depends on the working directory, which a test may change
    shown = _SHOWN.get(key)
    if shown is None:
        try:
            rel = os.path.relpath(path)
        except ValueError:
            return path
        shown = path if rel.startswith("..") else rel
        if len(_SHOWN) > 100_000:  # a resident process that sees many trees: start over
            _SHOWN.clear()
        _SHOWN[key] = shown
    return shown


# ---------------------------------------------------------------- is this post out yet?

class Dated(Protocol):
    """A Pelican Article, a publish `Post` or a `PostFacts`: a status and a date (datetime or ISO text)."""

    status: str
    date: datetime | str | None


@dataclass(frozen=True)
class PostFacts:
    """Status and date as a post's header states them (for callers that have no Pelican article)."""

    status: str
    date: str | None

    @classmethod
    def from_header(cls, fields: dict[str, Field]) -> PostFacts:
        status = fields["status"].value if "status" in fields else "published"
        return cls(status, fields["date"].value if "date" in fields else None)


def site_zone(timezone: str | tzinfo | None) -> tzinfo:
    """The site's TIMEZONE setting as a tzinfo (None or "": UTC, as Pelican assumes)."""
    if isinstance(timezone, tzinfo):
        return timezone
    return ZoneInfo(timezone) if timezone else UTC


def to_datetime(value: datetime | str | None, timezone: str | tzinfo | None) -> datetime | None:
    """An aware datetime; naive values are read in the site's TIMEZONE. None when unreadable."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip().replace("_", " ")
        try:
            value = datetime.fromisoformat(text.replace("/", "-"))
        except ValueError:
            try:
                from dateutil import parser  # what Pelican's get_date uses for other spellings

                value = parser.parse(text, default=datetime(1970, 1, 1))
            except (ImportError, ValueError, OverflowError):
                return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=site_zone(timezone))
    return value


def is_scheduled(date: datetime | str | None, now: datetime, timezone: str | tzinfo | None) -> bool:
    """True when `date` is after `now` (an unreadable date counts as scheduled: never out early)."""
    if now.tzinfo is None:
        raise ValueError("`now` must carry a time zone (e.g. datetime.now(UTC))")
    when = to_datetime(date, timezone)
    return when is None or when > now


def is_out(post: Dated, now: datetime, timezone: str | tzinfo | None) -> bool:
    """Published and not scheduled: the one rule for feeds, the manifest, publishing and the guard.

    A post without a date is not out (the contract requires one; Pelican gives undated drafts
    the largest date).
    """
    status = str(getattr(post, "status", None) or "published").strip().lower()
    if status != "published":
        return False
    date = getattr(post, "date", None)
    return date is not None and not is_scheduled(date, now, timezone)
