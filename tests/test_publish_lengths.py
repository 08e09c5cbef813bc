"""publish.lengths: the fast X and grapheme counters give the libraries' numbers, exactly.

The fast paths skip twitter-text's emoji regex (when no emoji can match) and grapheme's state
machine (when no character can join a cluster); each is compared with the library on the
official conformance vectors and on seeded random texts built to hit the edge cases (URLs with
and without a scheme, t.co, CJK, emoji sequences, keycaps, combining marks, CR LF, Hangul jamo,
Indic conjuncts, flags).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import grapheme
import pytest
import yaml
from twitter_text import parse_tweet
from twitter_text.config import config as tt_config
from twitter_text.regexp.emoji import emoji as emoji_regex
from twitter_text.regexp.emoji import emoji_list

from plugins import tripwire
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
    emoji_chars = lengths.emoji_chars()
    assert emoji_chars, "the fast path is on for the pinned twitter-text"
    for text in TEXTS:
        assert lengths.weighted_length(text, config) == parse_tweet(text, config).weightedLength, text
        fast += emoji_chars.isdisjoint(text)
    assert 100 < fast < len(TEXTS) - 100  # both paths were exercised


def test_x_length_of_pure_ascii_is_len_with_urls_as_23():
    assert lengths.x_length("Plain ASCII text, no links.") == len("Plain ASCII text, no links.")
    text = "Read https://insights.example.com/posts/x/?utm_source=x now"
    assert lengths.x_length(text) == len("Read ") + 23 + len(" now") == parse_tweet(text, V3).weightedLength
    assert lengths.x_length("localhost:8000/p is no URL to X") == len("localhost:8000/p is no URL to X")


def test_no_emoji_match_without_an_emoji_char():
    """Every emoji twitter-text can match holds one of `emoji_chars()`; none is pure ASCII."""
    emoji_chars = lengths.emoji_chars()
    for entry in emoji_list:
        text = "".join(chr(int(code, 16)) for code in entry.codepoint.split())
        assert not emoji_chars.isdisjoint(text), entry
        assert emoji_regex.search(text)
    for code in range(0x80):
        assert chr(code) not in emoji_chars
    for text in TEXTS:
        if emoji_chars.isdisjoint(text):
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
    is_simple = lengths.GRAPHEME_WIRE.get()
    assert is_simple, "the fast path is on for the pinned graphemeu"
    for text in TEXTS:
        assert lengths.grapheme_length(text) == grapheme.length(text), text
        fast += all(map(is_simple, set(text)))
    assert 100 < fast < len(TEXTS) - 100


# ---------------------------------------------------------------- tripwires: the public path
CONFIGS = {"v2": V2, "v3": V3}
SAMPLES = [("v2" if config is V2 else "v3", case["text"]) for config, case in CASES] + [
    (name, text) for text in TEXTS[:150] for name in ("v2", "v3")]
EXPECTED = [case["expected"]["weightedLength"] for _, case in CASES]


def all_lengths() -> tuple[list[int], list[int]]:
    """Weighted lengths of SAMPLES (conformance vectors first) and grapheme lengths of random texts."""
    return ([lengths.weighted_length(text, CONFIGS[name]) for name, text in SAMPLES],
            [lengths.grapheme_length(text) for text in TEXTS[:600]])


@pytest.fixture
def fresh_wires():
    tripwire.forget_all()
    yield
    tripwire.forget_all()


def tripwire_warnings(caplog, part: str) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "plugins.tripwire" and r.levelname == "WARNING" and r.getMessage().startswith(part)]


def test_pinned_versions_take_the_fast_paths_without_a_warning(caplog, fresh_wires):
    fast = all_lengths()
    assert lengths.X_WIRE.get() is not None and lengths.GRAPHEME_WIRE.get() is not None
    assert fast[0][:len(EXPECTED)] == EXPECTED
    assert not [r for r in caplog.records if r.name == "plugins.tripwire"]


def test_other_library_versions_count_with_the_public_calls_identically(monkeypatch, caplog, fresh_wires):
    fast = all_lengths()
    lengths.x_length.cache_clear()
    monkeypatch.setitem(lengths.PROVEN_X, "twitter-text-parser", "2.9.9")
    monkeypatch.setitem(lengths.PROVEN_GRAPHEME, "graphemeu", ("0.10.0", "0.10.1"))
    tripwire.forget_all()
    public = all_lengths()
    public_again = all_lengths()
    assert lengths.X_WIRE.get() is None and lengths.GRAPHEME_WIRE.get() is None
    assert lengths.emoji_chars() is None
    assert public == fast == public_again
    assert public[0][:len(EXPECTED)] == EXPECTED
    assert lengths.x_length("Read https://example.com/a now \U0001f680") == parse_tweet(
        "Read https://example.com/a now \U0001f680", V3).weightedLength
    [x_warning] = tripwire_warnings(caplog, "publish.lengths' X counter")
    assert "twitter-text-parser 3.0.0 is installed" in x_warning
    assert "proven on twitter-text-parser 2.9.9" in x_warning
    assert "twitter_text.parse_tweet" in x_warning and "tests/test_publish_lengths.py" in x_warning
    assert "publish/lengths.py" in x_warning
    [g_warning] = tripwire_warnings(caplog, "publish.lengths' grapheme counter")
    assert "graphemeu 0.11.0 is installed" in g_warning and "0.10.0 / 0.10.1" in g_warning


def test_missing_private_modules_fall_back_to_the_public_calls(monkeypatch, caplog, fresh_wires):
    """A release that moves the private modules: ImportError at setup → the public path, warned once."""
    fast = all_lengths()
    lengths.x_length.cache_clear()
    monkeypatch.setitem(sys.modules, "twitter_text.regexp.emoji", None)  # `import` now raises ImportError
    monkeypatch.setitem(sys.modules, "grapheme.incb_property_group", None)
    tripwire.forget_all()
    assert all_lengths() == fast
    assert lengths.X_WIRE.get() is None and lengths.GRAPHEME_WIRE.get() is None
    for part in ("publish.lengths' X counter", "publish.lengths' grapheme counter"):
        [warning] = tripwire_warnings(caplog, part)
        assert "not what it expects (ModuleNotFoundError" in warning, warning


def test_an_unexpected_emoji_regex_falls_back(monkeypatch, caplog, fresh_wires):
    """The emoji regex's source is parsed: a different shape must not crash publish or miscount."""
    import twitter_text.regexp.emoji as emoji_module

    fast = all_lengths()
    lengths.x_length.cache_clear()
    monkeypatch.setattr(emoji_module, "emoji", __import__("re").compile(r"(?:\U0001f680)+"))
    tripwire.forget_all()
    assert lengths.emoji_chars() is None
    monkeypatch.undo()  # parse_tweet's own reference is untouched; the decision stays for the process
    assert all_lengths() == fast
    [warning] = tripwire_warnings(caplog, "publish.lengths' X counter")
    assert "RuntimeError: unexpected twitter-text emoji pattern" in warning


ASSUME_SCRIPT = """
import json, sys
sys.path.insert(0, sys.argv[1])
from publish import lengths
samples, texts, configs = json.load(sys.stdin)
print(json.dumps([[lengths.weighted_length(t, configs[n]) for n, t in samples],
                  [lengths.grapheme_length(t) for t in texts[:600]],
                  [lengths.x_length(t) for _, t in samples],
                  lengths.X_WIRE.get() is None, lengths.GRAPHEME_WIRE.get() is None]))
"""


@pytest.mark.parametrize("assume", ["", "twitter-text-parser==3.1.0, graphemeu==0.12.0",
                                    "Twitter_Text_Parser==3.1.0"])
def test_assumed_upgrade_in_a_fresh_process_gives_identical_lengths(assume, fresh_wires):
    """LECTERN_ASSUME_VERSIONS checks as if another version were installed (the upgrade case)."""
    proc = subprocess.run([sys.executable, "-c", ASSUME_SCRIPT, str(Path(__file__).resolve().parent.parent)],
                          input=json.dumps([SAMPLES, TEXTS, CONFIGS]), capture_output=True, text=True,
                          env={**os.environ, tripwire.ASSUME_ENV: assume}, timeout=300, check=True)
    weighted, graphemes, x, x_public, g_public = json.loads(proc.stdout)
    fast = all_lengths()
    assert (weighted, graphemes) == fast
    assert x == [lengths.weighted_length(t, V3) for _, t in SAMPLES]
    assert weighted[:len(EXPECTED)] == EXPECTED
    assert (x_public, g_public) == (bool(assume), "grapheme" in assume)
    upgraded = "publish.lengths' X counter: twitter-text-parser 3.1.0 is installed"
    assert proc.stderr.count(upgraded) == bool(assume), proc.stderr
    assert proc.stderr.count("publish.lengths' grapheme counter:") == ("grapheme" in assume)
    assert proc.stderr.count("same output, slower") == bool(assume) + ("grapheme" in assume)


LONG_TEXTS = {
    "default": "Close faster 🚀 — " + "the five-day close is a trust problem, not a tooling problem; " * 9,
    "x": "月末決算 " * 70 + "👨‍👩‍👧‍👦 and café e\u0301 ",
    "mastodon": "🇬🇧🇫🇷 Controllers: " + "réconciliation, clôture — " * 30,
    "bluesky": "क्ष " * 120 + "\r\nnext line",
}


def preview(tmp: Path) -> dict[str, str]:
    """The publish preview (plan.json + index.html) of two posts whose texts must be cut to fit."""
    from fakes.harness import post, settings_for, write_conf, write_manifest

    from publish.cli import main

    settings = settings_for(tmp)
    write_manifest(Path(settings["SYNDICATION_MANIFEST"]), [
        post("long-social", social=LONG_TEXTS),
        post("long-summary", title="Ünïcödé ☕",
             summary="Summary 🙋🏽 " + "with a long tail of words, " * 40),
    ])
    assert main(["--settings", str(write_conf(tmp, settings)), "--preview-only"], env={}) == 0
    folder = Path(settings["SYNDICATION_PREVIEW_DIR"])
    return {name: (folder / name).read_text(encoding="utf-8") for name in ("plan.json", "index.html")}


def test_publish_preview_is_identical_on_the_public_path(tmp_path, monkeypatch, caplog, fresh_wires):
    """compose's fitting loop measures through publish.lengths: same cuts, same preview."""
    fast = preview(tmp_path / "fast")
    plan = json.loads(fast["plan.json"])
    assert len(plan) >= 8 and any("…" in json.dumps(item, ensure_ascii=False) for item in plan)
    lengths.x_length.cache_clear()
    monkeypatch.setitem(lengths.PROVEN_X, "twitter-text-parser", "3.0.1")
    monkeypatch.setitem(lengths.PROVEN_GRAPHEME, "graphemeu", "0.11.1")
    tripwire.forget_all()
    public = preview(tmp_path / "public")
    assert lengths.X_WIRE.get() is None and lengths.GRAPHEME_WIRE.get() is None
    assert public == {name: text.replace(str(tmp_path / "fast"), str(tmp_path / "public"))
                      for name, text in fast.items()}
    assert len(tripwire_warnings(caplog, "publish.lengths' X counter")) == 1
    assert len(tripwire_warnings(caplog, "publish.lengths' grapheme counter")) == 1
