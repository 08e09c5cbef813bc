"""brand.yml validation: every mistake names the file and the line to fix; specs gate loading."""

from __future__ import annotations

import pytest
from test_brand_support import TEST_BRAND, write_config

from plugins.brand_guard.core import BrandConfigError, load_config


def error_for(tmp_path, text: str) -> BrandConfigError:
    path = write_config(tmp_path, text)
    with pytest.raises(BrandConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}:{info.value.line}: ")
    return info.value


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def replaced(old: str, new: str) -> str:
    assert old in TEST_BRAND
    return TEST_BRAND.replace(old, new, 1)


CASES = {
    "unknown top-level key": (replaced("hype:", "hyp:"), "hyp:", "unknown key 'hyp'", "did you mean 'hype'"),
    "unknown key in a pillar": (replaced("    keywords: [trust", "    keyword: [trust"), "keyword:",
                                "unknown key 'keyword' in a pillar", "did you mean 'keywords'"),
    "wrong type": (replaced("keywords: [close, reconciliation, cash flow, controller]", "keywords: close"),
                   "keywords: close", "expected a list, got text", ""),
    "empty list": (replaced("confidential: [Project Bluefin, Tidewater]", "confidential: []"),
                   "confidential: []", "this list is empty", ""),
    "number where text is expected": (replaced("hype: [revolutionary,", "hype: [42,"), "hype: [42",
                                      "expected text, got a number", ""),
    "bad regex": (replaced('"leverag(?:e|es|ed|ing)"', '"leverag(e"'), '"leverag(e"',
                  "is not a valid regex", ""),
    "regex matching nothing": (replaced('"leverag(?:e|es|ed|ing)"', '"x*"'), '"x*"',
                               "matches empty text", ""),
    "bad severity": (replaced("severity: suggestion", "severity: fatal"), "severity: fatal",
                     "severity 'fatal' must be one of suggestion, warning, error", ""),
    "out of range": (replaced("min_score: 40", "min_score: 140"), "min_score: 140", "out of range", ""),
    "duplicate key": (replaced("hype:", "statement: again\nhype:"), "statement: again",
                      "'statement' appears twice", ""),
    "phrase and pattern": (replaced("  - phrase: synergy\n", "  - phrase: synergy\n    pattern: syn\n"),
                           "  - phrase: synergy", "exactly one of 'phrase' or 'pattern'", ""),
    "unknown rule in a spec": (replaced("expect: [avoid]", "expect: [avoidance]"), "expect: [avoidance]",
                               "unknown rule 'avoidance'", ""),
    "invalid yaml": (replaced("hype: [revolutionary,", "hype: [revolutionary,,]\nbroken: ["),
                     "broken: [", "not valid YAML", ""),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_config_errors_name_the_line(tmp_path, case):
    text, needle, message, hint = case
    error = error_for(tmp_path, text)
    assert message in error.message and hint in error.message
    if "YAML" not in message:
        assert error.line == line_of(text, needle)
    else:
        assert abs(error.line - line_of(text, needle)) <= 1


def test_missing_required_key_and_missing_file(tmp_path):
    error = error_for(tmp_path, "pillars:\n  - name: x\n    keywords: [y]\n")
    assert error.line == 1 and "needs 'statement'" in error.message
    with pytest.raises(BrandConfigError, match=r"nope\.yml:1: file not found"):
        load_config(tmp_path / "nope.yml")


def test_a_failing_spec_rejects_the_file_at_the_spec_line(tmp_path):
    text = TEST_BRAND + '  - text: "Synergy is fine here."\n    expect: []\n'
    error = error_for(tmp_path, text)
    assert error.line == line_of(text, '  - text: "Synergy is fine here."')
    assert "spec failed" in error.message and "gives [avoid]" in error.message


def test_specs_can_assert_clean_text_and_internal_audience(tmp_path):
    text = TEST_BRAND + ('  - text: "Project Bluefin notes."\n    audience: internal\n    expect: []\n'
                         '  - text: "Project Bluefin notes."\n    expect: [confidential]\n')
    assert len(load_config(write_config(tmp_path, text)).specs) == 3


def test_hype_accepts_a_plain_list_or_a_mapping(tmp_path):
    mapping = replaced("hype: [revolutionary, best-in-class]",
                       "hype:\n  words: [revolutionary]\n  max_per_1000_words: 1.5\n  acronyms: [EBIT]")
    cfg = load_config(write_config(tmp_path, mapping))
    assert cfg.hype == ("revolutionary",) and cfg.hype_per_1000_words == 1.5 and "EBIT" in cfg.acronyms


def test_shipped_brand_yml_loads_and_describes_the_sample_company():
    from sitebuild import REPO

    cfg = load_config(REPO / "brand.yml")
    assert cfg.name == "Northwind Ledger" and "finance teams" in cfg.statement
    assert {"Project Bluefin", "Project Kestrel", "Tidewater"} <= set(cfg.confidential)
    assert len(cfg.pillars) >= 3 and len(cfg.specs) >= 5
