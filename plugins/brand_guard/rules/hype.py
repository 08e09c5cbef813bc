"""hype: hard-sell vocabulary and patterns, judged by density and by where they appear.

An executive's post earns trust by evidence, not adjectives. One hype word in a long essay is a
suggestion; past `max_per_1000_words` in the body every hit becomes a warning. Titles, summaries
and social texts are what people see first, so there every hit is a warning. Text inside quotation
marks or a blockquote is someone else's voice and is downgraded one level.

Besides the configured words: "buy now"-style calls to action, ALL-CAPS shouting (known acronyms
excepted) and exclamation runs ("!!", "?!").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..findings import Hit, downgrade
from ..patterns import (
    END,
    NON_LETTER,
    PHRASE_SEP,
    SUFFIX,
    Anchors,
    Found,
    anchors,
    key,
    trie_regex,
    word_pattern,
)

#: Calls to action that belong in an advert, not in a leader's post (folded into the same trie
#: as the configured words; the match's key tells which list it came from).
_CTA_VERBS = ("buy", "order", "shop", "sign up", "subscribe", "register", "book", "call", "act", "claim",
              "grab", "download", "upgrade", "get started", "start your free trial", "start free trial")
CTA = tuple(f"{verb} {when}" for verb in _CTA_VERBS for when in ("now", "today")) + (
    "limited time offer", "limited time deal", "limited time only", "don't miss out", "don’t miss out",
    "dont miss out", "while supplies last", "while stocks last", "click here", "hurry",
)
_CTA_KEYS = frozenset(key(phrase) for phrase in CTA)
_UPPER = "A-ZÀ-ÖØ-Þ"
#: Upper-case words every finance post uses; `hype.acronyms` in brand.yml adds more.
KNOWN_ACRONYMS = frozenset(
    "ACH AICPA API APIS ASC BACS CEO CFO CIO COO CPA CRM CSV CTO EBITDA ERP FASB FAQ GAAP GDPR HR "
    "HTML HTTP HTTPS IBAN IFRS IPO ISO IT JSON KPI KPIS NASDAQ NYSE OCR PCI PDF PO POS QA ROI SAML "
    "SEC SEPA SFTP SKU SLA SOC SOX SQL SSO SWIFT UK URL US USA USD EUR GBP VAT XBRL XML YAML".split()
)


@dataclass(frozen=True)
class HypeMatcher:
    words: re.Pattern  # configured words + calls to action (one trie)
    anchors: Anchors
    acronyms: frozenset[str]
    max_per_1000_words: float


#: Capitals runs and exclamation runs. Both start with a character class, which lets `re` skip
#: ahead in C to the next capital or "!" instead of trying the pattern at every position; the
#: word boundary is checked after the first capital ("not preceded by a letter").
_CAPS = re.compile(rf"[{_UPPER}](?<![^{NON_LETTER}].)[{_UPPER}]+(?:[ \t]+[{_UPPER}]{{2,}})*{END}")
_BANG = re.compile(r"[!?](?:[ \t]*[!?])+")


def compile_hype(words: tuple[str, ...], acronyms: tuple[str, ...], max_per_1000_words: float) -> HypeMatcher:
    """The hype family: configured words and calls to action share one trie regex."""
    phrases = words + CTA
    vocabulary = trie_regex(phrases, sep=PHRASE_SEP, fold=True)
    regex = re.compile(word_pattern(vocabulary, SUFFIX), re.IGNORECASE)
    known = KNOWN_ACRONYMS | {a.upper() for a in acronyms}
    return HypeMatcher(regex, anchors(phrases, fold=True), frozenset(known), max_per_1000_words)


def check_hype(
    text: str,
    matcher: HypeMatcher,
    *,
    place: str,
    words: int,
    quotes: list[tuple[int, int]] = (),
    low: str | None = None,
    vocabulary: bool = True,
    found: Found | None = None,
) -> list[Hit]:
    """Hype in `text`. `place`: "body", "title", "summary" or "social"; `words`: the text's word count.

    `vocabulary=False` skips the word list (the caller knows none of its anchors is in the file);
    `found`: where the anchor words are in `text`, if the caller located them.
    """
    matches = []
    if vocabulary and matcher.anchors.present(text, low, found):
        matches += [(m, "cta" if key(m.group()) in _CTA_KEYS else "word")
                    for m in matcher.words.finditer(text)]
    matches += [(m, "caps") for m in _CAPS.finditer(text) if _shouting(m.group(), matcher.acronyms)]
    if "!" in text:
        matches += [(m, "bang") for m in _BANG.finditer(text) if "!" in m.group()]
    if not matches:
        return []
    matches.sort(key=lambda item: (item[0].start(), item[1] == "caps"))  # "BUY NOW" is a call to action
    kept, end = [], -1
    for match, kind in matches:
        if match.start() >= end:
            kept.append((match, kind))
            end = match.end()
    matches = kept
    density = len(matches) * 1000 / max(words, 1)
    if place == "body":
        dense = density > matcher.max_per_1000_words
        severity = "warning" if dense else "suggestion"
        where = (f" ({density:.1f} per 1,000 words, limit {matcher.max_per_1000_words:g})"
                 if dense else "")
    else:
        label = {"social": "social text"}.get(place, place)
        severity, where = "warning", f" (in the {label}, where readers look first)"
    starts = [q[0] for q in quotes]
    hits = []
    for match, kind in matches:
        seen = " ".join(match.group().split())
        level = severity
        if _inside(match.start(), quotes, starts):
            level, note = downgrade(severity), " (quoted)"
        else:
            note = ""
        message, suggestion = _describe(kind, seen)
        hits.append(Hit(match.start(), match.end(), "hype", level, message + where + note, suggestion))
    return hits


def _shouting(run: str, acronyms: frozenset[str]) -> bool:
    words = run.split()
    unknown = [w for w in words if w not in acronyms]
    return any(len(w) >= 4 for w in unknown) or (len(words) >= 2 and bool(unknown))


def _inside(offset: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    index = bisect.bisect_right(starts, offset) - 1
    return index >= 0 and offset < spans[index][1]


def _describe(kind: str, seen: str) -> tuple[str, str | None]:
    if kind == "caps":
        return f"'{seen}' in capitals reads as shouting", seen.capitalize()
    if kind == "bang":
        return f"'{seen}' reads as a hard sell", "."
    if kind == "cta":
        return f"'{seen}' is a sales call to action, not a leader's voice", None
    return f"'{seen}' is hype: show the evidence (a number, a customer, a result) instead", None
