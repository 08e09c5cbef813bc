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
from ..patterns import PHRASE_SEP, SUFFIX, key, trie_regex, word_pattern

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
    regex: re.Pattern
    acronyms: frozenset[str]
    max_per_1000_words: float


def compile_hype(words: tuple[str, ...], acronyms: tuple[str, ...], max_per_1000_words: float) -> HypeMatcher:
    """One regex: exclamation runs | (configured words + calls to action | capitals runs)."""
    vocabulary = trie_regex(words + CTA, sep=PHRASE_SEP, fold=True)
    caps = f"(?P<caps>[{_UPPER}]{{2,}}(?:[ \\t]+[{_UPPER}]{{2,}})*)"
    source = (
        r"(?=[\w!?])(?:(?P<bang>[!?](?:[ \t]*[!?])+)"  # the lookahead makes other positions cheap
        + "|" + word_pattern(f"(?P<word>(?i:{vocabulary})){SUFFIX}|{caps}") + ")"
    )
    known = KNOWN_ACRONYMS | {a.upper() for a in acronyms}
    return HypeMatcher(re.compile(source), frozenset(known), max_per_1000_words)


def check_hype(
    text: str,
    matcher: HypeMatcher,
    *,
    place: str,
    words: int,
    quotes: list[tuple[int, int]] = (),
) -> list[Hit]:
    """Hype in `text`. `place` is "body", "title" or "social"; `words` is the body's word count."""
    found = []
    for match in matcher.regex.finditer(text):
        if match["bang"]:
            if "!" not in match["bang"]:
                continue  # "??" is a question, not a sales pitch
            kind = "bang"
        elif match["caps"]:
            if not _shouting(match["caps"], matcher.acronyms):
                continue
            kind = "caps"
        else:
            kind = "cta" if key(match["word"]) in _CTA_KEYS else "word"
        found.append((match, kind))
    if not found:
        return []
    density = len(found) * 1000 / max(words, 1)
    if place == "body":
        dense = density > matcher.max_per_1000_words
        severity = "warning" if dense else "suggestion"
        where = (f" ({density:.1f} per 1,000 words, limit {matcher.max_per_1000_words:g})"
                 if dense else "")
    else:
        severity, where = "warning", f" (in the {place}, where readers look first)"
    starts = [q[0] for q in quotes]
    hits = []
    for match, kind in found:
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
