"""brand.yml patterns run in linear time (RE2), or are refused at load with the line to fix.

A writer's `avoid: pattern` used to run in Python's backtracking `re`: `(a+)+b` on a long run of
"a"s took seconds to minutes. Now every user pattern is compiled by google-re2, and a pattern
that needs backtracking (backreference, lookaround, atomic group) is refused when brand.yml loads.
"""

from __future__ import annotations

import pytest
from test_brand_support import TEST_BRAND, write_config

from plugins.brand_guard import userregex
from plugins.brand_guard.core import BrandConfigError, check_social_text, check_source, load_config

PATTERN_LINE = '  - pattern: "leverag(?:e|es|ed|ing)"'


def with_pattern(pattern: str) -> str:
    return TEST_BRAND.replace('"leverag(?:e|es|ed|ing)"', f"'{pattern}'", 1)


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


REFUSED = {
    "backreference": (r"(\w+) \1", "a backreference"),
    "named backreference": (r"(?P<w>\w+) (?P=w)", "a backreference"),
    "lookahead": (r"cheap(?=er)", "a lookahead or lookbehind"),
    "negative lookbehind": (r"(?<!un)fair", "a negative lookahead or lookbehind"),
    "atomic group": (r"(?>ab|a)c", "an atomic group"),
    "possessive quantifier": (r"a++b", "a possessive quantifier"),
}


@pytest.mark.parametrize("case", REFUSED.values(), ids=REFUSED.keys())
def test_backtracking_patterns_are_refused_with_the_line(tmp_path, case):
    pattern, what = case
    text = with_pattern(pattern)
    path = write_config(tmp_path, text)
    with pytest.raises(BrandConfigError) as info:
        load_config(path)
    error = info.value
    assert error.line == line_of(text, "  - pattern: ")
    assert str(error).startswith(f"{path}:{error.line}: pattern ")
    assert f"uses {what}, which cannot be checked in linear time — rewrite it" in error.message


def test_nested_quantifiers_are_accepted_and_run_in_linear_time(tmp_path):
    cfg = load_config(write_config(tmp_path, with_pattern("(a+)+b")))
    assert cfg.avoid_matcher.patterns is not None  # the pattern runs in RE2, not in `re`
    assert type(cfg.avoid_matcher.patterns.regex).__module__ == "re2"
    # Speed is the benchmark's job (no timed tests); here: the adversarial inputs that take `re`
    # minutes finish at all and find exactly what they should.
    hostile = "a" * 50_000 + "c"
    for text in (hostile, "x " * 25_000):
        assert all(f.rule != "avoid" for f in check_social_text(text, cfg))
    result = check_source("post.md", "Title: A post\n\n" + hostile + " aaab.\n", cfg)
    avoid = [f for f in result.findings if f.rule == "avoid"]
    assert [(f.line, f.column, f.message) for f in avoid] == [
        (3, 50_003, "avoid 'aaab': corporate jargon")]


@pytest.mark.parametrize("text, expected", [
    ("We are leveraging it.", ["leveraging"]),
    ("Leverage leverage, LEVERAGED.", ["Leverage", "leverage", "LEVERAGED"]),
    ("releverage leveragedx xleverage2", []),  # letters glued on either side: not the word
    ("café-leverage naïve leverageé", ["leverage"]),  # non-ASCII letters are letters
    ("日本leverage日本", ["leverage"]),  # CJK is written without spaces: still a word
])
def test_user_patterns_keep_whole_word_matching(tmp_path, text, expected):
    cfg = load_config(write_config(tmp_path))
    found = [f for f in check_social_text(text, cfg) if f.rule == "avoid"]
    assert [text[f.column - 1:f.end_column] for f in found] == expected


def test_a_longer_alternative_still_wins_when_the_shorter_ends_inside_a_word(tmp_path):
    cfg = load_config(write_config(tmp_path, with_pattern("disrupt(?:s|ed|ing|ion|ions|ive)?")))
    found = [f for f in check_social_text("Disruptions and disruption.", cfg) if f.rule == "avoid"]
    assert [(f.column, f.end_column) for f in found] == [(1, 11), (17, 26)]


def test_problem_reports_invalid_and_empty_patterns():
    assert "is not a valid regex" in userregex.problem("leverag(e")
    assert "matches empty text" in userregex.problem("x*")
    assert "named groups are not allowed" in userregex.problem("(?P<n>x)")
    assert userregex.problem("circl(?:e|es|ed|ing)[ -]back") is None


def test_shipped_brand_yml_patterns_all_run_in_re2():
    from sitebuild import REPO

    cfg = load_config(REPO / "brand.yml")
    assert len(cfg.avoid_matcher.patterns.names) == sum(1 for e in cfg.avoid if e.pattern) >= 3


def test_lone_surrogates_and_other_scripts_keep_offsets(tmp_path):
    """Text from JSON can hold a lone surrogate; RE2 works on UTF-8 bytes, offsets stay characters."""
    cfg = load_config(write_config(tmp_path))
    text = "\ud800 é 日本 We are leveraging it \udfff, leverage."
    found = [f for f in check_social_text(text, cfg) if f.rule == "avoid"]
    assert [text[f.column - 1:f.end_column] for f in found] == ["leveraging", "leverage"]
