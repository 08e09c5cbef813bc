"""Where a post body's Markdown headings are, in its prose view (for rules that read them apart).

A heading set in capitals (`## OUR RESULTS`, or the line above a `===`/`---` underline) is a
typographic choice, like small caps in print: the hype rule does not call it shouting. The prose
view masks the `#` marks and the underline, so the heading lines are found in the raw body, which
has the same offsets (the view is the raw body with markup masked, same length, same line breaks).

Headings follow Python-Markdown, as Pelican renders them: a line starting with one to six `#`
(no space before them: "   # X" is a paragraph there), or a setext heading — the first line of a
block, directly above a line of `=` or `-` only ("text\nOUR RESULTS\n---" is a paragraph and a
rule). Code is masked in the view, so a `# COMMENT` in a code block is never prose anyway.
"""

from __future__ import annotations

import bisect
import re

_ATX = re.compile(r"^#{1,6}", re.M)  # Python-Markdown: no space before the marks
_UNDERLINE = re.compile(r"^[=-]+[ ]*$", re.M)
_LAST: tuple = (None, None, [], [])  # the last (view, source) pair's heading line spans


def heading_lines(view: str, source: str) -> tuple[list[int], list[int]]:
    """Starts and ends of the heading lines of a body's prose `view`, read off the post `source`
    whose tail it masks (same length, same line breaks); nothing when the two do not line up."""
    global _LAST
    last = _LAST
    if last[0] is view and last[1] is source:
        return last[2], last[3]
    raw = source[len(source) - len(view):] if len(source) >= len(view) else ""
    spans: list[tuple[int, int]] = []
    if raw and raw.count("\n") == view.count("\n"):
        spans = [(m.start(), _line_end(raw, m.start())) for m in _ATX.finditer(raw)]
        for rule in _UNDERLINE.finditer(raw):
            if rule.start() == 0:
                continue
            end = rule.start() - 1
            start = raw.rfind("\n", 0, end) + 1
            line = raw[start:end]
            before = raw[raw.rfind("\n", 0, start - 1) + 1:start - 1] if start else ""
            if line.strip() and not before.strip() and "|" not in line:
                spans.append((start, end))  # the first line of a block, right above its underline
        spans.sort()
    starts, ends = [s for s, _ in spans], [e for _, e in spans]
    _LAST = (view, source, starts, ends)
    return starts, ends


def in_heading(offset: int, view: str, source: str) -> bool:
    """Is `offset` of a body's prose view inside a heading line?"""
    starts, ends = heading_lines(view, source)
    index = bisect.bisect_right(starts, offset) - 1
    return index >= 0 and offset < ends[index]


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end < 0 else end
