"""hype: hard-sell vocabulary and patterns, judged by density and by where they appear.

An executive's post earns trust by evidence, not adjectives. One hype word in a long essay is a
suggestion; past `max_per_1000_words` in the body every hit becomes a warning. Titles, summaries
and social texts are what people see first, so there every hit is a warning. Text inside quotation
marks or a blockquote is someone else's voice and is downgraded one level.

Besides the configured words: "buy now"-style calls to action, shouting and exclamation runs
("!!", "?!"). Shouting is a word or run of words in capitals that reads as raised voice: a common
English word ("FREE", "WE ARE HIRING") or a long word. Capitals that are names are not shouting:
acronyms and tickers (short capitals words that are not common words: ESG, NVDA, IFRS), known
acronyms (`hype.acronyms`), names in brand.yml `names:`, words before a legal form ("STRABAG SE",
"ACME Inc."), and capitals words that recur in the post (a company that writes its name in capitals).
Inside emphasis (`**NOW**`) only listed names and acronyms are exempt. A Markdown heading set in
capitals (`## OUR RESULTS`, setext too) is typography, not shouting (`headings`); hype words in it
still count, and so does the title field (what readers see first, also in feeds and cards).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

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
from .headings import in_heading
from .names import LEGAL_FORM_WORDS, LEGAL_NAME

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


#: Common English words of 2-5 letters (longer capitals words are shouting unless they are names).
COMMON = frozenset(line.strip().upper() for line in
                   (Path(__file__).with_name("common_words.txt")).read_text(encoding="utf-8").splitlines()
                   if line.strip() and not line.startswith("#"))
#: Words that join names ("ERNST & YOUNG", "BANK OF AMERICA") without making a run shouting.
_JOINERS = frozenset("AND OR OF THE FOR DE DER DES DEL DI DU LA LE LES VAN VON Y E".split())


@dataclass(frozen=True)
class HypeMatcher:
    words: re.Pattern  # configured words + calls to action (one trie)
    anchors: Anchors
    acronyms: frozenset[str]
    max_per_1000_words: float
    names: frozenset[str] = frozenset()  # capitals words of brand.yml `names:`


#: Capitals runs and exclamation runs. Both start with a character class, which lets `re` skip
#: ahead in C to the next capital or "!" instead of trying the pattern at every position; the
#: word boundary is checked after the first capital ("not preceded by a letter").
_CAPS = re.compile(rf"[{_UPPER}](?<![^{NON_LETTER}].)[{_UPPER}]+(?:[ \t]+[{_UPPER}]{{2,}})*{END}")
_BANG = re.compile(r"[!?](?:[ \t]*[!?])+")
#: ASCII bytes -> "A" for a capital, "a" for a small letter, a space for anything else.
_CASE_SHAPE = bytes(65 if 65 <= c <= 90 else 97 if 97 <= c <= 122 else 32 for c in range(256))


def caps_runs(text: str) -> list[re.Match]:
    """`_CAPS.finditer(text)`, as a list. In ASCII text a run starts at two capitals after a
    non-letter (or at the start), so those places are found in the text's case shape with
    `bytes.find` (C, a few instructions a character) and `_CAPS` is tried only there, instead of
    testing every character against its class (tests/test_brand_fastpaths.py)."""
    if not text.isascii():  # À-Þ are capitals too, and other scripts' letters are letters
        return list(_CAPS.finditer(text))
    shape = text.encode("ascii").translate(_CASE_SHAPE)
    runs = []
    if shape.startswith(b"AA") and (run := _CAPS.match(text)) is not None:
        runs.append(run)
    at = shape.find(b" AA", runs[0].end() - 1 if runs else 0)
    while at >= 0:
        run = _CAPS.match(text, at + 1)
        if run is None:
            at = shape.find(b" AA", at + 1)
        else:  # the next run starts after this one, as with `finditer`
            runs.append(run)
            at = shape.find(b" AA", run.end() - 1)
    return runs


def compile_hype(words: tuple[str, ...], acronyms: tuple[str, ...], max_per_1000_words: float,
                 names: frozenset[str] = frozenset()) -> HypeMatcher:
    """The hype family: configured words and calls to action share one trie regex."""
    phrases = words + CTA
    vocabulary = trie_regex(phrases, sep=PHRASE_SEP, fold=True)
    regex = re.compile(word_pattern(vocabulary, SUFFIX), re.IGNORECASE)
    known = KNOWN_ACRONYMS | {a.upper() for a in acronyms}
    return HypeMatcher(regex, anchors(phrases, fold=True), frozenset(known), max_per_1000_words,
                       frozenset(names))


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
    source: str | None = None,
) -> list[Hit]:
    """Hype in `text`. `place`: "body", "title", "summary" or "social"; `words`: the text's word count.

    `vocabulary=False` skips the word list (the caller knows none of its anchors is in the file);
    `found`: where the anchor words are in `text`, if the caller located them; `source`: the whole
    post, where capitals words that recur or carry a legal form are names (default: `text`).
    """
    matches = []
    if vocabulary and matcher.anchors.present(text, low, found):
        for m in matcher.words.finditer(text):
            kind = "cta" if key(m.group()) in _CTA_KEYS else "word"
            if kind == "cta" and _has_subject(text, m.start()):
                continue  # "what we book today" describes; a call to action is an imperative
            if kind == "cta" or not _negated(text, m.start()):
                matches.append((m, kind))
    for run in caps_runs(text):
        span = _shouting_span(text, run, matcher, source)
        if span is not None and place == "body" and source is not None and in_heading(span[0], text, source):
            continue  # "## OUR RESULTS": a heading set in capitals is typography, not a raised voice
        if span is not None:
            matches.append((_Span(*span, text), "caps"))
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
        if kind == "caps":
            suggestion = match.said
        hits.append(Hit(match.start(), match.end(), "hype", level, message + where + note, suggestion))
    return hits


class _Span:
    """A part of a capitals run, with the interface of a match (start, end, group) and its fix."""

    def __init__(self, start: int, end: int, said: str, text: str):
        self._start, self._end, self._text, self.said = start, end, text, said

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self) -> str:
        return self._text[self._start:self._end]


_CAPS_WORD = re.compile(rf"[{_UPPER}]{{2,}}")
#: Just before a sentence's first word: its end mark, a line start or a masked block start.
_SENTENCE_START = re.compile(r"(?:[.!?…:]['\"”’)]*\s+|\n\s*|\x00\s*|^\s*)[*_\"“‘(]*$")
_WORD_IN_RUN = re.compile(rf"[{_UPPER}]+")


_LAST: tuple = (None, frozenset())  # the last post's names: its title, summary and body share them


def _post_names(source: str) -> frozenset[str]:
    """Capitals words the post itself uses as names: before a legal form, or more than once
    (except common words: "FREE" twice is still shouting)."""
    global _LAST
    last = _LAST  # one read: another thread may replace it
    if last[0] is source:
        return last[1]
    counts = Counter(_CAPS_WORD.findall(source))
    named = {w for w, n in counts.items() if n > 1 and w not in COMMON}
    for match in LEGAL_NAME.finditer(source):
        named.update(_CAPS_WORD.findall(match.group("name")))
    _LAST = (source, frozenset(named))
    return _LAST[1]


def _shouting_span(text: str, run: re.Match, matcher: HypeMatcher,
                   source: str | None) -> tuple[int, int, str] | None:
    """The part of a capitals run that shouts (first to last shouting word) and how to say it
    calmly (shouting words in lower case, a sentence's first word capitalised), or None.

    Cheap tests first: most runs are one acronym ("CFO"); the post's own names and a legal form
    after the run are looked up only for a run with a word that could shout."""
    start = run.start()
    emphasis = text[max(0, start - 2):start] in ("**", "__") or text[start - 1:start] in ("*", "_")
    words = list(_WORD_IN_RUN.finditer(text, start, run.end()))
    loud = []
    for i, word in enumerate(words):
        w = word.group()
        if w in matcher.names or w in matcher.acronyms:
            continue
        if i and w in LEGAL_FORM_WORDS:
            continue
        if w in _JOINERS and 0 < i < len(words) - 1:
            continue
        if emphasis or len(w) > 5 or w in COMMON:
            loud.append(word)
    if not loud:
        return None
    if "|" in text and _in_table(text, start):
        return None  # "| TICKER | CHANGE |": a table's labels and data
    if len(words) == 1 and not emphasis and _in_ticker_list(text, start, run.end(), matcher):
        return None  # "F, GM and CAT": Caterpillar's ticker among others, not a shout
    legal = LEGAL_NAME.match(text, start)  # "STRABAG SE", "ACME Inc.": the name and its form
    legal_end = legal.end() if legal else start
    post_names = _post_names(text if source is None else source)
    loud = [w for w in loud if w.end() > legal_end and w.group() not in post_names]
    if not loud:
        return None
    first, last = loud[0].start(), loud[-1].end()
    quiet = {w.start() for w in loud}
    said = _CAPS_WORD.sub(lambda m: m.group().lower() if first + m.start() in quiet else m.group(),
                          text[first:last])
    if _SENTENCE_START.search(text, max(0, first - 10), first) or first == 0:
        said = said[:1].upper() + said[1:]
    return first, last, said


#: A Markdown table's delimiter row ("|---|:--:|", "--- | ---"; the prose view masks it whole).
_TABLE_RULE = re.compile(
    r"^[ \t]*(?:\x00+|\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?)[ \t]*$", re.M)
_TABLES: tuple = (None, [], [])  # the last text's table spans (its title, summary and body alternate)


def _table_spans(text: str) -> tuple[list[int], list[int]]:
    """Start and end offsets of the tables in `text`: from the header row above a delimiter row to
    the last row with a "|" before a blank line. Found once per text, so a long table costs one pass."""
    global _TABLES
    last = _TABLES
    if last[0] is text:
        return last[1], last[2]
    starts, ends = [], []
    at = 0
    for rule in _TABLE_RULE.finditer(text):
        if rule.start() < at:
            continue
        head = text.rfind("\n", 0, max(rule.start() - 1, 0)) + 1
        if "|" not in text[head:rule.start()]:
            continue  # a rule under a line without cells: a heading's underline, not a table
        end = rule.end()
        while end < len(text):
            nxt = text.find("\n", end + 1)
            nxt = len(text) if nxt < 0 else nxt
            row = text[end + 1:nxt]
            if "|" not in row or not row.strip():
                break
            end = nxt
        starts.append(head)
        ends.append(end)
        at = end
    _TABLES = (text, starts, ends)
    return starts, ends


def _in_table(text: str, offset: int) -> bool:
    starts, ends = _table_spans(text)
    index = bisect.bisect_right(starts, offset) - 1
    return index >= 0 and offset < ends[index]


#: Words that make a call-to-action verb a description: "what we book today", "parts which we order".
_SUBJECTS = frozenset("i we they he she it who which that".split())
_LAST_WORD = re.compile(r"([^\W\d_]+)[ \t]+$")


def _has_subject(text: str, start: int) -> bool:
    before = _LAST_WORD.search(text, max(0, start - 20), start)
    return before is not None and before.group(1).lower() in _SUBJECTS


#: A neighbouring item of a list ("F, GM and CAT", "BIG/NVDA"): a capitals token, its separator.
_ITEM_BEFORE = re.compile(rf"(?<![\w.])([{_UPPER}][{_UPPER}0-9.]*)(?:,[ \t]*|[ \t]+(?:and|or|&)[ \t]+|/)$")
_ITEM_AFTER = re.compile(rf"(?:,[ \t]*|[ \t]+(?:and|or|&)[ \t]+|/)([{_UPPER}][{_UPPER}0-9.]*)(?!\w)")


def _in_ticker_list(text: str, start: int, end: int, matcher: HypeMatcher) -> bool:
    """Whether a lone capitals word stands in a list next to a ticker or acronym (a capitals token
    that is not a common word), as tickers that are words ("CAT", "ALL", "BIG") do."""
    def ticker(token: str) -> bool:
        return token not in COMMON or token in matcher.acronyms or token in matcher.names
    before = _ITEM_BEFORE.search(text, max(0, start - 24), start)
    after = _ITEM_AFTER.match(text, end)
    return bool(before and ticker(before.group(1)) or after and ticker(after.group(1)))


#: Words that deny what follows in the same clause: "there is no magic", "nothing revolutionary",
#: "none of this is amazing". A denied hype word is a writer rejecting hype, not making it.
_NEGATORS = frozenset("no not nothing none never neither nor without isn't aren't wasn't weren't "
                      "don't doesn't didn't cannot can't won't hardly".split())
_CLAUSE = re.compile(r"[.;:!?,—–()\[\]\n\"“”«»]")
_BACK_WORDS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _negated(text: str, start: int) -> bool:
    """Whether one of the five words before `start`, in the same clause, denies it ("not only"
    and "not just" do not)."""
    before = text[max(0, start - 60):start]
    cut = max((m.end() for m in _CLAUSE.finditer(before)), default=0)
    words = [w.lower().replace("’", "'") for w in _BACK_WORDS.findall(before, cut)][-5:]
    for i, word in enumerate(words):
        if word in _NEGATORS and not (word == "not" and words[i + 1:i + 2] in (["only"], ["just"])):
            return True
    return False


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
