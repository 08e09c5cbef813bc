"""The rule registry: one table (registry.REGISTRY) that checking, config and findings loop over.

A new rule is one module plus one entry: this test adds a rule to the table at run time and sees
it checked in titles, bodies and social texts, suppressible like the others, and accepted in
brand.yml specs — without touching core, config or findings.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from test_brand_support import TEST_BRAND, write_config

from plugins.brand_guard import core, findings, registry
from plugins.brand_guard.findings import Hit


def test_rule_ids_and_suppressible_rules_come_from_the_table():
    assert findings.RULES == tuple(rule.id for rule in registry.REGISTRY) == (
        "terms", "avoid", "hype", "confidential", "readability", "alignment", "encoding", "bidi")
    assert findings.SUPPRESSIBLE == tuple(r for r in findings.RULES if r != "confidential")
    assert {rule.id for rule in registry.applying_to("source")} == {"confidential"}
    assert {rule.id for rule in registry.applying_to("body")} == {
        "terms", "avoid", "hype", "readability", "encoding", "bidi"}


def _gizmo_check(view: str, ctx: registry.Context) -> list[Hit]:
    return [Hit(m.start(), m.end(), "widgets", "warning", f"'gizmo' in the {ctx.place}", "device")
            for m in re.finditer("gizmo", view)]


@pytest.fixture
def with_widgets(monkeypatch):
    """A made-up rule, registered the way a new module would be: one entry in the table."""
    rule = registry.Rule("widgets", frozenset({"title", "body", "social"}), "warning", _gizmo_check)
    table = registry.REGISTRY + (rule,)
    monkeypatch.setattr(registry, "REGISTRY", table)
    monkeypatch.setattr(registry, "BY_ID", {r.id: r for r in table})
    monkeypatch.setattr(registry, "RULES", tuple(r.id for r in table))
    monkeypatch.setattr(registry, "SUPPRESSIBLE", tuple(r.id for r in table if r.suppressible))
    monkeypatch.setattr(registry, "PROSE_RULES", tuple(r for r in table if r.applies_to & registry.PROSE))
    monkeypatch.setattr(core, "PROSE_RULES", registry.PROSE_RULES)
    monkeypatch.setattr(core, "RULES", registry.RULES)
    monkeypatch.setattr(core, "SUPPRESSIBLE", registry.SUPPRESSIBLE)
    from plugins.brand_guard import config

    monkeypatch.setattr(config, "RULES", registry.RULES)
    return rule


def test_a_new_rule_is_one_entry(tmp_path, with_widgets):
    spec = '  - text: "A gizmo for you."\n    expect: [widgets]\n'
    cfg = core.load_config(write_config(tmp_path, TEST_BRAND + spec))
    text = ("Title: The gizmo post\nDate: 2026-01-01\n\nA gizmo here.\n\n"
            "<!-- brand: ignore widgets -->\nA gizmo.\n")
    result = core.check_source("p.md", text, cfg)
    widgets = [(f.line, f.column, f.message) for f in result.findings if f.rule == "widgets"]
    assert widgets == [(1, 12, "'gizmo' in the title"), (4, 3, "'gizmo' in the body")]
    assert result.suppressed == 1
    social = core.check_social_text("Our gizmo", cfg, channel="x")
    assert [(f.rule, f.column) for f in social] == [("widgets", 5)]
    ignored = core.check_source("p.md", "Title: x\nBrand_ignore: widgets\n\nA gizmo.\n", cfg)
    assert not [f for f in ignored.findings if f.rule == "widgets"] and not ignored.notes


def test_summary_is_not_checked_by_a_rule_that_does_not_apply_there(tmp_path, with_widgets):
    cfg = core.load_config(write_config(tmp_path))
    result = core.check_source("p.md", "Title: x\nSummary: A gizmo.\n\nBody.\n", cfg)
    assert not [f for f in result.findings if f.rule == "widgets"]


def test_each_compiled_matcher_is_kept_by_rule_id(tmp_path):
    cfg = core.load_config(write_config(tmp_path))
    compiled = {rule.id for rule in registry.REGISTRY if rule.compile}
    assert set(cfg.matchers) == compiled
    assert cfg.leak_matcher is cfg.matchers["confidential"]
    assert dataclasses.is_dataclass(registry.Rule)
