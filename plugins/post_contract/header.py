"""Read the `Key: value` header of a Pelican Markdown post, keeping line numbers.

Python-Markdown's `meta` extension parses the same header but forgets where each key was;
writers need `path:line` in every message, so we read it ourselves (same grammar as `meta`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_KEY = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
_CONTINUATION = re.compile(r"^[ ]{4,}(?P<value>.*)$")
_FENCE_BEGIN = re.compile(r"^-{3}(\s.*)?$")
_FENCE_END = re.compile(r"^(-{3}|\.{3})(\s.*)?$")


@dataclass(frozen=True)
class Field:
    key: str  # lowercased, as Pelican stores metadata
    value: str
    line: int  # 1-based line of the key in the file


def parse_header(text: str) -> tuple[dict[str, Field], int]:
    """Return the header fields (first occurrence wins, like Pelican) and the body's first line."""
    lines = text.splitlines()
    fields: dict[str, Field] = {}
    index = 0
    if lines and _FENCE_BEGIN.match(lines[0]):
        index = 1
    last: str | None = None
    while index < len(lines):
        line = lines[index]
        if not line.strip() or _FENCE_END.match(line):
            index += 1
            break
        match = _KEY.match(line)
        if match:
            last = match["key"].lower()
            if last not in fields:
                fields[last] = Field(last, match["value"].strip(), index + 1)
        elif last and (cont := _CONTINUATION.match(line)):
            field = fields[last]
            fields[last] = Field(last, f"{field.value} {cont['value'].strip()}".strip(), field.line)
        else:
            break  # not a header line: the body starts here (meta stops the same way)
        index += 1
    return fields, index + 1
