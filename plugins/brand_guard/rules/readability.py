"""readability: sentences longer than the brand allows, located at their first word.

A sentence-length limit is more actionable for an executive than a grade score: it points at one
sentence to split. Sentences end at . ! ? … (followed by space), at blank lines, at table cell
bars and wherever a new Markdown block starts (the prose view masks list markers, heading marks
and code with NUL characters, so a line starting with NUL starts a new block).
"""

from __future__ import annotations

import re

from ..findings import Hit

WORD = re.compile(r"[^\W_]+(?:['’.,\-][^\W_]+)*")
_BREAK = re.compile(
    r"[.!?…]+[)\"'\]”’]*(?=[\s\x00]|$)"  # end of sentence
    r"|\n[ \t\r]*(?=\n)"  # blank line
    r"|\n[ \t]*(?=\x00)"  # a new block (list item, heading, code) or masked line
    r"|\|"  # table cell
)


def long_sentences(text: str, max_words: int, severity: str = "warning") -> list[Hit]:
    """Hits for sentences in `text` (a prose view) with more than `max_words` words."""
    hits = []
    start = 0
    min_chars = max_words * 2  # a sentence of max_words words has at least this many characters
    for brk in _BREAK.finditer(text):
        if brk.start() - start > min_chars:
            hit = _check(text, start, brk.start(), max_words, severity)
            if hit:
                hits.append(hit)
        start = brk.end()
    if len(text) - start > min_chars:
        hit = _check(text, start, len(text), max_words, severity)
        if hit:
            hits.append(hit)
    return hits


def _check(text: str, start: int, end: int, max_words: int, severity: str) -> Hit | None:
    words = list(WORD.finditer(text, start, end))
    if len(words) <= max_words:
        return None
    return Hit(
        words[0].start(), words[-1].end(), "readability", severity,
        f"sentence has {len(words)} words (limit {max_words}): split it", None,
    )
