"""Build one fast regex per rule family from a list of phrases.

Python's `re` tries the alternatives of `a|b|c` one after another at every position, so fifty
phrases cost fifty attempts per word. Folding the phrases into a prefix trie first makes each
position cost one attempt per distinct first letter, which is what keeps the checker above
100,000 words a second. Matches are mapped back to their entry by a normalised key, so the regex
needs no capture group per phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: "Letters" for word boundaries: any Unicode letter except CJK, kana and hangul, which are
#: written without spaces (a code name glued to Japanese text is still a whole word).
_NON_LETTER = r"\W\d_\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
START = rf"(?<![^{_NON_LETTER}])"
END = rf"(?![^{_NON_LETTER}])"

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
    trie: dict = {}
    for phrase in _with_y_plurals(phrases):
        atoms = _atoms(phrase, fold)
        if not atoms:
            continue
        node = trie
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[""] = True
    return _render(trie, sep) if trie else ""


def _render(node: dict, sep: str) -> str:
    final = "" in node
    branches = []
    singles = []
    for atom, child in node.items():
        if atom == "":
            continue
        head = sep if atom is _SEP else re.escape(atom)
        rest = _render(child, sep)
        if not rest and atom is not _SEP and len(atom) == 1:
            singles.append(atom)
        else:
            branches.append(head + rest)
    if singles:
        branches.append(singles[0] if len(singles) == 1 else "[" + "".join(
            re.escape(c) for c in sorted(singles)) + "]")
    if not branches:
        return ""
    # Longer alternatives first so the longest phrase wins (a trie already shares prefixes).
    branches.sort(key=len, reverse=True)
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if final else body


def word_pattern(body: str, suffix: str = "") -> str:
    """Wrap a pattern (and an optional ending such as SUFFIX) in letter boundaries."""
    return f"{START}(?:{body}){suffix}{END}"
