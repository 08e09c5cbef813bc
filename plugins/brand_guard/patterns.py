"""Build one fast regex per rule family from a list of phrases, and a cheap test to skip it.

Python's `re` tries the alternatives of `a|b|c` one after another at every position, so fifty
phrases cost fifty attempts per word. Folding the phrases into a prefix trie first makes each
position cost one attempt per distinct first letter. Matches are mapped back to their entry by a
normalised key, so the regex needs no capture group per phrase.

Even a trie regex visits every character. Most posts contain none of a family's phrases, so
each family also has **anchors**: the words every match of an entry must contain (lower-cased).
One Aho-Corasick pass (pyahocorasick, in C) finds every occurrence of each entry's longest word;
when no entry has all its words in the text the family's regex is not run at all, and otherwise it
runs only in windows around those occurrences. The regex stays the single source of truth for
what matches.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import ahocorasick

#: "Letters" for word boundaries: any Unicode letter except CJK, kana and hangul, which are
#: written without spaces (a code name glued to Japanese text is still a whole word).
NON_LETTER = r"\W\d_\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
START = rf"(?<![^{NON_LETTER}])"
END = rf"(?![^{NON_LETTER}])"

#: Between the words of a phrase: spaces, line breaks, hyphens, or nothing ("game-changer",
#: "game changer", "gamechanger").
PHRASE_SEP = r"[\s\u00a0\-\u2010\u2011]*"
#: Code names also survive underscores, dots, slashes, plus signs, URL escapes and invisible
#: characters: `project_bluefin`, `project.bluefin`, `Project%20Bluefin`, `Project\u200bBluefin`.
LEAK_SEP = r"(?:[\s\u00a0\-\u2010\u2011_.+/\u00ad\u200b-\u200d\u2060]|%20|&nbsp;)*"
#: Plural and possessive endings accepted after a phrase.
SUFFIX = r"(?:['\u2019]s|s|es)?"

_SPLIT = re.compile(r"[\s\-\u2010\u2011]+")
_KEY_DROP = re.compile(r"%20|&nbsp;|[\W_]+")


def words(phrase: str) -> list[str]:
    """The words of a configured phrase; spaces and hyphens are interchangeable separators."""
    return [w for w in _SPLIT.split(phrase.strip()) if w]


def key(text: str) -> str:
    """Normalised identity of a phrase or a match: case-folded letters and digits only."""
    return _KEY_DROP.sub("", text).casefold()


def strip_suffix_keys(text: str) -> list[str]:
    """Keys to try for a match that may end in a plural or possessive."""
    k = key(text)
    out = [k]
    for suffix in ("s", "es"):
        if k.endswith(suffix) and len(k) > len(suffix) + 1:
            out.append(k[: -len(suffix)])
    if k.endswith("ies") and len(k) > 4:
        out.append(k[:-3] + "y")
    return out


def _with_y_plurals(phrases: Iterable[str]) -> list[str]:
    """Add "synergies" for "synergy" (consonant + y): the plural SUFFIX cannot express it."""
    out = []
    for phrase in phrases:
        out.append(phrase)
        before = phrase[-2:-1].lower()
        if phrase[-1:] in ("y", "Y") and before.isalpha() and before not in "aeiouy":
            out.append(phrase[:-1] + ("ies" if phrase[-1] == "y" else "IES"))
    return out


_SEP = object()  # trie atom standing for "separator between words"


def _atoms(phrase: str, fold: bool) -> tuple:
    atoms: list = []
    for index, word in enumerate(words(phrase)):
        if index:
            atoms.append(_SEP)
        atoms.extend(word.lower() if fold else word)
    return tuple(atoms)


def trie_regex(phrases: Iterable[str], *, sep: str, fold: bool) -> str:
    """A regex source matching any phrase (longest first), words joined by `sep`.

    `fold` lower-cases the phrases: compile the result with re.IGNORECASE (or inside `(?i:...)`).
    Returns "" when there are no phrases (callers then skip the family).
    """
    trie = _trie(phrases, fold)
    return _render(trie, sep) if trie else ""


def trie_alternatives(phrases: Iterable[str], *, sep: str, fold: bool) -> list[tuple[str, str, str]]:
    """The top-level alternatives of `trie_regex(phrases, ...)`, in its order: (the alternative's
    source, the character(s) it can start with, its source after that first character)."""
    return _alternatives(_trie(phrases, fold), sep)


def _trie(phrases: Iterable[str], fold: bool) -> dict:
    trie: dict = {}
    for phrase in _with_y_plurals(phrases):
        atoms = _atoms(phrase, fold)
        if not atoms:
            continue
        node = trie
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[""] = True
    return trie


def _alternatives(node: dict, sep: str) -> list[tuple[str, str, str]]:
    """(source, first atom(s), rest) of each branch `_render` joins at `node`, in its order."""
    return _render_node(node, sep)[1]


def _render(node: dict, sep: str) -> str:
    return _render_node(node, sep)[0]


def _render_node(node: dict, sep: str) -> tuple[str, list[tuple[str, str, str]]]:
    """`node`'s pattern and its branches as (source, first atom(s), rest), longest first. One
    frame per trie level (the recursion calls itself directly): a 500-letter name is deep."""
    final = "" in node
    branches = []
    singles = []
    for atom, child in node.items():
        if atom == "":
            continue
        head = sep if atom is _SEP else re.escape(atom)
        rest = _render_node(child, sep)[0]
        if not rest and atom is not _SEP and len(atom) == 1:
            singles.append(atom)
        else:
            branches.append((head + rest, atom, rest))
    if singles:
        branches.append((singles[0] if len(singles) == 1 else "[" + "".join(
            re.escape(c) for c in sorted(singles)) + "]", "".join(sorted(singles)), ""))
    if not branches:
        return "", branches
    # Longer alternatives first so the longest phrase wins (a trie already shares prefixes).
    branches.sort(key=lambda branch: len(branch[0]), reverse=True)
    sources = [branch[0] for branch in branches]
    body = sources[0] if len(sources) == 1 else "(?:" + "|".join(sources) + ")"
    return (f"(?:{body})?" if final else body), branches


#: Characters besides its own two cases that `re` matches case-insensitively to an ASCII letter
#: (Python's simple lower-case mapping and `re`'s extra cases; tests/test_brand_patterns.py
#: checks this against every code point).
_FOLDED_EXTRA = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}


def first_char_words(alternatives: list[tuple[list[tuple[str, str, str]], bool]], suffix: str,
                     group: str) -> str | None:
    """`word_pattern(f"(?P<group>A|B|...)", suffix)` for the trie alternatives of one or more
    tries (each: its `trie_alternatives`, and whether it is matched case-insensitively),
    rewritten to start with the class of every character a match can start with.

    A pattern that starts with a lookbehind makes `re` try a match at every position of the text;
    one that starts with a character class lets it skip in C to the next candidate character.
    Each alternative checks by lookbehind that it starts with its own first character, so the
    matches are the same, alternative for alternative, in the same order. None when a first
    character is not an ASCII letter or digit (its case-insensitive twins are not listed here).
    """
    firsts: set[str] = set()
    branches = []
    for tried, folded in alternatives:
        for source, atoms, rest in tried:
            if not all(c.isascii() and c.isalnum() for c in atoms):
                return None
            head = source[: len(source) - len(rest)]  # the first character, or the class of them
            for c in atoms:
                firsts.add(c)
                if folded:
                    firsts.update((c.lower(), c.upper(), *_FOLDED_EXTRA.get(c.lower(), "")))
            branches.append(f"(?<=(?i:{head}))(?i:{rest})" if folded else f"(?<={head}){rest}")
    if not branches:
        return None
    chars = "".join(re.escape(c) for c in sorted(firsts))
    return f"(?P<{group}>[{chars}](?<![^{NON_LETTER}].)(?:{'|'.join(branches)})){suffix}{END}"


def word_pattern(body: str, suffix: str = "") -> str:
    """Wrap a pattern (and an optional ending such as SUFFIX) in letter boundaries."""
    return f"{START}(?:{body}){suffix}{END}"


#: Up to this many distinct anchor words, `Anchors.present` looks for each with `in`.
_FEW_NEEDLES = 8


@dataclass(frozen=True)
class Anchors:
    """The words each entry of a family needs: a match of an entry contains all of its words.

    `folded` entries are looked up lower-cased in the lower-cased text, `exact` ones (case-
    sensitive acronyms) in the text itself; `always` means some entry has no usable words (a
    regex without a literal part), so the family's regex must always run.
    """

    folded: tuple[tuple[str, ...], ...] = ()
    exact: tuple[tuple[str, ...], ...] = ()
    always: bool = False

    def present(self, text: str, low: str | None = None, found: Found | None = None) -> bool:
        """Could the family match anything in `text`? (`low`: `text.lower()`, if already made;
        `found`: where the anchor words of every family are in `text`, if already located.)"""
        if self.always:
            return True
        if self.folded:
            low = text.lower() if low is None else low
            by_needle = self._by_needle
            if found is not None:
                keys = found.starts
            elif len(by_needle) <= _FEW_NEEDLES:  # a few words: `in` (C) beats walking the automaton
                keys = [needle for needle in by_needle if needle in low]
            else:
                keys = {word for _, word in self._automaton.iter(low)}
            seen = found.seen(low, folded=True) if found is not None else None
            for needle in keys:  # the few words found, not every entry of the family
                rests = by_needle.get(needle)
                if rests is not None and _any_rest(rests, low, seen):
                    return True
        if not self.exact:
            return False
        return _any_entry(text, self.exact, found.seen(text, folded=False) if found is not None else None)

    def occurrences(self, low: str) -> dict[str, list[int]]:
        """Start offsets in `low` of each folded entry's longest word (all entries need one)."""
        out: dict[str, list[int]] = {}
        for end, word in self._automaton.iter(low):
            out.setdefault(word, []).append(end - len(word) + 1)
        return out

    def locate(self, text: str, low: str) -> Found | None:
        """One pass over a whole file for the words of every family (`self` is their union);
        None when lower-casing changed the text's length (offsets would not line up)."""
        return Found(self.occurrences(low)) if len(low) == len(text) else None

    @cached_property
    def _by_needle(self) -> dict[str, tuple[tuple[str, ...], ...]]:
        """Each folded entry's longest word -> the other words of every entry it anchors: a text is
        checked for the handful of anchor words it contains instead of for every entry."""
        out: dict[str, list[tuple[str, ...]]] = {}
        for entry in self.folded:
            out.setdefault(entry[0], []).append(entry[1:])
        return {needle: tuple(rests) for needle, rests in out.items()}

    @cached_property
    def _automaton(self) -> ahocorasick.Automaton:
        automaton = ahocorasick.Automaton()
        for entry in self.folded:
            automaton.add_word(entry[0], entry[0])  # `entry_words` puts the longest word first
        automaton.make_automaton()
        return automaton

    def __or__(self, other: Anchors) -> Anchors:
        return Anchors(self.folded + other.folded, self.exact + other.exact, self.always or other.always)


@dataclass(frozen=True)
class Found:
    """Where each family's anchor words (the longest word of every entry) start in one text.

    It also remembers which other words of the entries (`Anchors.present`, `scan`) are in the
    text: the families ask about the same words of the same text again and again (the whole
    file, then each of its parts for three families), and `word in text` reads all of a text
    that lacks the word. A part (`part`) starts out knowing the words its whole text lacks.
    """

    starts: dict[str, list[int]]
    #: [lower-cased text, {word: in it}, text, {word: in it}] (`seen`)
    memo: list = field(default_factory=lambda: [None, {}, None, {}], compare=False, repr=False)

    def part(self, lo: int, hi: int) -> Found:
        """The occurrences inside text[lo:hi], as offsets in that slice (a field, the body).

        The part's text is that slice, lower-cased or with characters masked (a prose view), so
        a word without NUL that the whole text lacks is not in it either (lower-cased: ASCII words
        only, since a Greek capital sigma lowers by its neighbours and a slice has fewer of them)."""
        out = {}
        for word, at in self.starts.items():
            first = bisect.bisect_left(at, lo)
            if first == len(at) or at[first] > hi - len(word):
                continue  # none inside (most words of a short field): no second bisect
            out[word] = [a - lo for a in at[first:bisect.bisect_right(at, hi - len(word), first)]]
        memo = self.memo
        lacks_low = {word: False for word, there in memo[1].items()
                     if not there and word.isascii() and "\x00" not in word}
        lacks = {word: False for word, there in memo[3].items() if not there and "\x00" not in word}
        return Found(out, [None, lacks_low, None, lacks])

    def seen(self, haystack: str, *, folded: bool) -> dict[str, bool]:
        """The words known to be in (or not in) `haystack`: this text lower-cased (`folded`) or
        as it is; the first haystack asked about is the one (another gets an empty dict)."""
        memo = self.memo
        at = 0 if folded else 2
        known = memo[at]
        if known is haystack:
            return memo[at + 1]
        if known is None:
            memo[at] = haystack
            return memo[at + 1]
        return {}


def _any_rest(rests: tuple[tuple[str, ...], ...], low: str, seen: dict[str, bool] | None = None) -> bool:
    """Whether every other word of some entry is in `low` (plain loops: no generator per call);
    `seen`: what is known of `low` already (`Found.seen`), completed here."""
    if seen is None:
        for rest in rests:
            for word in rest:
                if word not in low:
                    break
            else:
                return True
        return False
    for rest in rests:
        for word in rest:
            there = seen.get(word)
            if there is None:
                there = seen[word] = word in low
            if not there:
                break
        else:
            return True
    return False


def _any_entry(haystack: str, entries: tuple[tuple[str, ...], ...],
               seen: dict[str, bool] | None = None) -> bool:
    """Whether every word of some entry is in `haystack` (`seen`: as for `_any_rest`)."""
    return _any_rest(entries, haystack, seen)


def entry_words(phrase: str, *, fold: bool) -> tuple[str, ...]:
    """The words a match of `phrase` must contain; a final consonant + y drops the y ("synergies")."""
    found = [w.lower() if fold else w for w in words(phrase)]
    last = found[-1] if found else ""
    if len(last) > 2 and last[-1] in "yY" and last[-2].isalpha() and last[-2].lower() not in "aeiouy":
        found[-1] = last[:-1]
    return tuple(sorted(set(found), key=lambda w: (-len(w), w)))  # longest (usually rarest) first


def anchors(phrases: Iterable[str], *, fold: bool) -> Anchors:
    found = tuple(entry_words(p, fold=fold) for p in phrases if words(p))
    return Anchors(folded=found) if fold else Anchors(exact=found)


def literal_prefix(pattern: str) -> str:
    """The literal text every match of `pattern` starts with ("" when there is none)."""
    try:
        from re import _parser  # the regex parser; private, so any surprise means "no prefix"

        parsed = _parser.parse(pattern)
        out = []
        for op, value in parsed.data:
            if op is not _parser.LITERAL:
                break
            out.append(chr(value))
        return "".join(out)
    except Exception:  # noqa: BLE001
        return ""


def scan(regex: re.Pattern, text: str, low: str, anchors: Anchors, reach: int, found: Found | None = None):
    """Matches of `regex` in `text`, looking only near the words its entries need (`found`:
    their occurrences in `text`, when the caller located them already).

    A match contains every word of its entry and is at most `reach` characters long, so for
    each entry whose words are all present, a window of `reach` characters either side of each
    occurrence of its longest word holds every match of that entry the full scan would find.
    Windows that touch are merged; a match cut off by the end of its window is dropped (the
    lookahead of a word boundary cannot see past it).
    """
    if anchors.always or len(low) != len(text):
        yield from regex.finditer(text)
        return
    size = len(text)
    windows = []
    if anchors.folded:
        starts = found.starts if found is not None else anchors.occurrences(low)
        by_needle = anchors._by_needle  # entries sharing a longest word share its windows
        seen = found.seen(low, folded=True) if found is not None else None
        for needle, at_list in starts.items():
            rests = by_needle.get(needle)
            if rests is not None and _any_rest(rests, low, seen):
                reach_end = len(needle) + reach
                windows += [(max(0, at - reach), min(size, at + reach_end)) for at in at_list]
    seen = found.seen(text, folded=False) if found is not None and anchors.exact else None
    for entry in anchors.exact:  # case-sensitive acronyms: few, short, so plain `str.find`
        if _any_rest((entry,), text, seen):
            needle = entry[0]
            at = text.find(needle)
            while at >= 0:
                windows.append((max(0, at - reach), min(size, at + len(needle) + reach)))
                at = text.find(needle, at + 1)
    if not windows:
        return
    windows.sort()
    lo, hi = windows[0]
    merged = []
    for start, end in windows[1:]:
        if start <= hi:
            hi = max(hi, end)
        else:
            merged.append((lo, hi))
            lo, hi = start, end
    merged.append((lo, hi))
    for lo, hi in merged:
        for match in regex.finditer(text, lo, hi):
            if match.end() < hi or hi == size:
                yield match
