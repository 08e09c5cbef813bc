"""publish.lengths: the fast X and grapheme counters give the libraries' numbers, exactly.

The fast paths skip twitter-text's emoji regex (when no emoji can match) and grapheme's state
machine (when no character can join a cluster); each is compared with the library on the
official conformance vectors and on seeded random texts built to hit the edge cases (URLs with
and without a scheme, t.co, CJK, emoji sequences, keycaps, combining marks, CR LF, Hangul jamo,
Indic conjuncts, flags).
"""

from __future__ import annotations

import random
from pathlib import Path

import grapheme
import pytest
import yaml
from twitter_text import parse_tweet
from twitter_text.config import config as tt_config
from twitter_text.regexp.emoji import emoji as emoji_regex
from twitter_text.regexp.emoji import emoji_list

from publish import lengths

VECTORS = Path(__file__).parent / "data" / "twitter_text_weighted.yml"
DATA = yaml.safe_load(VECTORS.read_text("utf-8"))["tests"]
V2 = {**tt_config["version2"], "emoji_parsing_enabled": False}
V3 = tt_config["version3"]
CASES = [
    (config, case)
    for section, config in (
        ("WeightedTweetsCounterTest", V2),
        ("WeightedTweetsWithDiscountedEmojiCounterTest", V3),
        ("UnicodeDirectionalMarkerCounterTest", V3),
    )
    for case in DATA[section]
]

PIECES = [
    # plain words and ASCII punctuation (the fast path)
    "the", "close", "ledger", "Q3", "2026", " ", " ", "  ", ",", ".", ":", ";", "-", "#", "*", "@", "&", "<",
    "(", ")", "1", "9", "0",
    # URLs in the forms twitter-text knows (and some it does not)
    " https://insights.example.com/posts/a-b/?utm_source=x&utm_medium=social ", " http://test.co ",
    " example.com ", "example.com/path?q=1", " www.example.org/x ", " https://t.co/abcdefghij ",
    " http://localhost:8000/p/ ", " 日本語.jp ", "foo.bar", " https://例え.テスト/パス ", "a.b.c.d.com",
    # typography, accents, combining marks, line endings, controls, directional marks
    "“", "”", "’", "–", "—", "…", "é", "e\u0301", "ü", "Å", "A\u030a", "ñ", "\r\n", "\n", "\r", "\t",
    "\u200f", "\u200e", "\u202a", "\u00a0", "\u3000", "\u2032", "\u2010", "\u2028", "\ufeff",
    # wide scripts
    "日本", "語", "故人西辞", "ｱ", "한국어", "\u1100\u1161\u11a8", "क्ष", "ক্ষ", "ภาษาไทย", "Ω", "𝔸", "ß",
    # emoji: singles, presentation selectors, skin tones, ZWJ, keycaps, flags, tags, text-style
    "🚀", "☕", "☕\ufe0f", "🙋🏽", "👨‍🎤", "👨‍👩‍👧‍👦", "🏳️‍🌈", "1️⃣", "#⃣", "*️⃣", "🇬🇧", "🇫🇷🇩🇪", "🇦",
    "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "©", "®", "™", "©\ufe0f", "❤", "❤️", "\u200d", "\ufe0f", "\U0001f3fd",
]


def random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.choice((1, 3, 10, 40, 120)))) for _ in range(count)]


TEXTS = random_texts(1500, seed=20261123)


@pytest.mark.parametrize("config,case", CASES, ids=[c["description"] for _, c in CASES])
def test_weighted_length_matches_the_conformance_vectors(config, case):
    assert lengths.weighted_length(case["text"], config) == case["expected"]["weightedLength"]


@pytest.mark.parametrize("config", [V3, V2], ids=["v3", "v2"])
def test_weighted_length_equals_parse_tweet_on_random_texts(config):
    fast = 0
    for text in TEXTS:
        assert lengths.weighted_length(text, config) == parse_tweet(text, config).weightedLength, text
        fast += lengths.EMOJI_CHARS.isdisjoint(text)
    assert 100 < fast < len(TEXTS) - 100  # both paths were exercised


def test_x_length_of_pure_ascii_is_len_with_urls_as_23():
    assert lengths.x_length("Plain ASCII text, no links.") == len("Plain ASCII text, no links.")
    text = "Read https://insights.example.com/posts/x/?utm_source=x now"
    assert lengths.x_length(text) == len("Read ") + 23 + len(" now") == parse_tweet(text, V3).weightedLength
    assert lengths.x_length("localhost:8000/p is no URL to X") == len("localhost:8000/p is no URL to X")


def test_no_emoji_match_without_an_emoji_char():
    """Every emoji twitter-text can match holds one of EMOJI_CHARS; none is pure ASCII."""
    for entry in emoji_list:
        text = "".join(chr(int(code, 16)) for code in entry.codepoint.split())
        assert not lengths.EMOJI_CHARS.isdisjoint(text), entry
        assert emoji_regex.search(text)
    for code in range(0x80):
        assert chr(code) not in lengths.EMOJI_CHARS
    for text in TEXTS:
        if lengths.EMOJI_CHARS.isdisjoint(text):
            assert not emoji_regex.search(text), text


@pytest.mark.parametrize(
    "text",
    ["", "a", "\r\n", "\r\r\n\n", "e\u0301", "👨‍👩‍👧‍👦", "🇬🇧🇫", "\u1100\u1161\u11a8", "क्ष", "☕", "☕\ufe0f",
     "a\u200db", "\u0600a", "ก\u0e33", "🙋🏽", "\u0001\u0301", "日本語"],
)
def test_grapheme_length_on_cluster_edge_cases(text):
    assert lengths.grapheme_length(text) == grapheme.length(text)


def test_grapheme_length_equals_grapheme_on_random_texts():
    fast = 0
    for text in TEXTS:
        assert lengths.grapheme_length(text) == grapheme.length(text), text
        fast += all(map(lengths._is_simple, set(text)))
    assert 100 < fast < len(TEXTS) - 100
