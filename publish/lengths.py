"""Channel length counters, exact and fast.

- `x_length`: the twitter-text v3 weighted length, the same number `twitter_text.parse_tweet`
  gives. parse_tweet runs its emoji regex (thousands of alternatives) over the whole text, about
  1 ms per call, and the fitting loop calls it several times per post. Here the emoji pass runs
  only when the text holds a character that can be part of an emoji at all (`EMOJI_CHARS`, read
  from twitter-text's own emoji regex); otherwise no emoji can match, and the weighted length is
  the per-character weights of twitter-text's config plus `transformed_url_length` per URL that
  twitter-text's own URL extractor finds — the same arithmetic as parse_tweet, without the emoji
  pass. Anything else falls back to parse_tweet itself.
- `grapheme_length`: `grapheme.length`, with a fast path for text whose characters cannot join
  into multi-character clusters (grapheme break property Other, Control, CR, LF or
  Extended_Pictographic, and no Indic conjunct property): then every character is its own cluster,
  except CR LF, which is one.

Both fast paths are checked against the libraries on the conformance vectors and on random texts
(tests/test_publish_lengths.py).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import grapheme
from grapheme.grapheme_property_group import GraphemePropertyGroup, get_group
from grapheme.incb_property_group import InCBPropertyGroup
from grapheme.incb_property_group import get_group as get_incb_group
from twitter_text import parse_tweet
from twitter_text.config import config as twitter_config
from twitter_text.extract_urls import extract_urls_with_indices
from twitter_text.regexp.emoji import emoji as emoji_regex

X_CONFIG = twitter_config["version3"]


# ---------------------------------------------------------------- X (twitter-text v3)
def _emoji_chars(pattern: str) -> frozenset[str]:
    """Every character whose absence from a text proves twitter-text finds no emoji in it.

    twitter-text's emoji regex is `seq|seq|...|[single code points and ranges]`, each `seq` a
    literal sequence of `\\U........` escapes. A match is either one of the singles or a whole
    sequence, and every sequence holds a non-ASCII code point (checked), so the singles plus the
    sequences' non-ASCII code points will do. Read from the compiled pattern itself.
    """
    escape = r"\\U([0-9a-fA-F]{8})"
    cut = pattern.rindex("|[")
    singles, sequences = pattern[cut + 2:-1], pattern[:cut].split("|")
    if not pattern.endswith("]") or re.sub(escape + "|-", "", singles):
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


EMOJI_CHARS = _emoji_chars(emoji_regex.pattern)
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


_X_WEIGHTS = _Weights(X_CONFIG)


def weighted_length(text: str, options: dict = X_CONFIG) -> int:
    """`twitter_text.parse_tweet(text, options).weightedLength`, without the emoji pass when no
    emoji can match."""
    normalized = _LINE_ENDING.sub("\n", unicodedata.normalize("NFC", text))
    if options.get("emoji_parsing_enabled") and not EMOJI_CHARS.isdisjoint(normalized):
        return parse_tweet(text, options).weightedLength
    weights = _X_WEIGHTS if options is X_CONFIG else _Weights(options)
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
_SIMPLE_GROUPS = {GraphemePropertyGroup.OTHER, GraphemePropertyGroup.CONTROL, GraphemePropertyGroup.CR,
                  GraphemePropertyGroup.LF, GraphemePropertyGroup.EXTENDED_PICTOGRAPHIC}
_simple: dict[str, bool] = {}


def _is_simple(ch: str) -> bool:
    known = _simple.get(ch)
    if known is None:
        known = _simple[ch] = (get_group(ch) in _SIMPLE_GROUPS
                               and get_incb_group(ch) is InCBPropertyGroup.OTHER)
    return known


def grapheme_length(text: str) -> int:
    """`grapheme.length(text)`."""
    if all(map(_is_simple, set(text))):
        return len(text) - text.count("\r\n")
    return grapheme.length(text)
