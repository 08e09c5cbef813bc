"""Shared brand.yml and helpers for the brand guard tests (plus a test that the fixture is valid).

The test configuration is small and explicit so every expected finding in the tests can be
traced to one line here; the shipped brand.yml is tested separately against the sample posts.
"""

from __future__ import annotations

from pathlib import Path

from plugins.brand_guard.core import check_source, load_config

TEST_BRAND = """\
name: Test Co
statement: Test Co helps finance teams close faster with trusted automation and long partnership.
pillars:
  - name: trusted relationships
    keywords: [trust, relationship, partner, referral]
  - name: finance operations
    keywords: [close, reconciliation, cash flow, controller]
terms:
  - use: Northwind Ledger
    instead_of: [NorthwindLedger, North-wind Ledger]
    severity: error
  - use: LinkedIn
    instead_of: [Linkedin, linked-in]
  - use: accounts payable
    instead_of: [AP]
    severity: suggestion
avoid:
  - phrase: synergy
    reason: jargon that says nothing
  - pattern: "leverag(?:e|es|ed|ing)"
    reason: corporate jargon
    suggest: '"use"'
    severity: error
hype: [revolutionary, best-in-class]
confidential: [Project Bluefin, Tidewater]
readability:
  max_sentence_words: 12
alignment:
  min_score: 40
  min_words: 30
specs:
  - text: "We love synergy."
    expect: [avoid]
"""

#: A neutral, on-brand paragraph (no findings) to pad bodies past density and length limits.
FILLER = (
    "Our controllers trust the reconciliation. The close is calm. A partner helps each team.\n"
)


#: An on-brand body of distinct sentences (no findings with TEST_BRAND): it scores green, where
#: FILLER repeated does not (repetition adds nothing to a score).
ON_BRAND = (
    "Trust is earned at the close, not in the sales deck.\n"
    "Last spring a partner firm sent us three controllers from one referral.\n"
    "Each of them had lost a week to manual reconciliation before.\n"
    "We kept the relationship honest by showing every rule we changed.\n"
    "Their cash flow forecast now arrives on the second working day.\n"
    "One controller told her board the numbers were finally boring.\n"
    "That referral came because she could trust what she signed.\n"
    "Our partner team still reviews her close calendar every quarter.\n"
)


def write_config(tmp_path: Path, text: str = TEST_BRAND, name: str = "brand.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def config(tmp_path: Path, text: str = TEST_BRAND):
    return load_config(write_config(tmp_path, text))


def post(body: str, *, header: str = "Title: A post about the close") -> str:
    """A post source: header lines, a blank line, the body."""
    return f"{header}\n\n{body}"


def find(cfg, source: str, rule: str | None = None, **options):
    """Findings of one rule (or all) for a post source."""
    result = check_source("post.md", source, cfg, **options)
    return [f for f in result.findings if rule is None or f.rule == rule]


def position(source: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the n-th `needle` in `source`, counted the independent way."""
    index = -1
    for _ in range(occurrence):
        index = source.index(needle, index + 1)
    before = source[:index]
    line = before.count("\n") + 1
    return line, index - (before.rfind("\n") + 1) + 1


def test_the_shared_test_config_loads_and_self_tests(tmp_path):
    cfg = config(tmp_path)
    assert [p.name for p in cfg.pillars] == ["trusted relationships", "finance operations"]
    assert cfg.max_sentence_words == 12 and cfg.confidential == ("Project Bluefin", "Tidewater")
