"""alignment: a deterministic, offline 0-100 score of how well a post carries the brand.

score = 60% pillar coverage + 40% statement similarity, both explainable:

- **pillar coverage**: each pillar's keywords (phrases allowed) are matched on stemmed tokens.
  A pillar scores 100 when the post uses `min(3, len(keywords))` distinct keywords; repeats of the
  same keyword count a quarter each (so "trust trust trust" cannot fake it). Coverage is 70% the
  best pillar (a post should clearly touch one) + 30% the mean over all pillars.
- **statement similarity**: cosine between the post's stemmed term vector (stop words removed,
  sublinear tf) and the brand vector (statement + pillar keywords), rescaled so that a post that
  is clearly about the brand (cosine ≥ 0.25, measured on the sample posts) scores 100.

Evidence (which keywords hit, and where) comes back with the score for reports.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate, compress, count

from ..model import Pillar

TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SPLIT = re.compile(f"({TOKEN.pattern})")
COS_FULL = 0.25
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


@dataclass
class Alignment:
    score: int
    pillars: dict[str, int]
    #: pillar -> [(keyword, absolute offset)], the first hits (see score_alignment's `places`)
    evidence: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    statement_terms: list[str] = field(default_factory=list)
    similarity: float = 0.0
    #: pillar -> {keyword: hits}, every hit
    keywords: dict[str, dict[str, int]] = field(default_factory=dict)


def compile_alignment(statement: str, pillars: tuple[Pillar, ...], min_score: int,
                      min_words: int) -> AlignmentModel:
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
    return AlignmentModel(pillars, first, frozenset(brand), min_score, min_words)


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


def tokenize(text: str, base: int = 0) -> Tokens:
    """Stem every word once (cached per distinct word); offsets of words on demand.

    A typographic apostrophe is read as a straight one ("customer’s" → "customer's"): the Snowball
    stemmer only strips possessives written with the latter, and writers paste both.
    """
    low = text.lower()
    plain = low.replace("’", "'") if "’" in low else low  # same length: offsets stay put
    if plain.isascii():
        return _tokenize_ascii(plain, base, low)
    exact = len(low) == len(text)  # lower() lengthens a few letters ("İ"): keep offsets right
    pieces = _SPLIT.split(plain if exact else text.replace("’", "'"))
    # split() alternates gap, word, gap, ...: running lengths give every word's offset, in C.
    ends = list(accumulate(map(len, pieces), initial=base))
    words = pieces[1::2]
    if exact:
        stems = list(map(_STEMS.get, words))  # in C; only words never seen before are stemmed
        if None in stems:
            stems = [s if s is not None else stem(w) for s, w in zip(stems, words, strict=True)]
    else:
        stems = [stem(w.lower()) for w in words]
    return Tokens(stems, low, base, starts=ends[1:-1:2])


def _tokenize_ascii(plain: str, base: int, low: str) -> Tokens:
    """`tokenize` for ASCII text with bytes methods instead of the regex engine (same words):
    every byte that cannot be in a word becomes a space, stray apostrophes too, then split."""
    data = plain.encode("ascii").translate(_WORD_BYTES)
    if b"'" in data:
        data = _STRAY_APOSTROPHE.sub(b" ", data)
    words = data.split()
    stems = list(map(_STEMS_ASCII.get, words))  # in C; only words never seen before are stemmed
    if None in stems:
        for index, (found, word) in enumerate(zip(stems, words, strict=True)):
            if found is None:
                stems[index] = _STEMS_ASCII[word] = stem(word.decode("ascii"))
    return Tokens(stems, low, base, words=words, spaced=b" " + data + b" ")


def score_alignment(parts: list[Tokens], model: AlignmentModel, places: int | None = None) -> Alignment:
    """Score a post from the tokens of its title, summary and body (a phrase may span them).

    `places`: how many hits per pillar keep their offset as evidence (None: all of them); only
    those are located, because finding a word's offset is the costly part of a hit.
    """
    stems = [s for part in parts for s in part.stems] if len(parts) > 1 else parts[0].stems
    first = model.first
    candidates = list(compress(count(), map(first.__contains__, stems)))  # in C
    hits: list[list[tuple[str, int]]] = [[] for _ in model.pillars]  # (keyword, word index)
    skip_until = 0
    for i in candidates:
        if i < skip_until:
            continue  # inside a phrase already counted
        for keyword_stems, pillar, keyword in first[stems[i]]:
            n = len(keyword_stems)
            if n == 1 or tuple(stems[i:i + n]) == keyword_stems:
                hits[pillar].append((keyword, i))
                skip_until = i + n
                break
    shown = [found[:places] for found in hits]
    offset_of = _offsets(parts, stems, candidates, {i for found in shown for _, i in found})
    names = [p.name for p in model.pillars]
    evidence = {name: [(kw, offset_of[i]) for kw, i in found]
                for name, found in zip(names, shown, strict=True)}
    keywords = {name: dict(Counter(kw for kw, _ in found)) for name, found in zip(names, hits, strict=True)}
    pillar_scores = {}
    for pillar, found in zip(model.pillars, hits, strict=True):
        distinct = len({k for k, _ in found})
        raw = distinct + 0.25 * (len(found) - distinct)
        target = min(3, len(pillar.keywords))
        pillar_scores[pillar.name] = round(100 * min(1.0, raw / target))
    values = list(pillar_scores.values()) or [0]
    coverage = 0.7 * max(values) + 0.3 * sum(values) / len(values)
    counts = Counter(stems)
    for word in STOP & counts.keys():
        del counts[word]
    shared = sorted(counts.keys() & model.brand, key=lambda s: (-counts[s], s))
    similarity = _cosine(counts, shared, len(model.brand))
    score = round(0.6 * coverage + 0.4 * 100 * min(1.0, similarity / COS_FULL))
    return Alignment(score, pillar_scores, evidence, shared, similarity, keywords)


def _offsets(parts: list[Tokens], stems: list[str], candidates: list[int],
             wanted: set[int]) -> dict[int, int]:
    """Word index → absolute offset for the `wanted` indices (each part locates its own words)."""
    if not wanted:
        return {}
    last: dict[str, int] = {}  # stem → its last wanted index (wanted is a set: take the max)
    for i in wanted:
        if last.get(stems[i], -1) < i:
            last[stems[i]] = i
    # Every earlier occurrence of a wanted word must be located too (see Tokens.offsets).
    todo = [i for i in candidates if i <= last.get(stems[i], -1)]
    out: dict[int, int] = {}
    begin = 0
    for part in parts:
        end = begin + len(part.stems)
        local = [i - begin for i in todo if begin <= i < end]
        if local:
            out.update(zip((begin + i for i in local), part.offsets(local), strict=True))
        begin = end
    return out


def _weight(count: int) -> float:
    """Sublinear term frequency, 1 + ln(count); counts are small, so from a table."""
    return _WEIGHTS[count] if count < len(_WEIGHTS) else 1 + math.log(count)


_WEIGHTS = [0.0] + [1 + math.log(c) for c in range(1, 256)]
_SQUARES = [w * w for w in _WEIGHTS]


def _cosine(counts: Counter, shared: list[str], brand_size: int) -> float:
    """Cosine of the post's weighted term vector and the brand's (all brand terms weigh 1)."""
    if not counts or not brand_size:
        return 0.0
    dot = sum(_weight(counts[s]) for s in shared)
    norm = math.sqrt(sum(_SQUARES[c] if c < 256 else _weight(c) ** 2 for c in counts.values()))
    return dot / (norm * math.sqrt(brand_size))
