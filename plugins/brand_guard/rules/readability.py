"""readability: sentences longer than the brand allows, located at their first word.

A sentence-length limit is more actionable for an executive than a grade score: it points at one
sentence to split. Sentences end at . ! ? … (followed by space), at blank lines, at table cell
bars and wherever a new Markdown block starts (the prose view masks list markers, heading marks
and code with NUL characters, so a line starting with NUL starts a new block).
"""

from __future__ import annotations

import re
from itertools import accumulate, compress, repeat
from operator import add, and_

from ..findings import Hit

_GAPS = ("\t", "/", "—", "–", "&", "+")
WORD = re.compile(r"[^\W_]+(?:['’.,\-][^\W_]+)*")
#: Starts with one character class so `re` jumps in C from one candidate character to the next.
_BREAK = re.compile(
    r"[.!?…\n|](?:"
    r"(?<=[.!?…])[.!?…]*[)\"'\]”’]*(?=[\s\x00]|$)"  # end of sentence
    r"|(?<=\n)[ \t\r]*(?=\n)"  # blank line
    r"|(?<=\n)[ \t]*(?=\x00)"  # a new block (list item, heading, code) or masked line
    r"|(?<=\|))"  # table cell
)


_BREAK_SPLIT = re.compile(f"({_BREAK.pattern})")
_RECENT: list[tuple[str, list[str]]] = []  # the last texts split, with their pieces


def sentence_pieces(text: str) -> list[str]:
    """`text` split at sentence breaks: sentence, break, sentence, ... The last few texts' pieces
    are kept: the alignment score splits the same title, summary and body right after this rule."""
    for seen, pieces in _RECENT:
        if seen is text:
            return pieces
    pieces = _BREAK_SPLIT.split(text)
    _RECENT.insert(0, (text, pieces))
    del _RECENT[8:]
    return pieces


def long_sentences(text: str, max_words: int, severity: str = "warning", names=None) -> list[Hit]:
    """Hits for sentences in `text` (a prose view) with more than `max_words` words; a name in
    `names` (rules/names.NamesMatcher) counts as one word."""
    # split() alternates sentence, break, sentence, ...; the loops below run in C except for
    # sentences long enough to be over the limit (a word and a space are two characters).
    min_chars = max_words * 2
    if len(text) <= min_chars:  # no sentence of it can pass the first test below (titles, most social texts)
        return []
    pieces = sentence_pieces(text)
    # `_check`'s cheap tests too, for every sentence at once and in C (most sentences stop here):
    # at most two characters a word, then fewer spaces and line breaks than half the limit, or
    # fewer gaps of any kind than 80% of it (counted only in the sentences the first test kept).
    index = list(compress(range(0, len(pieces), 2), map(min_chars.__lt__, map(len, pieces[0::2]))))
    if not index:
        return []
    sentences = list(map(pieces.__getitem__, index))
    gaps = list(map(add, map(str.count, sentences, repeat(" ")), map(str.count, sentences, repeat("\n"))))
    wide = gaps
    for sep in _GAPS:
        if sep in text:
            wide = list(map(add, wide, map(str.count, sentences, repeat(sep))))
    maybe = map(and_, map((0.5 * max_words).__le__, gaps), map((0.8 * max_words).__le__, wide))
    long = list(compress(index, maybe))
    if not long:
        return []
    offsets = list(accumulate(map(len, pieces), initial=0))
    hits = []
    for i in long:
        hit = _check(text, offsets[i], offsets[i + 1], max_words, severity, names)
        if hit:
            hits.append(hit)
    return hits


def _fragment(text: str, word: re.Match) -> bool:
    """A lone Â-ô glued to a following symbol: the first byte of a mis-decoded character."""
    end = word.end()
    return (end - word.start() == 1 and "\u00c2" <= text[end - 1] <= "\u00f4" and end < len(text)
            and not text[end].isspace() and not text[end].isalpha() and text[end] != "\x00")


def _check(text: str, start: int, end: int, max_words: int, severity: str, names=None) -> Hit | None:
    # Cheap first (str.count runs in C): words are separated by spaces, line breaks, slashes or
    # dashes; a sentence with fewer such gaps than 80% of the limit cannot be over it in practice.
    gaps = text.count(" ", start, end) + text.count("\n", start, end)
    if gaps < 0.8 * max_words:
        if gaps < 0.5 * max_words:  # half the words glued by "/" or "—": not prose
            return None
        gaps += sum(text.count(sep, start, end) for sep in _GAPS)
        if gaps < 0.8 * max_words:
            return None
    words = list(WORD.finditer(text, start, end))
    count = len(words)
    if count > max_words:  # "â€œthe" is one word with its quote mangled, not two (rules/encoding.py)
        count -= sum(1 for w in words if _fragment(text, w))
    if count > max_words and names is not None and names.regex is not None:
        count -= sum(names.extra_words.get(m.group(), 0) for m in names.regex.finditer(text, start, end))
    if count <= max_words:
        return None
    return Hit(
        words[0].start(), words[-1].end(), "readability", severity,
        f"sentence has {count} words (limit {max_words}): split it", None,
    )
