"""alignment: deterministic, offline 0-100 scores of how well a post carries each brand pillar.

A pillar's score rewards substance, not keyword counts (brand.yml's `pillars`):

- **evidence**: the distinct sentences that use one of the pillar's keywords (phrases allowed,
  matched on Snowball stems). A sentence counts once however many keywords it holds; a sentence
  that only repeats keywords already shown counts half; a sentence mostly made of keywords counts
  in proportion to its other content words (`SUBSTANCE_WORDS` make a full sentence); a sentence
  written twice counts once. Evidence saturates: `1 - exp(-units / SATURATION)`, so the tenth
  sentence adds little and repetition adds nothing.
- **coverage**: where the evidence is — beginning, middle and end thirds of the post's distinct
  sentences; evidence in one third keeps 70%, two 85%, all three 100%.
- **issues** (Acrolinx's length normalisation): the post's hype and avoid findings pull every
  pillar down by `(words/75) / ((words/75) + issues)` (a suggestion counts half).

The post's score is 70% its best pillar + 30% the mean (a post should clearly carry one pillar).
Bands: green ≥ 80, amber 60-79, red < 60 (brand.yml `alignment: {green, amber}`). The evidence
comes back as the sentences that carry it, for reports.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import _count_elements  # Counter's C counting loop (collections' own import)
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate, compress, count, repeat
from operator import add, itemgetter, sub

from ..model import Pillar
from .readability import sentence_pieces

MASK_CHAR = "\x00"  # source.MASK: what the prose view puts in place of code and markup
TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SPLIT = re.compile(f"({TOKEN.pattern})")
#: Content words (not stop words) besides keywords that make a sentence full evidence:
#: "Trust, partnership and referrals for every partner." has none and counts nothing.
SUBSTANCE_WORDS = 5
#: Evidence units at which a pillar reaches 63% of its strength (1 - 1/e); 4.6 units make 90%.
SATURATION = 2.0
#: Acrolinx: issues are normalised by text length in units of 75 words.
WORDS_PER_ISSUE_UNIT = 75
#: Coverage factor by the number of thirds of the post (beginning, middle, end) with evidence.
SPREAD = (0.0, 0.7, 0.85, 1.0)
#: Evidence sentences kept per pillar for reports, and the longest excerpt shown.
QUOTES = 3
EXCERPT_CHARS = 200
STOP = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each even every few for
    from further get got had has have having he her here hers herself him himself his how i if in
    into is it its itself just let me more most much must my myself no nor not now of off on once
    one only or other our ours ourselves out over own per same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up us
    very was we were what when where which while who whom why will with would yet you your yours
    yourself yourselves s t re ve ll d m""".split()
)

#: `AlignmentModel.codes`: bit flags of a stem, and the tables that keep one of them per byte.
STOP_CODE, FIRST_CODE = 1, 2
_FIRST_ONLY = bytes(1 if c & FIRST_CODE else 0 for c in range(256))
_STOP_ONLY = bytes(1 if c & STOP_CODE else 0 for c in range(256))

_STEMS: dict[str, str] = {}
_stemmer = None


def stem(word: str) -> str:
    """Snowball English stem of a lower-case word, cached: each distinct word is stemmed once."""
    cached = _STEMS.get(word)
    if cached is None:
        global _stemmer
        if _stemmer is None:
            import snowballstemmer  # imported on first use: keeps `import brand_guard` cheap

            _stemmer = snowballstemmer.stemmer("english")
        cached = _STEMS[word] = _stemmer.stemWord(word)
    return cached


def stems_of(text: str) -> list[str]:
    return [stem(m.group().lower().replace("’", "'")) for m in TOKEN.finditer(text)]


@dataclass(frozen=True)
class AlignmentModel:
    pillars: tuple[Pillar, ...]
    #: first stem of a keyword -> [(all stems, pillar index, keyword as written)]
    first: dict[str, list[tuple[tuple[str, ...], int, str]]]
    brand: frozenset[str]
    min_score: int
    min_words: int
    green: int = 80
    amber: int = 60

    def band(self, score: int) -> str:
        """green, amber or red for a 0-100 score (the brand's thresholds)."""
        return band_of(score, self.green, self.amber)

    @cached_property
    def codes(self) -> dict[str, int]:
        """Stems that matter to the score -> `STOP_CODE` (a stop word) | `FIRST_CODE` (the first
        stem of a keyword): one pass over a post's stems (`score_alignment`) gives both facts."""
        out = dict.fromkeys(STOP, STOP_CODE)
        for first in self.first:
            out[first] = out.get(first, 0) | FIRST_CODE
        return out

    @cached_property
    def single(self) -> dict[str, tuple[str, int]]:
        """First stems that start no phrase -> (keyword, pillar index) of the keyword they always
        are (the longest candidate comes first, so it is one word long): no phrase to compare."""
        return {first: (candidates[0][2], candidates[0][1]) for first, candidates in self.first.items()
                if len(candidates[0][0]) == 1}


def band_of(score: int, green: int = 80, amber: int = 60) -> str:
    return "green" if score >= green else "amber" if score >= amber else "red"


@dataclass(frozen=True)
class Quote:
    """One sentence that carries a pillar: a short excerpt of it, where it is, and its keywords."""

    excerpt: str
    offset: int  # absolute offset of the first keyword in the sentence
    keywords: tuple[str, ...]


@dataclass
class Alignment:
    score: int
    pillars: dict[str, int]
    #: pillar -> the sentences that carry it best (at most QUOTES), in the order of the post
    evidence: dict[str, list[Quote]] = field(default_factory=dict)
    #: pillar -> {keyword: hits}, every hit
    keywords: dict[str, dict[str, int]] = field(default_factory=dict)
    #: pillar -> distinct evidence sentences (what the score is built from)
    sentences: dict[str, int] = field(default_factory=dict)
    #: the hype/avoid issues that pulled the scores down, and the factor they applied
    issues: float = 0.0
    factor: float = 1.0


def compile_alignment(statement: str, pillars: tuple[Pillar, ...], min_score: int,
                      min_words: int, green: int = 80, amber: int = 60) -> AlignmentModel:
    first: dict[str, list[tuple[tuple[str, ...], int, str]]] = {}
    brand = {s for s in stems_of(statement) if s not in STOP}
    for index, pillar in enumerate(pillars):
        for keyword in pillar.keywords:
            stems = tuple(stems_of(keyword))
            if stems:
                first.setdefault(stems[0], []).append((stems, index, keyword))
                brand.update(s for s in stems if s not in STOP)
    for candidates in first.values():
        candidates.sort(key=lambda c: -len(c[0]))  # longest phrase first
    return AlignmentModel(pillars, first, frozenset(brand), min_score, min_words, green, amber)


@dataclass(frozen=True)
class Tokens:
    """The words of one text: their stems, the lower-cased text, and where each word starts.

    Offsets are needed only for the few words that carry a pillar, so for ASCII text (most posts)
    they are found on demand in `spaced` rather than computed for every word.
    """

    stems: list[str]
    low: str
    base: int = 0
    starts: list[int] | None = None  # every word's absolute offset (non-ASCII text)
    words: list[bytes] | None = None  # the words themselves (ASCII text), for `offsets`
    spaced: bytes = b""  # the ASCII text with every non-word byte a space, and one more each side
    text: str = ""  # the text itself (sentences and evidence excerpts come from it)

    def offsets(self, indices: list[int]) -> list[int]:
        """Absolute start offsets of the words at `indices` (ascending; every occurrence of a word
        before the last one asked for must be among them)."""
        if self.starts is not None:
            return [self.starts[i] for i in indices]
        out = []
        resume: dict[bytes, int] = {}
        for i in indices:
            word = self.words[i]
            # `at` is the space before the word in `spaced`, which has one extra byte in front:
            # so `at` is also the word's offset in the text.
            at = self.spaced.find(b" " + word + b" ", resume.get(word, 0))
            out.append(self.base + at)
            resume[word] = at + len(word) + 1  # the closing space may open the next occurrence
        return out


#: ASCII bytes → themselves for a-z and the apostrophe, a space for everything else.
_WORD_BYTES = bytes(c if 97 <= c <= 122 or c == 39 else 32 for c in range(256))
#: An apostrophe that does not join two letters ("'quoted'", "90s'", "a''b") is not part of a word.
#: Starting with the literal lets `re` jump from one apostrophe to the next in C.
_STRAY_APOSTROPHE = re.compile(rb"'(?:(?![a-z])|(?<![a-z]'))")
_STEMS_ASCII: dict[bytes, str] = {}
#: `Tokens.spaced` → a space stays a space, every word byte becomes "x" (so " x" marks a word's start).
_WORD_MARKS = bytes(32 if c == 32 else 120 for c in range(256))
_WORD_RUN = re.compile(rb"[^ ]+")
_NTH_RUN: dict[int, re.Pattern] = {}


def _nth_run(n: int) -> re.Pattern:
    """A regex that skips `n` runs of non-spaces and the spaces after them (possessive: a run is
    never split to make up the count), compiled once per `n`."""
    regex = _NTH_RUN.get(n)
    if regex is None:
        regex = _NTH_RUN[n] = re.compile(rb"(?:[ ]*+[^ ]++){%d}[ ]*+" % n)
    return regex
#: What an excerpt drops besides masked code and URLs: emphasis marks and link brackets.
_MARKED = re.compile(r"[\x00*_\[\]]")
#: Masked stretches, strong emphasis, a single * or _ opening or closing a word, link brackets. It
#: starts with the class of every first character (`re` skips in C from one to the next); each
#: alternative then checks by lookbehind which it was (same matches as the plain alternation
#: `\x00+|\*\*|__|(?<![\w*])[*_](?=\w)|(?<=\w)[*_](?![\w*])|[\[\]]`, tests/test_brand_fastpaths.py).
_MARKERS = re.compile(r"[\x00*_\[\]](?:(?<=\x00)\x00*|(?<=\*)\*|(?<=_)_|(?<![\w*].)(?<=[*_])(?=\w)"
                      r"|(?<=\w.)(?<=[*_])(?![\w*])|(?<=[\[\]]))")


def tokenize(text: str, base: int = 0) -> Tokens:
    """Stem every word once (cached per distinct word); offsets of words on demand.

    A typographic apostrophe is read as a straight one ("customer’s" → "customer's"): the Snowball
    stemmer only strips possessives written with the latter, and writers paste both.
    """
    low = text.lower()
    plain = low.replace("’", "'") if "’" in low else low  # same length: offsets stay put
    if plain.isascii():
        return _tokenize_ascii(plain, base, low, text)
    exact = len(low) == len(text)  # lower() lengthens a few letters ("İ"): keep offsets right
    pieces = _SPLIT.split(plain if exact else text.replace("’", "'"))
    # split() alternates gap, word, gap, ...: running lengths give every word's offset, in C.
    ends = list(accumulate(map(len, pieces), initial=base))
    words = pieces[1::2]
    if exact:
        stems = list(map(_STEMS.get, words))  # in C; only words never seen before are stemmed
        if not all(stems):  # a None (or an empty stem, looked up again): `None in` compares each
            stems = [s if s is not None else stem(w) for s, w in zip(stems, words, strict=True)]
    else:
        stems = [stem(w.lower()) for w in words]
    return Tokens(stems, low, base, starts=ends[1:-1:2], text=text)


def _tokenize_ascii(plain: str, base: int, low: str, text: str) -> Tokens:
    """`tokenize` for ASCII text with bytes methods instead of the regex engine (same words):
    every byte that cannot be in a word becomes a space, stray apostrophes too, then split."""
    data = plain.encode("ascii").translate(_WORD_BYTES)
    if b"'" in data:
        data = _STRAY_APOSTROPHE.sub(b" ", data)
    words = data.split()
    stems = list(map(_STEMS_ASCII.get, words))  # in C; only words never seen before are stemmed
    if not all(stems):  # a None (or an empty stem, looked up again): `None in` compares each
        for index, (found, word) in enumerate(zip(stems, words, strict=True)):
            if found is None:
                stems[index] = _STEMS_ASCII[word] = stem(word.decode("ascii"))
    return Tokens(stems, low, base, words=words, spaced=b" " + data + b" ", text=text)


def score_alignment(parts: list[Tokens], model: AlignmentModel, issues: float = 0.0) -> Alignment:
    """Score a post from the tokens of its title, summary and body (in file order; a phrase may
    span them). `issues`: its hype and avoid findings (a suggestion counts half)."""
    if len(parts) > 1:
        stems: list[str] = []
        for part in parts:
            stems += part.stems
    else:
        stems = parts[0].stems
    first = model.first
    single = model.single
    # One byte of flags per word (in C): where keywords may start, and which words are stop words.
    codes = bytes(list(map(model.codes.get, stems, repeat(0))))
    candidates = list(compress(count(), codes.translate(_FIRST_ONLY)))  # in C
    hits: list[list[tuple[str, int, int]]] = [[] for _ in model.pillars]  # (keyword, word index, words)
    phrases = []  # (word index, words) of the hits longer than one word
    skip_until = 0
    for i in candidates:
        if i < skip_until:
            continue  # inside a phrase already counted
        word = stems[i]
        known = single.get(word)
        if known is not None:  # most hits: a one-word keyword no phrase starts with
            hits[known[1]].append((known[0], i, 1))
            continue
        for keyword_stems, pillar, keyword in first[word]:
            n = len(keyword_stems)
            if n == 1 or tuple(stems[i:i + n]) == keyword_stems:
                hits[pillar].append((keyword, i, n))
                skip_until = i + n
                if n > 1:
                    phrases.append((i, n))
                break
    names = [p.name for p in model.pillars]
    first_of = itemgetter(0)
    keywords = {name: _counts(map(first_of, found)) for name, found in zip(names, hits, strict=True)}
    units = max(1, len(stems)) / WORDS_PER_ISSUE_UNIT
    factor = units / (units + issues) if issues > 0 else 1.0
    if not any(hits):
        zero = dict.fromkeys(names, 0)
        return Alignment(0, zero, {name: [] for name in names}, keywords, dict(zero), issues, factor)
    text = _Sentences(parts, stems, codes)
    first_word = text.first_word
    # Each hit's sentence (bisect in C), and the keyword words of every pillar per sentence:
    # what is left of a sentence is its own substance.
    word_of = itemgetter(1)
    # bisect_right(first_word, i) - 1 is word i's sentence; first_word[0] is 0, so one bisect in
    # the list without it gives the sentence itself.
    later = first_word[1:]
    located = [list(map(bisect.bisect_right, repeat(later), map(word_of, found))) for found in hits]
    keyword_words: dict[int, int] = {}  # sentence number -> keyword words in it (a phrase counts its words)
    for sentence_of in located:
        _count_elements(keyword_words, sentence_of)  # one per hit, in C
    for i, n in phrases:
        sentence = bisect.bisect_right(later, i)
        keyword_words[sentence] = keyword_words.get(sentence, 0) + n - 1
    pillar_scores, evidence, sentences = {}, {}, {}
    for name, found, after in zip(names, hits, located, strict=True):
        raw, quotes, distinct = _pillar(found, after, text, keyword_words)
        pillar_scores[name] = round(raw * factor)
        evidence[name] = quotes
        sentences[name] = distinct
    values = list(pillar_scores.values())
    score = round(0.7 * max(values) + 0.3 * sum(values) / len(values))
    return Alignment(score, pillar_scores, evidence, keywords, sentences, issues, factor)


#: Evidence units past which a pillar is saturated (99.3%): later sentences only matter for coverage.
_ENOUGH = 5 * SATURATION


def _counts(items) -> dict:
    """{item: how often}, in the order of first occurrence (Counter's counting loop, in C,
    without Counter's own Python-level calls)."""
    out: dict = {}
    _count_elements(out, items)
    return out


def _pillar(found: list[tuple[str, int, int]], sentence_of: list[int], text: _Sentences,
            keyword_words: dict[int, int]) -> tuple[float, list[Quote], int]:
    """One pillar's 0-100 score before issues, its best quotes and its distinct evidence sentences.

    `found`: (keyword, word index, words) for every hit, in post order; `sentence_of`: the
    sentence number of each. Hits are grouped by their sentence's text (a repeated sentence is
    one); the groups are built with dict calls (in C) rather than hit by hit."""
    hit_keys = list(map(text.keys.__getitem__, sentence_of))
    order = list(dict.fromkeys(hit_keys))  # sentence texts, in the order of their first hit
    # each text's first hit: later hits go in first and earlier ones overwrite them
    first_hit = dict(zip(reversed(hit_keys), range(len(hit_keys) - 1, -1, -1), strict=True))
    hits_of = _counts(hit_keys)
    seen: set[str] = set()
    units = 0.0
    thirds = set()
    scored: list[tuple[float, str]] = []
    rank, total = text.rank, text.total
    content = text.content
    for index, key in enumerate(order):  # first occurrences, in the order of the post
        if units >= _ENOUGH:
            # Saturated: later sentences only add the thirds of the post they are in (a set of at
            # most three values, so adding them all is adding them until all three are there).
            thirds.update({min(2, 3 * r // total) for r in set(map(rank.get, order[index:], repeat(0)))})
            break
        third = min(2, 3 * rank.get(key, 0) // total)
        j = first_hit[key]
        sentence = sentence_of[j]
        if hits_of[key] == 1:  # most sentences: one keyword (the same novelty as the set below)
            kw = found[j][0]
            novelty = 0.5 if kw in seen else 1.0
            seen.add(kw)
        else:
            kws = {hit[0] for hit, k in zip(found[j:], hit_keys[j:], strict=True) if k == key}
            novelty = 1.0 if kws - seen else 0.5
            seen |= kws
        own = content(sentence) - keyword_words.get(sentence, 0)
        weight = novelty * (1.0 if own >= SUBSTANCE_WORDS else own / SUBSTANCE_WORDS if own > 0 else 0.0)
        units += weight
        thirds.add(third)
        scored.append((weight, key))
    strength = 1 - math.exp(-units / SATURATION)
    raw = 100 * strength * SPREAD[len(thirds)]
    best = sorted(range(len(scored)), key=[-weight for weight, _ in scored].__getitem__)[:QUOTES]
    quotes = []
    for b in sorted(best):
        key = scored[b][1]
        j = first_hit[key]
        kws = (found[j][0],) if hits_of[key] == 1 else tuple(dict.fromkeys(
            hit[0] for hit, k in zip(found[j:], hit_keys[j:], strict=True) if k == key))
        offset = text.word_offset(sentence_of[j], found[j][1])
        quotes.append(Quote(text.excerpt(sentence_of[j], offset), offset, kws))
    return raw, quotes, len(order)


class _Sentences:
    """The sentences of a post's parts (readability's sentence breaks), built once per post:
    the number of each sentence's first word (so a hit's sentence is a bisect away), its text,
    and its place among the post's distinct sentences."""

    def __init__(self, parts: list[Tokens], stems: list[str], codes: bytes | None = None):
        self.stems = stems
        #: a byte per word, 1 for a stop word (from `AlignmentModel.codes`; None: looked up in STOP)
        self.stops = None if codes is None else codes.translate(_STOP_ONLY)
        starts: list[int] = []
        texts: list[str] = []
        first_word: list[int] = []
        #: per part: its first sentence, the part, its first word, its pieces
        self.spans: list[tuple[int, Tokens, int, list[str]]] = []
        words = 0
        for part in parts:
            pieces = sentence_pieces(part.text)
            ends = list(accumulate(map(len, pieces), initial=part.base))
            own = pieces[0::2]
            begin = ends[0::2][: len(own)]
            starts += begin
            texts += own
            self.spans.append((len(texts) - len(own), part, words, pieces))
            if part.starts is not None:  # every word's offset is known: count words before each start
                first_word += map(add, map(bisect.bisect_left, repeat(part.starts), begin), repeat(words))
            else:  # ASCII: words per sentence in the tokenised bytes (a break never cuts a word)
                # A word starts after a space: count " x" in `spaced` with every word byte an "x",
                # from the byte before each sentence (`spaced` has one byte in front) to the next.
                marks = part.spaced.translate(_WORD_MARKS)
                rel = list(map(sub, begin, repeat(part.base)))
                sizes = map(marks.count, repeat(b" x"), rel, [*rel[1:], len(marks)])  # all in C
                first_word += list(accumulate(sizes, initial=words))[:-1]
            words += len(part.stems)
        first_word.append(words)  # the end: word counts are differences
        self.starts, self.texts = starts, texts
        self._content: dict[int, int] = {}
        self._excerpts: dict[tuple[int, int], str] = {}
        #: the first word of each sentence, then the word count: bisect_right(first_word, word)
        #: is the word's sentence + 1 (empty sentences share their start with the next one)
        self.first_word = first_word
        #: a sentence's identity: its text without the space around it (a repeated sentence is one)
        self.keys = list(map(str.strip, texts))
        distinct = dict.fromkeys(self.keys)
        distinct.pop("", None)
        self.rank = dict(zip(distinct, range(len(distinct)), strict=True))
        self.total = max(1, len(distinct))

    def content(self, sentence: int) -> int:
        """How many of the sentence's words are not stop words (asked once per pillar: kept)."""
        found = self._content.get(sentence)
        if found is None:
            start, end = self.first_word[sentence], self.first_word[sentence + 1]
            if self.stops is not None:  # a count in C over the stop-word flags
                found = self._content[sentence] = end - start - self.stops.count(1, start, end)
            else:
                words = self.stems[start:end]
                found = self._content[sentence] = len(words) - sum(map(STOP.__contains__, words))
        return found

    def span(self, sentence: int) -> tuple[int, Tokens, int, list[str]]:
        """The part a sentence is in: (its first sentence, the part, its first word, its pieces)."""
        for span in reversed(self.spans):
            if span[0] <= sentence:
                return span
        return self.spans[0]

    def word_offset(self, sentence: int, word: int) -> int:
        """Absolute offset of word number `word` (of the whole post), which is in `sentence`."""
        _, part, base_word, _ = self.span(sentence)
        if part.starts is not None:
            return part.starts[word - base_word]
        nth = word - self.first_word[sentence]
        begin = self.starts[sentence] - part.base + 1  # `spaced` has one byte in front
        # Past `nth` runs of word bytes from the sentence's start, in one regex call: the next
        # run (the same as the nth match of `_WORD_RUN` from there, tests/test_brand_fastpaths.py).
        match = _nth_run(nth).match(part.spaced, begin)
        if match is not None and match.end() < len(part.spaced):
            return part.base + match.end() - 1
        return self.starts[sentence]  # not reached: the word is in its sentence

    def excerpt(self, sentence: int, offset: int) -> str:
        """The sentence as a reader sees it (markup and code gone, spaces collapsed), cut to
        EXCERPT_CHARS around its first keyword."""
        key = (sentence, offset)
        if key not in self._excerpts:
            self._excerpts[key] = self._excerpt(sentence, offset)
        return self._excerpts[key]

    def _excerpt(self, sentence: int, offset: int) -> str:
        first, _, _, pieces = self.span(sentence)
        after = 2 * (sentence - first) + 1
        # a sentence's own full stop (or ?!…) is in the break after it: given back here
        stop = pieces[after].rstrip() if after < len(pieces) and pieces[after][:1] in ".!?…" else ""
        raw = self.texts[sentence] + stop
        at = offset - self.starts[sentence]
        head, tail = raw[:at], raw[at:]
        if _MARKED.search(raw):
            head, tail = _MARKERS.sub("", head), _MARKERS.sub("", tail)
        before = " ".join(head.split())
        after = " ".join(tail.split())
        if before and head[-1:].isspace():
            before += " "
        if len(before) + len(after) <= EXCERPT_CHARS:
            return before + after
        keep = max(EXCERPT_CHARS // 3, EXCERPT_CHARS - len(after))
        if len(before) > keep:
            before = "…" + before[len(before) - keep:].lstrip()
        if len(before) + len(after) > EXCERPT_CHARS:
            after = after[: max(1, EXCERPT_CHARS - len(before))].rstrip() + "…"
        return before + after
