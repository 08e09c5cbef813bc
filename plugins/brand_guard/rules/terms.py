"""terms: preferred terminology and the exact spelling and case of names (Vale substitution + vocab).

Every `use` term is matched loosely (any case, any spacing or hyphenation) and each match must be
written exactly as configured; every `instead_of` variant is flagged with the preferred form.
Short ALL-CAPS variants such as "AP" are matched case-sensitively, so "ap" in a word never counts.
Lower-case `use` terms ("accounts payable") may start a sentence with a capital letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..findings import Hit
from ..model import Term
from ..patterns import (
    PHRASE_SEP,
    SUFFIX,
    Anchors,
    Found,
    anchors,
    first_char_words,
    key,
    scan,
    strip_suffix_keys,
    trie_alternatives,
    trie_regex,
    word_pattern,
    words,
)


@dataclass(frozen=True)
class _Entry:
    term: Term
    variant: str | None  # None: the match is a spelling of `use` itself


@dataclass(frozen=True)
class TermsMatcher:
    regex: re.Pattern | None
    by_key: dict[str, _Entry]
    anchors: Anchors = Anchors()
    reach: int = 0  # longest possible match, in characters (see patterns.scan)
    #: Keys that more than one term claims (a variant listed under two `use` forms): no single
    #: right answer, so no automatic fix.
    ambiguous: frozenset[str] = frozenset()
    #: matched text -> what it means (`_judge`): a post writes the same few terms again and again
    memo: dict = field(default_factory=dict, compare=False, repr=False)


def _is_acronym(text: str) -> bool:
    return text.isupper() and text.isalpha() and len(text) <= 5


def compile_terms(terms: tuple[Term, ...]) -> TermsMatcher:
    """One regex for all terms and variants; entries found again by normalised key."""
    by_key: dict[str, _Entry] = {}
    folded: list[str] = []
    exact: list[str] = []
    for term in terms:
        by_key.setdefault(key(term.use), _Entry(term, None))
        if term.use != term.use.lower() or len(words(term.use)) > 1:
            folded.append(term.use)  # "email" in any case is always right: no need to look for it
    claims: dict[str, set[str]] = {}
    for term in terms:
        claims.setdefault(key(term.use), set()).add(term.use)
        for variant in term.instead_of:
            # Same letters as a `use` term ("linked-in"): the spelling check of `use` covers it.
            by_key.setdefault(key(variant), _Entry(term, variant))
            claims.setdefault(key(variant), set()).add(term.use)
            (exact if _is_acronym(variant) else folded).append(variant)
    ambiguous = frozenset(k for k, uses in claims.items() if len(uses) > 1)
    parts = []
    if folded:
        parts.append(f"(?i:{trie_regex(folded, sep=PHRASE_SEP, fold=True)})")
    if exact:
        parts.append(trie_regex(exact, sep=PHRASE_SEP, fold=False))
    if not parts:
        return TermsMatcher(None, by_key, ambiguous=ambiguous)
    # The same regex, starting with the class of every possible first character when there is one
    # (patterns.first_char_words): `re` then skips from candidate to candidate in C.
    source = first_char_words([(trie_alternatives(folded, sep=PHRASE_SEP, fold=True), True),
                               (trie_alternatives(exact, sep=PHRASE_SEP, fold=False), False)],
                              SUFFIX, "core") or word_pattern(f"(?P<core>{'|'.join(parts)})", SUFFIX)
    reach = 2 * max(len(p) for p in folded + exact) + 32  # generous: separators may repeat
    return TermsMatcher(re.compile(source), by_key, anchors(folded, fold=True) | anchors(exact, fold=False),
                        reach, ambiguous)


_WS = re.compile(r"\s+")


def check_terms(text: str, matcher: TermsMatcher, low: str | None = None,
                found: Found | None = None) -> list[Hit]:
    """Hits for wrong variants and misspelled or miscased `use` terms in `text` (`low`: lower-cased;
    `found`: the anchor words located in `text`, see patterns.scan)."""
    if matcher.regex is None:
        return []
    hits = []
    memo = matcher.memo
    for match in scan(matcher.regex, text, text.lower() if low is None else low, matcher.anchors,
                      matcher.reach, found):
        core = match.group("core")
        judged = memo.get(core, _UNSEEN)
        if judged is _UNSEEN:
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            judged = memo[core] = _judge(core, matcher)
        if judged is not None:
            start = match.start()
            hits.append(Hit(start, start + len(core), "terms", *judged))
    return hits


_UNSEEN = object()
_MEMO_SIZE = 4096


def _judge(core: str, matcher: TermsMatcher) -> tuple[str, str, str, str | None] | None:
    """What a match of the terms regex means, from its text alone: None when it is right, else
    the hit's (severity, message, suggestion, replacement)."""
    keys = strip_suffix_keys(core)
    found_key = next((k for k in keys if k in matcher.by_key), None)
    if found_key is None:
        return None
    entry = matcher.by_key[found_key]
    seen = _WS.sub(" ", core)
    term = entry.term
    if entry.variant is None:
        if _spelled_right(seen, term.use) or (term.name and seen.islower() and " " not in seen):
            return None  # a name all in lower case is a common word ("apple", "shell")
        message = f"write '{term.use}' exactly like this, not '{seen}'"
    else:
        message = f"use '{term.use}' instead of '{seen}'"
    if term.reason:
        message += f" ({term.reason})"
    fix = None if found_key != keys[0] or found_key in matcher.ambiguous else replacement(core, term.use)
    return term.severity, message, term.use, fix


def replacement(seen: str, use: str) -> str | None:
    """The one right text for `seen` (a variant or misspelling of `use`), or None when in doubt.

    A name ("LinkedIn") is written exactly as configured. A common noun ("email") keeps a capital
    the writer gave it at a sentence start or in a title ("E-mail" -> "Email"); an all-caps
    variant of a common noun ("AP" for "accounts payable") could be mid-sentence or a sentence
    start, and a match broken over lines would move a line break: both are left to the writer.
    """
    if "\n" in seen or "\r" in seen or "|" in use or not use.strip():
        return None
    if use != use.lower():
        return use
    letters = [c for c in seen if c.isalpha()]
    if not letters or not letters[0].isupper():
        return use
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return None
    return use[:1].upper() + use[1:]


def _spelled_right(seen: str, use: str) -> bool:
    if seen == use:
        return True
    if use == use.lower():  # a common noun: any capitalisation is fine, spelling is not
        return seen.lower() == use
    return False
