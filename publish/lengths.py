"""Channel length counters, exact and fast.

- `x_length`: the twitter-text v3 weighted length, the same number `twitter_text.parse_tweet`
  gives. parse_tweet runs its emoji regex (thousands of alternatives) over the whole text, about
  1 ms per call, and the fitting loop calls it several times per post. Here the emoji pass runs
  only when the text holds a character that can be part of an emoji at all (`emoji_chars()`, read
  from twitter-text's own emoji regex); otherwise no emoji can match, and the weighted length is
  the per-character weights of twitter-text's config plus `transformed_url_length` per URL that
  twitter-text's own URL extractor finds — the same arithmetic as parse_tweet, without the emoji
  pass. Anything else falls back to parse_tweet itself.
- `grapheme_length`: `grapheme.length`, with a fast path for text whose characters cannot join
  into multi-character clusters (grapheme break property Other, Control, CR, LF or
  Extended_Pictographic, and no Indic conjunct property): then every character is its own cluster,
  except CR LF, which is one.

Both fast paths are checked against the libraries on the conformance vectors and on random texts
(tests/test_publish_lengths.py). They read private modules of the two libraries (twitter-text's
config and emoji regex source, grapheme's property tables), so each runs only on the versions in
its PROVEN table; on any other, or when those modules are gone, its tripwire (plugins/tripwire.py)
logs once and the public call (`parse_tweet`, `grapheme.length`) gives every length.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import grapheme
from twitter_text import extract_urls_with_indices, parse_tweet

from plugins.tripwire import Tripwire

#: versions on which tests/test_publish_lengths.py proved each fast path equal to the library
PROVEN_X = {"twitter-text-parser": "3.0.0"}
PROVEN_GRAPHEME = {"graphemeu": "0.11.0"}


def _x_config() -> dict | None:
    """twitter-text's v3 settings (the ones X counts with); None: parse_tweet's own default."""
    try:
        from twitter_text.config import config
        return config["version3"]
    except (ImportError, KeyError):
        return None


X_CONFIG = _x_config()


# ---------------------------------------------------------------- X (twitter-text v3)
def _emoji_chars(pattern: str) -> frozenset[str]:
    """Every character whose absence from a text proves twitter-text finds no emoji in it.

    twitter-text's emoji regex is `seq|seq|...|[single code points and ranges]`, each `seq` a
    literal sequence of `\\U........` escapes. A match is either one of the singles or a whole
    sequence, and every sequence holds a non-ASCII code point (checked), so the singles plus the
    sequences' non-ASCII code points will do. Read from the compiled pattern itself.
    """
    escape = r"\\U([0-9a-fA-F]{8})"
    cut = pattern.rfind("|[")
    singles, sequences = pattern[cut + 2:-1], pattern[:cut].split("|")
    if cut < 0 or not pattern.endswith("]") or re.sub(escape + "|-", "", singles):
        raise RuntimeError("unexpected twitter-text emoji pattern")  # pragma: no cover
    chars: set[str] = set()
    for first, last in re.findall(escape + "(?:-" + escape + ")?", singles):
        chars.update(chr(code) for code in range(int(first, 16), int(last or first, 16) + 1))
    for sequence in sequences:
        points = [chr(int(code, 16)) for code in re.findall(escape, sequence)]
        if not points or re.sub(escape, "", sequence):
            raise RuntimeError(f"unexpected emoji sequence {sequence!r}")  # pragma: no cover
        non_ascii = [ch for ch in points if not ch.isascii()]
        if not non_ascii:
            raise RuntimeError(f"an ASCII-only emoji sequence {sequence!r}")  # pragma: no cover
        chars.update(non_ascii)
    return frozenset(chars)


_LINE_ENDING = re.compile(r"\r\n|\r|\n")  # as twitter_text.parse_tweet.convert_line_ending


class _Weights:
    """Sum of twitter-text character weights (`get_character_weight`) over a string, in C speed."""

    def __init__(self, options: dict):
        self.default = options["default_weight"]
        spans = sorted((r["start"], r["end"], r["weight"]) for r in options["ranges"])
        for (_, end, _), (start, _, _) in zip(spans, spans[1:], strict=False):
            if start <= end:  # pragma: no cover - get_character_weight takes the first; keep it simple
                raise ValueError("overlapping twitter-text weight ranges")
        # per weight other than the default, a regex of the characters that carry it
        by_weight: dict[int, list[str]] = {}
        for start, end, weight in spans:
            if weight != self.default:
                first, last = re.escape(chr(start)), re.escape(chr(end))
                by_weight.setdefault(weight, []).append(f"{first}-{last}" if end > start else first)
        self.classes = [(weight - self.default, re.compile("[" + "".join(parts) + "]"))
                        for weight, parts in by_weight.items()]
        self.ascii = next((w for s, e, w in spans if s <= 0 and e >= 0x7F), None)

    def __call__(self, text: str) -> int:
        if self.ascii is not None and text.isascii():
            return self.ascii * len(text)
        total = self.default * len(text)
        for delta, chars in self.classes:
            total += delta * len(chars.findall(text))
        return total


@dataclass(frozen=True)
class _FastX:
    emoji_chars: frozenset[str]
    weights: _Weights  # for X_CONFIG


def _x_internals() -> _FastX:
    from twitter_text.regexp.emoji import emoji

    if X_CONFIG is None:
        raise ImportError("no twitter_text.config['version3']")
    return _FastX(_emoji_chars(emoji.pattern), _Weights(X_CONFIG))


X_WIRE = Tripwire("publish.lengths' X counter", proven=PROVEN_X,
                  uses="twitter_text.config and the source of twitter_text.regexp.emoji",
                  public="twitter_text.parse_tweet for every text", tests="tests/test_publish_lengths.py",
                  setup=_x_internals)


def emoji_chars() -> frozenset[str] | None:
    """Every character that can be part of an emoji twitter-text matches (None: fast path off)."""
    fast = X_WIRE.get()
    return fast.emoji_chars if fast is not None else None


def weighted_length(text: str, options: dict | None = None) -> int:
    """`twitter_text.parse_tweet(text, options).weightedLength` (options: X_CONFIG), without the
    emoji pass when no emoji can match."""
    options = X_CONFIG if options is None else options
    fast = X_WIRE.get()
    if fast is None or options is None:
        return (parse_tweet(text) if options is None else parse_tweet(text, options)).weightedLength
    normalized = _LINE_ENDING.sub("\n", unicodedata.normalize("NFC", text))
    if options.get("emoji_parsing_enabled") and not fast.emoji_chars.isdisjoint(normalized):
        return parse_tweet(text, options).weightedLength
    weights = fast.weights if options is X_CONFIG else _Weights(options)
    url_weight = options["transformed_url_length"] * options["scale"]
    # parse_tweet walks the text; at a URL's start it adds the URL weight and jumps past the URL.
    urls = {entity["indices"][0]: entity["url"] for entity in extract_urls_with_indices(normalized)}
    total, index = 0, 0
    for start in sorted(urls):
        if start < index:  # inside a URL already jumped over
            continue
        total += weights(normalized[index:start]) + url_weight
        index = start + len(urls[start])
    total += weights(normalized[index:])
    return int(total / options["scale"])


@lru_cache(maxsize=256)
def x_length(text: str) -> int:
    """The X weighted length; cached, as compose measures the fitted text again to report it."""
    return weighted_length(text, X_CONFIG)


# ---------------------------------------------------------------- graphemes
def _grapheme_internals() -> Callable[[str], bool]:
    """`is_simple(ch)`: can `ch` only be a cluster of its own (bar CR LF)? From grapheme's tables."""
    from grapheme.grapheme_property_group import GraphemePropertyGroup, get_group
    from grapheme.incb_property_group import InCBPropertyGroup
    from grapheme.incb_property_group import get_group as get_incb_group

    simple_groups = {GraphemePropertyGroup.OTHER, GraphemePropertyGroup.CONTROL, GraphemePropertyGroup.CR,
                     GraphemePropertyGroup.LF, GraphemePropertyGroup.EXTENDED_PICTOGRAPHIC}
    other = InCBPropertyGroup.OTHER
    known: dict[str, bool] = {}

    def is_simple(ch: str) -> bool:
        simple = known.get(ch)
        if simple is None:
            simple = known[ch] = get_group(ch) in simple_groups and get_incb_group(ch) is other
        return simple

    is_simple("a")  # the tables answer as expected, or the setup fails here
    return is_simple


GRAPHEME_WIRE = Tripwire("publish.lengths' grapheme counter", proven=PROVEN_GRAPHEME,
                         uses="grapheme's private property tables", public="grapheme.length for every text",
                         tests="tests/test_publish_lengths.py", setup=_grapheme_internals)


def grapheme_length(text: str) -> int:
    """`grapheme.length(text)`."""
    is_simple = GRAPHEME_WIRE.get()
    if is_simple is not None and all(map(is_simple, set(text))):
        return len(text) - text.count("\r\n")
    return grapheme.length(text)
