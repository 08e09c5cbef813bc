"""names: the accepted spellings of people, companies and products (brand.yml `names:`).

Like Vale's accept vocabulary, a name is written exactly as listed and is never a style problem:
no term, avoid or hype finding inside it, and readability counts it as one word. Written in
another case ("Strabag" for "STRABAG") it is a `terms` finding whose fix is the listed spelling
(the terms rule gets the names as `use` entries, see `name_terms`).

Names in capitals also tell the hype rule what is not shouting (`caps`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Term
from ..patterns import END, START

#: Legal-form suffixes: a word in capitals before one of these is a company's name, not shouting.
LEGAL_FORMS = (
    "AG", "AB", "ApS", "AS", "A/S", "ASA", "BV", "B.V.", "Bhd", "Co", "Co.", "Corp", "Corp.", "GIE", "GmbH",
    "Inc", "Inc.", "JSC", "KG", "KGaA", "KK", "K.K.", "Kft", "LLC", "LLP", "LP", "L.P.", "Ltd", "Ltd.",
    "Limited", "NV", "N.V.", "Oy", "Oyj", "PJSC", "PLC", "plc", "Pty", "SA", "S.A.", "SARL", "SAS",
    "SE", "SpA", "S.p.A.", "SRL", "S.r.l.", "Sp. z o.o.", "AD", "DD", "d.o.o.", "a.s.", "s.r.o.",
    "INC", "LTD", "CORP", "LIMITED", "GMBH",
)
_FORMS = "|".join(re.escape(f) for f in sorted(LEGAL_FORMS, key=len, reverse=True))
#: A run of capitals words, then a legal form (the capitals words are the name).
LEGAL_NAME = re.compile(
    rf"(?P<name>[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ0-9&'’\-]+(?:[ \t]+[A-ZÀ-ÖØ-Þ0-9&][A-ZÀ-ÖØ-Þ0-9&'’\-]*)*)"
    rf",?[ \t]+(?:{_FORMS})(?![\w/])"
)
LEGAL_FORM_WORDS = frozenset(f for f in LEGAL_FORMS if f.isalpha())


@dataclass(frozen=True)
class NamesMatcher:
    names: tuple[str, ...]
    regex: re.Pattern | None  # every name, exact case, word-bounded, longest first
    caps: frozenset[str]  # the capitals words names are made of ("STRABAG", "IKEA")
    extra_words: dict[str, int]  # name -> words it has beyond one (readability counts it as one)


_WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")


def compile_names(names: tuple[str, ...]) -> NamesMatcher:
    if not names:
        return NamesMatcher((), None, frozenset(), {})
    ordered = sorted(set(names), key=len, reverse=True)
    regex = re.compile(START + "(?:" + "|".join(re.escape(n) for n in ordered) + ")" + END)
    caps = frozenset(w for n in names for w in re.findall(r"[^\W\d_]{2,}", n) if w.isupper())
    extra = {n: len(_WORD.findall(n)) - 1 for n in names}
    return NamesMatcher(tuple(names), regex, caps, extra)


def name_terms(names: tuple[str, ...], terms: tuple[Term, ...]) -> tuple[Term, ...]:
    """`use` entries for names, so the terms rule enforces their exact spelling (and offers it as
    the fix); names a term already spells are left to that term."""
    used = {t.use for t in terms}
    return tuple(Term(use=n, instead_of=(), severity="warning", reason="a name in brand.yml", name=True)
                 for n in names if n not in used and n != n.lower())


def name_spans(text: str, matcher: NamesMatcher) -> list[tuple[int, int]]:
    if matcher.regex is None:
        return []
    return [m.span() for m in matcher.regex.finditer(text)]


def outside_names(hits: list, text: str, matcher: NamesMatcher) -> list:
    """`hits` without those that fall inside a listed name (a name is never a style problem)."""
    if not hits or matcher.regex is None:
        return hits
    spans = name_spans(text, matcher)
    if not spans:
        return hits
    return [h for h in hits if not any(s <= h.start and h.end <= e for s, e in spans)]
