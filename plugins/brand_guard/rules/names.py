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
#: Forms that are also everyday capitals words in English ("PC", "CV", "SL") are left out: "WE LOVE
#: PC GAMING" must still shout.
LEGAL_FORMS = (
    "AG", "AB", "ApS", "AS", "A/S", "ASA", "BV", "B.V.", "Bhd", "Co", "Co.", "Corp", "Corp.", "GIE", "GmbH",
    "Inc", "Inc.", "JSC", "KG", "KGaA", "KK", "K.K.", "Kft", "LLC", "LLP", "LP", "L.P.", "Ltd", "Ltd.",
    "Limited", "NV", "N.V.", "Oy", "Oyj", "PJSC", "PLC", "plc", "Pty", "SA", "S.A.", "SARL", "SAS",
    "SE", "SpA", "S.p.A.", "SRL", "S.r.l.", "Sp. z o.o.", "AD", "DD", "d.o.o.", "a.s.", "s.r.o.",
    "INC", "LTD", "CORP", "LIMITED", "GMBH",
    # Luxembourg, France, Belgium; Spain and Latin America; Portugal and Brazil
    "S.à r.l.", "S.à.r.l.", "Sàrl", "S.A.S.", "SASU", "EURL", "BVBA", "SPRL", "S.L.", "S.L.U.", "SLU",
    "S.A.B.", "Cía.", "Ltda", "Ltda.", "LTDA", "Lda", "Lda.", "Ltée",
    # Italy, Hungary, the Baltics, Poland, Turkey, Greece, Iceland, Russia and neighbours
    "S.R.L.", "Srl", "S.a.s.", "Zrt", "Zrt.", "Nyrt", "Nyrt.", "Kft.", "Bt.", "UAB", "SIA", "OÜ",
    "Sp.j.", "Sp. k.", "A.Ş.", "AŞ", "A.E.", "Α.Ε.", "ΑΕ", "ehf.", "hf.", "ООО", "ОАО", "ПАО", "ЗАО",
    # Asia and Oceania
    "Pte", "Pte.", "Sdn", "Sdn.", "Bhd.", "Pvt", "Pvt.", "Tbk", "G.K.", "Pty.",
    # Germany, the United States
    "e.V.", "eG", "PLLC", "P.C.",
)
_FORMS = "|".join(re.escape(f) for f in sorted(LEGAL_FORMS, key=len, reverse=True))
#: Every capital letter (Ő, Ş, Ū, Ł, Ё ...): a name may carry any of them, although only the
#: Latin-1 capitals are judged as shouting.
_CAPITAL = "".join(sorted({re.escape(chr(c)) for c in range(0x41, 0x2C00) if chr(c).isupper()}))
_NAME_CHAR = rf"{_CAPITAL}ß0-9&'’\-"  # all-caps German keeps ß: "SPEDITION GRÖßMANN GmbH"
#: A run of capitals words, then a legal form (the capitals words are the name). It starts at a
#: word's start and takes at most 15 words, so finding every name in a post is linear: an endless
#: capitals line is not scanned to its end from each of its letters.
LEGAL_NAME = re.compile(
    rf"(?<![{_NAME_CHAR}])"
    rf"(?P<name>[{_CAPITAL}][{_NAME_CHAR}]+(?:[ \t]+[{_CAPITAL}0-9&][{_NAME_CHAR}]*){{0,14}})"
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
