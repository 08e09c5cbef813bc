"""Read a post the way Pelican's Markdown reader does, keeping every character where it was.

A post is a `Key: value` header (Python-Markdown `meta` grammar), a blank line, then Markdown
(with the site's `extra` extensions: fenced code, tables, footnotes, attribute lists, abbreviations).
Style rules must skip code, URLs and markup but report exact positions, so instead of rendering we
build a **prose view**: the same string, same length, same line breaks, with everything that is not
prose replaced by NUL characters. Rules run on the view; offsets in the view are offsets in the file.

The block rules mirror Python-Markdown: fenced code uses the `fenced_code` extension's regex
(fences at the start of a line, closing fence identical to the opening one), indented code needs a
blank line before it (8 spaces inside a list), inline code follows the backtick rule within a
paragraph. `tests/test_brand_source.py` checks the view against Python-Markdown's own output.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from plugins.post_contract.facts import Field, parse_header

__all__ = ["MASK", "Field", "Post", "body_view", "inline_view", "parse_header", "read_post"]

MASK = "\x00"
_MASKABLE = re.compile(r"[^\r\n]")

_FENCE = re.compile(
    r"^(?P<fence>~{3,}|`{3,})[ ]*(?:\{[^\n]*\}|\.?[\w#.+-]*[ ]*(?:hl_lines=(?P<q>\"|').*?(?P=q)[ ]*)?)"
    r"\r?\n(?P<code>.*?)(?<=\n)(?P=fence)[ ]*\r?$",
    re.MULTILINE | re.DOTALL,
)
_COMMENT = re.compile(r"<!--(?P<inner>.*?)-->", re.DOTALL)
_DIRECTIVE = re.compile(r"^\s*brand\s*:\s*(?P<cmd>off|on|ignore)\b(?P<args>.*?)\s*$",
                        re.DOTALL | re.IGNORECASE)
_ANY_DIRECTIVE = re.compile(r"^\s*brand\s*:", re.IGNORECASE)

_LIST_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|\d+[.)])(?:[ \t]+|$)")
_HEADING = re.compile(r"^[ ]{0,3}#{1,6}(?=[ \t]|$)|[ \t]#+[ \t]*$")
_QUOTE_MARK = re.compile(r"^[ ]{0,3}>[ \t]?")
_RULE_LINE = re.compile(  # setext underline, horizontal rule, table separator row
    r"^[ ]{0,3}(?:[=\-]+|(?:[*_][ \t]*){3,}|\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?)[ \t]*$"
)
_DEFINITION = re.compile(r"^[ ]{0,3}(?:\[(?!\^)[^\]\n]+\]:[ \t]*\S.*|\*\[[^\]\n]+\]:.*)$")
_FOOTNOTE_LABEL = re.compile(r"^[ ]{0,3}\[\^[^\]\n]+\]:")
_BLANK_CHARS = " \t\r" + MASK

#: Inline markup that is not prose. The pattern starts with one character class (the first
#: character of every alternative), so `re` skips in C to the next candidate; each alternative
#: then checks, by lookbehind, which character it was. Bare URLs are `_BARE_URL`'s: their first
#: letters (h, f, w) are too common to be candidates everywhere.
_INLINE = re.compile(
    r"[`<\][&{](?:"
    r"(?<=`)(?<![\\`]`)(`*)(?!`)(?:(?!\n[ \t\r]*\n).)+?(?<!`)`\1(?!`)"  # inline code
    r"|(?<=<)(?:(?:https?|ftp|mailto):[^>\s]*>|[^>\s@]+@[^>\s@]+>"  # autolinks
    r"|/?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>)"  # HTML tags
    r"|(?<=\])(?:\((?:<[^>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)"  # link / image destination ...
    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*\)"  # ... and title
    r"|\[[^\]\n]*\])"  # reference link label
    r"|(?<=\[)\^[^\]\n]+\]"  # footnote reference
    r"|(?<=&)(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);"  # HTML entity
    r"|(?<=\{)(?::?[ \t]*[#.][^}\n]*\}|:[^}\n]*\}))",  # attribute list
    re.DOTALL,
)
#: A bare URL, searched after `_INLINE` has masked code, links and tags, and only in a text that
#: still contains "://" or "www."; it may run across masked markup (`?a=1&amp;b=2`) but not end in it.
_BARE_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>]*[^\s<>\x00.,;:!?)\]'\"]")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: Bare host names ("insights.northwindledger.example/posts/x") are addresses, not prose: without
#: this, the terms rule reads "northwindledger" as a misspelt company name. Lower-case TLD only, so a
#: missing space ("close.Then") stays prose; `_DOMAIN_HINT` keeps the full regex off most texts.
_DOMAIN_HINT = re.compile(r"\.(?<=\w\.)[a-z]{2}")  # starts with the literal: `re` jumps to each dot
_DOMAIN = re.compile(
    r"(?<![\w@.-])(?:[A-Za-z0-9][\w-]*\.)+[a-z]{2,24}(?![\w@-])(?:/[^\s<>]*[^\s<>.,;:!?)\]'\"])?"
)
_SOCIAL_TOKENS = re.compile(r"(?<![\w&])#[^\W_][\w]*|(?<![\w@])@\w+(?:@[\w.-]+\w)?")
#: Opening quotation marks and their closing ones ("…" and “…” within a paragraph, «…» within a line).
_OPENERS = re.compile("[\"“«]")
_CLOSER = {'"': '"', "“": "”", "«": "»"}
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")


@dataclass
class Suppressions:
    """Inline `<!-- brand: ... -->` directives as absolute (start, end, rules) ranges.

    `off [rules]` … `on` and `ignore [rules]` (the next paragraph) both become ranges; an empty
    rule set means every rule that can be suppressed.
    """

    ranges: list[tuple[int, int, frozenset[str]]] = field(default_factory=list)
    named: list[tuple[int, str]] = field(default_factory=list)  # (offset, rule id as written)
    bad: list[tuple[int, str]] = field(default_factory=list)  # (offset, comment) not understood


@dataclass
class Post:
    text: str
    fields: dict[str, Field]
    body_start: int
    body: str  # prose view of text[body_start:]
    quotes: list[tuple[int, int]]  # quoted spans, relative to the body
    suppressions: Suppressions


def mask_spans(view: str, spans: list[tuple[int, int]]) -> str:
    """Replace the characters of the sorted, non-overlapping `spans` by MASK (line breaks stay)."""
    if not spans:
        return view
    out = []
    prev = 0
    for start, end in spans:
        if start < prev:
            start = prev
        if end <= start:
            continue
        out.append(view[prev:start])
        masked = view[start:end]
        # one line (most spans): all of it; else every character but the line breaks
        out.append(MASK * len(masked) if "\n" not in masked and "\r" not in masked
                   else _MASKABLE.sub(MASK, masked))
        prev = end
    out.append(view[prev:])
    return "".join(out)


#: Bytes -> "!" for the first characters of `_INLINE` (` < ] [ & {), a space for every other byte.
_INLINE_FIRST = bytes(33 if chr(c) in "`<][&{" else 32 for c in range(256))


def inline_spans(view: str) -> list[tuple[int, int]]:
    """`[m.span() for m in _INLINE.finditer(view)]`, trying `_INLINE` only at its first characters.

    Every match starts with one of six ASCII characters; `bytes.find` (memchr) jumps from one to
    the next in a byte copy of the text (a character beyond ASCII becomes one "?", so offsets stay)
    instead of `re` testing every character against the class (tests/test_brand_fastpaths.py)."""
    shape = view.encode("ascii", "replace").translate(_INLINE_FIRST)
    spans = []
    at = shape.find(b"!")
    while at >= 0:
        match = _INLINE.match(view, at)
        if match is None:
            at = shape.find(b"!", at + 1)
        else:  # the next match starts after this one, as with `finditer`
            end = match.end()
            spans.append((at, end))
            at = shape.find(b"!", end)
    return spans


def _mask_inline(view: str) -> str:
    view = mask_spans(view, inline_spans(view))
    if "://" in view or "www." in view:
        view = mask_spans(view, [m.span() for m in _BARE_URL.finditer(view)])
    if "@" in view:  # e-mail addresses: searched only when there can be one (the regex is slow)
        view = mask_spans(view, [m.span() for m in _EMAIL.finditer(view)])
    if _DOMAIN_HINT.search(view):
        view = mask_spans(view, [m.span() for m in _DOMAIN.finditer(view)])
    return view


def quoted_spans(view: str) -> list[tuple[int, int]]:
    """Spans inside quotation marks ("…", “…”, «…») within a paragraph of a prose view.

    One pass: each opening mark looks for its closing mark up to the paragraph's end (a line's end
    for «), and once a kind has none there, its later openings in that stretch are skipped — a
    regex retried the whole paragraph from every unclosed quote (a post whose closing quotes were
    lost in a conversion took minutes)."""
    spans: list[tuple[int, int]] = []
    marks = [mark for mark in _CLOSER if mark in view]
    if not marks:  # most texts of a post: no quotation mark at all
        return spans
    blanks = [m.start() for m in _BLANK_LINE.finditer(view)]
    hopeless: dict[str, int] = {}  # opening mark -> where the stretch without its closing mark ends
    # The next opening mark at or after `at` (what `_OPENERS.search(view, at)` finds), from each
    # mark's next position, found again with `str.find` (C, no regex) once `at` has passed it.
    upcoming = {mark: view.find(mark) for mark in marks}
    at = 0
    while True:
        start = -1
        for kind in marks:
            pos = upcoming[kind]
            if 0 <= pos < at:
                pos = upcoming[kind] = view.find(kind, at)
            if pos >= 0 and (start < 0 or pos < start):
                start, mark = pos, kind
        if start < 0:
            break
        at = start + 1
        if start < hopeless.get(mark, -1):
            continue
        if mark == "«":
            limit = view.find("\n", at)
            limit = len(view) if limit < 0 else limit
        else:
            index = bisect.bisect_left(blanks, at)
            limit = blanks[index] if index < len(blanks) else len(view)
        close = view.find(_CLOSER[mark], at, limit)
        if close < 0:
            hopeless[mark] = limit
            continue
        spans.append((start, close + 1))
        at = close + 1
    return spans


def inline_view(text: str, *, social: bool = False) -> str:
    """Prose view of one line of metadata or a social text: code spans, URLs and markup masked."""
    view = _mask_inline(text)
    if social and ("#" in view or "@" in view):  # every hashtag has a "#", every handle an "@"
        view = mask_spans(view, [m.span() for m in _SOCIAL_TOKENS.finditer(view)])
    return view


def body_view(body: str, base: int = 0) -> tuple[str, list[tuple[int, int]], Suppressions]:
    """Prose view of a Markdown body, its quoted spans, and its brand directives.

    `base` is the body's offset in the file (directive ranges are returned as file offsets).
    """
    fenced = "```" in body or "~~~" in body  # the fence regex tries every line start: skip it
    view = mask_spans(body, fence_spans(body)) if fenced else body
    suppressions = Suppressions()
    comments = list(_COMMENT.finditer(view))
    for comment in comments:
        _directive(comment, view, base, suppressions)
    view = mask_spans(view, [m.span() for m in comments])
    view, quotes = _mask_blocks(view)
    view = _mask_inline(view)
    quotes += quoted_spans(view)
    quotes.sort()
    _close_off_ranges(suppressions, base + len(body))
    return view, quotes, suppressions


def fence_spans(body: str) -> list[tuple[int, int]]:
    """`[m.span() for m in _FENCE.finditer(body)]`, trying `_FENCE` only where a line starts with
    three backticks or tildes (where every match starts): `_FENCE` begins with `^`, so `finditer`
    would try it at every character of the post."""
    spans: list[tuple[int, int]] = []
    starts = sorted(at + 1 for fence in ("\n```", "\n~~~") for at in _all(body, fence))
    if body.startswith(("```", "~~~")):
        starts.insert(0, 0)
    end = 0
    for start in starts:
        if start < end:
            continue  # inside the block just found, as `finditer` resumes after a match
        match = _FENCE.match(body, start)
        if match is not None:
            spans.append(match.span())
            end = match.end()
    return spans


def _all(text: str, needle: str) -> list[int]:
    """Every offset where `needle` starts in `text` (`str.find`, so in C)."""
    out = []
    at = text.find(needle)
    while at >= 0:
        out.append(at)
        at = text.find(needle, at + 1)
    return out


def _directive(comment: re.Match, view: str, base: int, out: Suppressions) -> None:
    inner = comment["inner"]
    match = _DIRECTIVE.match(inner)
    if not match:
        if _ANY_DIRECTIVE.match(inner):
            out.bad.append((base + comment.start(), " ".join(inner.split())))
        return
    cmd = match["cmd"].lower()
    rules = [r for r in re.split(r"[\s,]+", match["args"].strip()) if r]
    for rule in rules:
        out.named.append((base + comment.start(), rule))
    if cmd == "off":
        out.ranges.append((base + comment.start(), -1, frozenset(r.lower() for r in rules)))
    elif cmd == "on":  # closes every open "off"
        out.ranges = [(a, base + comment.start() if b == -1 else b, r) for a, b, r in out.ranges]
    else:
        start = comment.end()
        while start < len(view) and view[start] in " \t\r\n":
            start += 1
        blank = _BLANK_LINE.search(view, start)
        end = blank.start() if blank else len(view)
        out.ranges.append((base + comment.start(), base + end, frozenset(r.lower() for r in rules)))


def _close_off_ranges(out: Suppressions, end: int) -> None:
    out.ranges = [(a, end if b == -1 else b, r) for a, b, r in out.ranges]


def _mask_blocks(view: str) -> tuple[str, list[tuple[int, int]]]:
    """Mask indented code, definitions and block markers line by line; collect blockquotes."""
    spans: list[tuple[int, int]] = []
    quotes: list[tuple[int, int]] = []
    pos = 0
    prev_blank = True
    in_code = False
    in_list = False
    for line in view.split("\n"):
        end = pos + len(line)
        if line[:1].isalpha():  # plain paragraph text, the common case: nothing to mask
            if prev_blank:
                in_list = False
            in_code = prev_blank = False
            pos = end + 1
            continue
        if not line:  # an empty line, the other common case (what the test below does with it)
            prev_blank = True
            pos = end + 1
            continue
        if not line.strip(_BLANK_CHARS):
            prev_blank = True
            in_code = in_code and not line.strip(" \t\r")  # a masked line is not blank for code
            pos = end + 1
            continue
        indent = len(line) - len(line.lstrip(" \t"))
        width = len(line[:indent].expandtabs(4))
        need = 8 if in_list else 4
        if width >= need and (prev_blank or in_code):
            spans.append((pos, end))
            in_code = True
            prev_blank = False
            pos = end + 1
            continue
        in_code = False
        item = _LIST_ITEM.match(line)
        if item and width < 4 + (4 if in_list else 0):
            in_list = True
            spans.append((pos + item.start("marker"), pos + item.end()))
        elif width == 0 and prev_blank:
            in_list = False
        if "]:" in line and _DEFINITION.match(line) or _RULE_LINE.match(line):
            spans.append((pos, end))
        else:  # every heading mark has a "#", every footnote label a "[^" (skip the regex without)
            for regex, needle in ((_HEADING, "#"), (_FOOTNOTE_LABEL, "[^")):
                if needle in line:
                    for m in regex.finditer(line):
                        spans.append((pos + m.start(), pos + m.end()))
            quote = _QUOTE_MARK.match(line)
            if quote:
                spans.append((pos + quote.start(), pos + quote.end()))
                quotes.append((pos + quote.end(), end))
        prev_blank = False
        pos = end + 1
    spans.sort()
    return mask_spans(view, spans), quotes


def read_post(text: str, header: tuple[dict[str, Field], int] | None = None) -> Post:
    """Header fields, prose view of the body, quotes and directives of a decoded post (`header`:
    `parse_header(text)`, when the caller has parsed it already)."""
    fields, body_start = parse_header(text) if header is None else header
    body = text[body_start:]
    view, quotes, suppressions = body_view(body, body_start)
    return Post(text, fields, body_start, view, quotes, suppressions)
