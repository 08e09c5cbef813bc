"""terms: preferred terminology and the exact spelling and case of names (Vale substitution + vocab).

Every `use` term is matched loosely (any case, any spacing or hyphenation) and each match must be
written exactly as configured; every `instead_of` variant is flagged with the preferred form.
Short ALL-CAPS variants such as "AP" are matched case-sensitively, so "ap" in a word never counts.
Lower-case `use` terms ("accounts payable") may start a sentence with a capital letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..findings import Hit
from ..model import Term
from ..patterns import (
    PHRASE_SEP,
    SUFFIX,
    Anchors,
    Found,
    anchors,
    key,
    scan,
    strip_suffix_keys,
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
    for term in terms:
        for variant in term.instead_of:
            # Same letters as a `use` term ("linked-in"): the spelling check of `use` covers it.
            by_key.setdefault(key(variant), _Entry(term, variant))
            (exact if _is_acronym(variant) else folded).append(variant)
    parts = []
    if folded:
        parts.append(f"(?i:{trie_regex(folded, sep=PHRASE_SEP, fold=True)})")
    if exact:
        parts.append(trie_regex(exact, sep=PHRASE_SEP, fold=False))
    if not parts:
        return TermsMatcher(None, by_key)
    source = word_pattern(f"(?P<core>{'|'.join(parts)})", SUFFIX)
    reach = 2 * max(len(p) for p in folded + exact) + 32  # generous: separators may repeat
    return TermsMatcher(re.compile(source), by_key, anchors(folded, fold=True) | anchors(exact, fold=False),
                        reach)


_WS = re.compile(r"\s+")


def check_terms(text: str, matcher: TermsMatcher, low: str | None = None,
                found: Found | None = None) -> list[Hit]:
    """Hits for wrong variants and misspelled or miscased `use` terms in `text` (`low`: lower-cased;
    `found`: the anchor words located in `text`, see patterns.scan)."""
    if matcher.regex is None:
        return []
    hits = []
    for match in scan(matcher.regex, text, text.lower() if low is None else low, matcher.anchors,
                      matcher.reach, found):
        core = match.group("core")
        entry = next((matcher.by_key[k] for k in strip_suffix_keys(core) if k in matcher.by_key), None)
        if entry is None:
            continue
        seen = _WS.sub(" ", core)
        term = entry.term
        start, end = match.start(), match.start() + len(core)
        if entry.variant is None:
            if _spelled_right(seen, term.use):
                continue
            message = f"write '{term.use}' exactly like this, not '{seen}'"
        else:
            message = f"use '{term.use}' instead of '{seen}'"
        if term.reason:
            message += f" ({term.reason})"
        hits.append(Hit(start, end, "terms", term.severity, message, term.use))
    return hits


def _spelled_right(seen: str, use: str) -> bool:
    if seen == use:
        return True
    if use == use.lower():  # a common noun: any capitalisation is fine, spelling is not
        return seen.lower() == use
    return False
