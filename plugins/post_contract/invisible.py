"""Invisible and control characters in a post: found with `path:line:col`, removed in dev builds.

Word writes a vertical tab (U+000B) for Shift+Enter and a form feed for a page break; copies from
PDFs and chat tools bring NEL (U+0085), U+2028/U+2029, stray byte order marks and Windows-1252
bytes read as C1 controls; editors that escape text write lone surrogates as `\\ud83d` or
`&#xD83D;`. None of them is visible in an editor, several are not allowed in XML 1.0 (one of them
used to crash the whole build inside lxml, with no file name), and all of them would reach the
page, the feeds and the social networks.

So the source of every post is scanned once, header and body alike, before Pelican reads it:

- each character gets `path:line:col: invisible character U+000B (LINE TABULATION) — delete it`;
- dev builds (`make html`) build the post with the characters removed and log the messages as
  warnings: the writer sees the page they expect and the list of spots to fix, instead of a post
  that silently disappears from their preview;
- production builds (`LECTERN_STRICT`) treat them as errors: the post is broken and the build
  stops, so nothing the writer cannot see is ever published.

Lines are counted the way editors count them (`\\n`, `\\r\\n`, `\\r`); columns are characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .contract import Problem

# Unicode name aliases of the control characters (unicodedata.name() has none for them).
_C0 = (
    "NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION", "ENQUIRY",
    "ACKNOWLEDGE", "ALERT", "BACKSPACE", "CHARACTER TABULATION", "LINE FEED", "LINE TABULATION",
    "FORM FEED", "CARRIAGE RETURN", "SHIFT OUT", "SHIFT IN", "DATA LINK ESCAPE", "DEVICE CONTROL ONE",
    "DEVICE CONTROL TWO", "DEVICE CONTROL THREE", "DEVICE CONTROL FOUR", "NEGATIVE ACKNOWLEDGE",
    "SYNCHRONOUS IDLE", "END OF TRANSMISSION BLOCK", "CANCEL", "END OF MEDIUM", "SUBSTITUTE", "ESCAPE",
    "INFORMATION SEPARATOR FOUR", "INFORMATION SEPARATOR THREE", "INFORMATION SEPARATOR TWO",
    "INFORMATION SEPARATOR ONE",
)
_C1 = (
    "PADDING CHARACTER", "HIGH OCTET PRESET", "BREAK PERMITTED HERE", "NO BREAK HERE", "INDEX",
    "NEXT LINE", "START OF SELECTED AREA", "END OF SELECTED AREA", "CHARACTER TABULATION SET",
    "CHARACTER TABULATION WITH JUSTIFICATION", "LINE TABULATION SET", "PARTIAL LINE FORWARD",
    "PARTIAL LINE BACKWARD", "REVERSE LINE FEED", "SINGLE SHIFT TWO", "SINGLE SHIFT THREE",
    "DEVICE CONTROL STRING", "PRIVATE USE ONE", "PRIVATE USE TWO", "SET TRANSMIT STATE",
    "CANCEL CHARACTER", "MESSAGE WAITING", "START OF GUARDED AREA", "END OF GUARDED AREA",
    "START OF STRING", "SINGLE GRAPHIC CHARACTER INTRODUCER", "SINGLE CHARACTER INTRODUCER",
    "CONTROL SEQUENCE INTRODUCER", "STRING TERMINATOR", "OPERATING SYSTEM COMMAND", "PRIVACY MESSAGE",
    "APPLICATION PROGRAM COMMAND",
)
NAMES: dict[int, str] = {
    **dict(enumerate(_C0)), 0x7F: "DELETE", **{0x80 + i: name for i, name in enumerate(_C1)},
    0x2028: "LINE SEPARATOR", 0x2029: "PARAGRAPH SEPARATOR", 0xFEFF: "BYTE ORDER MARK",
    0xFFFE: "NOT A CHARACTER", 0xFFFF: "NOT A CHARACTER",
}

#: Invisible characters a post may not contain (tab, line feed and carriage return are fine).
RAW_CLASS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff"
_RAW = re.compile(f"[{RAW_CLASS}]")
#: Those that separate words or lines: removed as a space so the words around them stay apart.
_SPACING = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029")
_REF = re.compile(r"&#(?:[xX](?P<hex>[0-9a-fA-F]{1,8})|(?P<dec>[0-9]{1,10}));?")
_ESCAPE = re.compile(r"\\u(?P<high>[dD][89abAB][0-9a-fA-F]{2})(?:\\u(?P<low>[dD][c-fC-F][0-9a-fA-F]{2}))?"
                     r"|\\u(?P<lone>[dD][c-fC-F][0-9a-fA-F]{2})")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD]")
#: Every byte but RAW_CLASS's ASCII part: deleting them from an ASCII text leaves its invisible ones.
_ASCII_VISIBLE = bytes(b for b in range(128) if not _RAW.match(chr(b)))
#: The last text `find` saw without a raw invisible character (held, so its id is not reused):
#: the reader cleans the very text it just checked, and `clean` need not scan it again.
_NO_RAW: list[str | None] = [None]
_NEWLINE = re.compile(r"\r\n|\r|\n")
_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+).+?\1")


@dataclass(frozen=True)
class InvisibleProblem(Problem):
    """A Problem with a column: `path:line:col: message`."""

    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


@dataclass(frozen=True)
class Finding:
    offset: int  # in the decoded text
    line: int
    column: int
    message: str


def codepoint(number: int) -> str:
    return f"U+{number:04X}"


def describe(char: str) -> str:
    """`U+000B (LINE TABULATION)`."""
    number = ord(char)
    return f"{codepoint(number)} ({NAMES.get(number, 'CONTROL')})"


def _bad_reference(number: int) -> bool:
    """A numeric character reference a browser turns into nothing or U+FFFD (C1 references are
    Windows-1252 in HTML, e.g. `&#146;` is ’, so they are fine)."""
    if number in (0x09, 0x0A, 0x0D):
        return False
    return (number < 0x20 or number == 0x7F or 0xD800 <= number <= 0xDFFF or number > 0x10FFFF
            or number in (0xFFFE, 0xFFFF))


def _raw_message(char: str) -> str:
    message = f"invisible character {describe(char)} — delete it"
    if char == "\ufeff":
        message = ("invisible character U+FEFF (BYTE ORDER MARK) in the middle of the file — delete it")
    elif "\x80" <= char <= "\x9f":
        meant = bytes([ord(char)]).decode("cp1252", errors="ignore")
        if meant.isprintable() and meant:
            message += f' (it was probably "{meant}" pasted with the wrong encoding: type it again)'
    return message


def _reference_message(ref: str, number: int) -> str:
    if 0xD800 <= number <= 0xDFFF:
        return (f"character reference {ref} is half of an emoji (a lone surrogate, {codepoint(number)}) "
                "— write the emoji itself instead")
    if number > 0x10FFFF or number in (0xFFFE, 0xFFFF):
        return f"character reference {ref} is not a character — delete it"
    name = NAMES.get(number, "CONTROL")
    return (f"character reference {ref} stands for an invisible character {codepoint(number)} ({name}) "
            "— delete it")


def _escape_message(match: re.Match) -> str:
    if match["high"] and match["low"]:
        char = chr(0x10000 + ((int(match["high"], 16) - 0xD800) << 10) + (int(match["low"], 16) - 0xDC00))
        return f'"{match[0]}" is an escaped emoji, shown as written — write {char} instead'
    return (f'"{match[0]}" is half of an escaped emoji (a lone surrogate), shown as written '
            "— write the emoji itself instead")


def _code_mask(text: str) -> list[tuple[int, int]]:
    """Spans of fenced code blocks and inline code, where `\\ud83d` may be what the post is about."""
    spans: list[tuple[int, int]] = []
    fence: str | None = None
    start = offset = 0
    for line in text.splitlines(keepends=True):
        match = _FENCE.match(line)
        if fence is None and match:
            fence, start = match[1][0] * 3, offset
        elif fence is not None and line.lstrip().startswith(fence):
            spans.append((start, offset + len(line)))
            fence = None
        elif fence is None:
            spans.extend((offset + m.start(), offset + m.end()) for m in _CODE_SPAN.finditer(line))
        offset += len(line)
    if fence is not None:
        spans.append((start, len(text)))
    return spans


def find(text: str) -> list[Finding]:
    """Every invisible character, bad character reference and escaped surrogate in `text`."""
    # The common case, nothing to report, in C-speed scans: one class search (a regex alternating
    # the class with `&#` and `\\u[dD]` tries all three at every position: 3x slower) and two
    # substring tests.
    if not _has_raw(text):
        _NO_RAW[0] = text
        if "&#" not in text and ("\\u" not in text or not _ESCAPED_SURROGATE.search(text)):
            return []
    hits: list[tuple[int, str]] = [(m.start(), _raw_message(m[0])) for m in _RAW.finditer(text)]
    for match in _REF.finditer(text):
        number = int(match["hex"], 16) if match["hex"] else int(match["dec"])
        if _bad_reference(number):
            hits.append((match.start(), _reference_message(match[0], number)))
    escapes = list(_ESCAPE.finditer(text))
    if escapes:
        code = _code_mask(text)
        hits += [(m.start(), _escape_message(m)) for m in escapes
                 if not any(a <= m.start() < b for a, b in code)]
    hits.sort()
    starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
    findings, index = [], 0
    for offset, message in hits:
        while index + 1 < len(starts) and starts[index + 1] <= offset:
            index += 1
        findings.append(Finding(offset, index + 1, offset - starts[index] + 1, message))
    return findings


def _has_raw(text: str) -> bool:
    """`_RAW.search(text)`, for an ASCII text (most posts) as one bytes.translate: 4x faster."""
    if text.isascii():
        return bool(text.encode("ascii").translate(None, _ASCII_VISIBLE))
    return _RAW.search(text) is not None


def problems(path: str, text: str) -> list[InvisibleProblem]:
    """`find` as writer-facing problems (`path` already in display form)."""
    return [InvisibleProblem(path, f.line, f.message, f.column) for f in find(text)]


def clean(text: str) -> str:
    """`text` without invisible characters (spacing ones become a space)."""
    if text is _NO_RAW[0] or not _RAW.search(text):
        return text
    return _RAW.sub(lambda m: " " if m[0] in _SPACING else "", text)


def clean_html(markup: str) -> str:
    """`clean`, plus numeric references to invisible characters dropped from rendered HTML."""
    markup = clean(markup)
    if "&#" not in markup:
        return markup

    def drop(match: re.Match) -> str:
        number = int(match["hex"], 16) if match["hex"] else int(match["dec"])
        return "" if _bad_reference(number) else match[0]

    return _REF.sub(drop, markup)

