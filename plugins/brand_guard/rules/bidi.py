"""bidi: invisible direction controls that make a post show something other than what it says.

Unicode's bidirectional controls (embeddings U+202A/U+202B, overrides U+202D/U+202E and their end
U+202C, isolates U+2066–U+2068 and their end U+2069, and the marks U+200E/U+200F/U+061C) are
invisible. In Arabic or Hebrew text they are ordinary typing: an English name isolated inside a
Hebrew sentence, a mark that keeps a full stop on the right side. In Latin text they have no job,
and some of them reorder what a reader sees ("Trojan Source", CVE-2021-42574): a right-to-left
override shows `nifeulB` as "Bluefin", an embedding shows "fees rise, costs fall" as
"fall costs ,rise fees", and a right-to-left mark before "100 - 50" shows "50 - 100". Search
engines, screen readers, feeds and the social networks get the stored order, the page another.

So, per paragraph of a prose view (code is already masked there, so code blocks are never
touched):

- a paragraph with right-to-left letters keeps its marks, embeddings and isolates; only an
  override is reported (it reverses letters, which bidirectional text never needs);
- in a paragraph without right-to-left letters every control is reported except U+200E (a
  left-to-right mark in left-to-right text changes nothing). The fix — delete it — is offered
  when deleting cannot change what a reader sees into something the writer did not type: always,
  except for an override that reverses letters (the writer must retype the text in reading order;
  its closing U+202C goes with it).

A code name written backwards under an override reads as the code name on the page:
`hidden_leaks` reads every override's run the way a reader sees it, for the confidential rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from ..findings import Hit

LRM, RLM, ALM = "\u200e", "\u200f", "\u061c"
LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
CONTROLS = LRM + RLM + ALM + LRE + RLE + PDF + LRO + RLO + LRI + RLI + FSI + PDI
_ANY = re.compile(f"[{CONTROLS}]")
_OVERRIDE = re.compile(f"[{LRO}{RLO}]")
_EMBEDDINGS = LRE + RLE + LRO + RLO  # closed by PDF
_ISOLATES = LRI + RLI + FSI  # closed by PDI
#: Controls that can reorder left-to-right text (the others change nothing a reader sees there).
_REORDERS = frozenset(RLE + RLO + RLI + RLM + ALM)
_PARAGRAPH = re.compile(r"\n[ \t\r\x00]*\n")
_SHOWN = 40  # characters of an overridden run quoted in a message


@lru_cache(maxsize=1)
def _rtl() -> re.Pattern:
    """Letters written right to left (bidi class R or AL: Hebrew, Arabic, Syriac, Thaana, N'Ko…),
    derived from the Unicode database of this Python, not hand-listed; the marks themselves are
    not letters."""
    blocks = ((0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF), (0x10800, 0x10FFF), (0x1E800, 0x1EFFF))
    codes = [c for low, high in blocks for c in range(low, high + 1)
             if unicodedata.bidirectional(chr(c)) in ("R", "AL") and chr(c) not in CONTROLS]
    ranges: list[list[int]] = []
    for c in codes:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" if a != b else chr(a) for a, b in ranges) + "]")


def name(char: str) -> str:
    """`U+202E (RIGHT-TO-LEFT OVERRIDE)`."""
    return f"U+{ord(char):04X} ({unicodedata.name(char)})"


def _runs(text: str, start: int, end: int) -> list[tuple[int, int, int | None]]:
    """(control offset, end of what it governs, offset of its closing control or None) for every
    opening control in text[start:end]; a run ends at its closer, at the end of an isolate around
    it, or at the end of the paragraph (`end`)."""
    stack: list[int] = []  # offsets of open embeddings/overrides/isolates
    out: dict[int, tuple[int, int | None]] = {}
    for match in _ANY.finditer(text, start, end):
        at, char = match.start(), match[0]
        if char in _EMBEDDINGS or char in _ISOLATES:
            stack.append(at)
        elif char == PDF:
            if stack and text[stack[-1]] in _EMBEDDINGS:
                out[stack.pop()] = (at, at)
        elif char == PDI:
            if any(text[s] in _ISOLATES for s in stack):
                while stack:  # a PDI closes its isolate and every embedding opened inside it
                    opened = stack.pop()
                    out[opened] = (at, at if text[opened] in _ISOLATES else None)
                    if text[opened] in _ISOLATES:
                        break
    for opened in stack:
        out[opened] = (end, None)
    return sorted((s, e, c) for s, (e, c) in out.items())


def _reverses(run: str) -> bool:
    return any(c.isalnum() for c in run)


def _visible(run: str) -> str:
    run = "".join(c for c in run if c not in CONTROLS and c != "\x00")
    run = " ".join(run.split())
    return run if len(run) <= _SHOWN else run[: _SHOWN - 1] + "…"


def check_bidi(text: str, severity: str = "warning") -> list[Hit]:
    """Direction controls in a prose view that can make the page differ from the text (module doc)."""
    if text.isascii() or not _ANY.search(text):  # the common case: two scans in C
        return []
    hits: list[Hit] = []
    start = 0
    bounds = [m.start() for m in _PARAGRAPH.finditer(text)] + [len(text)]
    for end in bounds:
        if _ANY.search(text, start, end):
            hits += _paragraph(text, start, end, severity)
        start = end
    return hits


def _paragraph(text: str, start: int, end: int, severity: str) -> list[Hit]:
    rtl = _rtl().search(text, start, end) is not None
    runs = {s: (e, c) for s, e, c in _runs(text, start, end)}
    closers_of_kept: set[int] = set()  # closers of overrides reported without a fix
    hits: list[Hit] = []
    for match in _ANY.finditer(text, start, end):
        at, char = match.start(), match[0]
        if at in closers_of_kept:
            continue
        if char in (LRO, RLO):
            run_end, closer = runs[at]
            run = text[at + 1:run_end]
            if rtl or char == RLO:
                if _reverses(run):
                    if closer is not None:
                        closers_of_kept.add(closer)
                    hits.append(_override(at, char, run, severity))
                    continue
        if rtl or char == LRM:
            continue  # bidirectional text's own marks, embeddings and isolates; LRM does nothing here
        what = ("it can show the text around it in another order than it is written"
                if char in _REORDERS else "it changes nothing a reader sees here, but every copy carries it")
        hits.append(Hit(at, at + 1, "bidi", severity,
                        f"invisible direction control {name(char)} in left-to-right text: {what} — delete it",
                        None, replacement=""))
    return hits


def _override(at: int, char: str, run: str, severity: str) -> Hit:
    written = _visible(run)
    shown = _visible(_display(char, run))
    message = (f"invisible direction control {name(char)}: readers see '{shown}', while search engines, "
               f"feeds and social networks get '{written}' — type the text in reading order and delete "
               "the control")
    return Hit(at, at + 1, "bidi", severity, message, None)


def _display(char: str, run: str) -> str:
    """How an override's run reads on screen: every character forced to one direction, so a
    right-to-left override shows the run backwards (a left-to-right one shows Arabic or Hebrew
    letters in the order they are stored, i.e. backwards to their readers)."""
    return run[::-1]


def hidden_leaks(text: str, find: Callable[[str], list[Hit]]) -> list[Hit]:
    """Code names a reader sees in an override's run although they are stored backwards.

    `find` is the confidential rule's matcher over a text; each hit is mapped back to the stored
    characters it is made of. Cheap for the common text: one C-level scan for an override."""
    if not _OVERRIDE.search(text):
        return []
    hits: list[Hit] = []
    start = 0
    for end in [m.start() for m in _PARAGRAPH.finditer(text)] + [len(text)]:
        for opened, run_end, _closer in _runs(text, start, end):
            if text[opened] != RLO:
                continue  # a left-to-right override shows Latin letters in their stored order
            run = text[opened + 1:run_end]
            shown = _display(RLO, run)
            for hit in find(shown):
                a = opened + 1 + len(run) - hit.end
                b = opened + 1 + len(run) - hit.start
                hits.append(Hit(a, b, hit.rule, hit.severity,
                                f"{hit.message} (written backwards after {name(text[opened])}, so the page "
                                "shows it the right way round)", hit.suggestion))
        start = end
    return hits
