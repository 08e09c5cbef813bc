"""The post metadata contract (ARCHITECTURE.md), as pure checks that return writer-facing messages.

Every message reads `path:line: what is wrong — how to fix it`, because the people who read
them are executives editing Markdown, not engineers reading tracebacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from publish.channels.registry import IDS as CHANNEL_IDS

from .dates import is_plain
from .facts import AUDIENCES, STATUSES, Field, display_path, parse_header

CHANNELS = CHANNEL_IDS  # one list: publish/channels/registry.py


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


#: A UTF-16 surrogate encoded as if it were a character (CESU-8 / WTF-8): ED A0–BF xx.
_LONE_SURROGATE = re.compile(rb"\xed[\xa0-\xbf][\x80-\xbf]")


def decode_source(path: str, data: bytes) -> tuple[str | None, Problem | None]:
    """Decode a post as UTF-8, or explain which line holds the first byte that is not."""
    shown = display_path(path)
    if not data.strip():
        return None, Problem(
            shown, 1, 'the file is empty — add a "Title: ..." line, a blank line and the post text, '
            "or delete the file"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start:exc.start].decode("utf-8", errors="replace")) + 1  # characters
        if _LONE_SURROGATE.match(data, exc.start):
            return None, Problem(
                shown, line,
                f"column {column} holds half of an emoji saved in a broken encoding (a lone surrogate) "
                "— delete it and type the emoji again",
            )
        return None, Problem(
            shown, line,
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at column {column}) — "
            "re-save it as UTF-8 in your editor (\"Save with encoding: UTF-8\")",
        )
    return text, None


def check_header(path: str, text: str, *, is_article: bool, parse_date) -> list[Problem]:
    """Check the fields every post needs; `parse_date` is Pelican's own date parser."""
    shown = display_path(path)
    fields, _ = parse_header(text)
    problems: list[Problem] = []
    title = fields.get("title")
    if title is None or not title.value:
        problems.append(Problem(
            shown, title.line if title else 1,
            'the post has no title — add a line like "Title: Why trust beats tooling" at the top, '
            "followed by the other metadata and a blank line",
        ))
    for key in ("date", "modified"):
        field = fields.get(key)
        if field is not None:
            problems.extend(_check_date(shown, field, parse_date))
    if is_article and "date" not in fields:
        problems.append(Problem(
            shown, 1,
            'the post has no "Date:" line — add one to the header, e.g. "Date: 2026-03-04 08:30" '
            "(a date in the future schedules the post)",
        ))
    problems.extend(_check_choice(shown, fields.get("audience"), AUDIENCES, "public"))
    problems.extend(_check_choice(shown, fields.get("status"), STATUSES, "published"))
    channels = fields.get("channels")
    if channels is not None:
        for name in split_list(channels.value):
            if name not in CHANNELS:
                problems.append(Problem(
                    shown, channels.line,
                    f'"{name}" is not a channel Lectern knows — use any of {", ".join(CHANNELS)}, '
                    "separated by commas",
                ))
    return problems


def _check_date(shown: str, field: Field, parse_date) -> list[Problem]:
    value = field.value.replace("_", " ")
    if is_plain(value):  # Pelican's parser reads it too (and parses every date again anyway)
        return []
    try:
        parse_date(value)
    except (ValueError, OverflowError):
        return [Problem(
            shown, field.line,
            f'"{field.value}" is not a date Lectern can read — write it as "YYYY-MM-DD HH:MM", '
            'e.g. "2026-03-04 08:30"',
        )]
    return []


def _check_choice(shown: str, field: Field | None, allowed: tuple[str, ...], default: str) -> list[Problem]:
    if field is None or field.value.strip().lower() in allowed:
        return []
    choices = " or ".join(f'"{value}"' for value in allowed)
    return [Problem(
        shown, field.line,
        f'{field.key.capitalize()} "{field.value}" is not recognised — use {choices} '
        f"(or leave the line out for {default})",
    )]


def split_list(value: str) -> list[str]:
    """`Channels: linkedin, X` → ["linkedin", "x"] (the same splitting Pelican uses for tags)."""
    return [item.strip().lower() for item in value.replace(";", ",").split(",") if item.strip()]
