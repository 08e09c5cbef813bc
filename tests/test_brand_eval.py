"""The brand guard against the labeled evaluation set (tests/data/brand_eval, `make brand-eval`).

Thresholds from issue 12: recall >= 95% for every rule, no false errors, at most two false
warnings per 10,000 words, and nothing at all where the labels say nothing must be found.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bench.brand_eval import DEFAULT, RULES, LabelError, evaluate, main


@pytest.fixture(scope="module")
def ev():
    return evaluate(DEFAULT)


def test_the_set_has_twenty_texts_of_five_hundred_words_each_with_labels():
    posts = [p for p in sorted(DEFAULT.glob("*.md")) if p.name.lower() != "readme.md"]
    assert len(posts) >= 20
    for post in posts:
        body = post.read_text(encoding="utf-8").split("\n\n", 1)[1]
        assert len(body.split()) >= 500, post.name
        assert post.with_suffix(".labels.yml").is_file(), post.name


def test_every_rule_is_labeled_and_recall_is_at_least_95_percent(ev):
    for rule in RULES:
        score = ev.rules[rule]
        assert score.labels >= 3, rule
        assert score.recall >= 0.95, (rule, [str(m) for m in ev.missed])


def test_no_false_errors_and_at_most_two_false_warnings_per_10000_words(ev):
    assert ev.words >= 10_000
    assert ev.per_10k("error") == 0, [str(f) for f in ev.false_positives]
    assert ev.per_10k("warning") <= 2, [str(f) for f in ev.false_positives]


def test_nothing_is_found_where_nothing_must_be_found(ev):
    assert sum(1 for p in DEFAULT.glob("*.labels.yml")
               for _ in (yaml.safe_load(p.read_text(encoding="utf-8"))["clean"] or [])) >= 40
    assert ev.in_clean == []


def test_the_evaluation_notices_a_missed_finding_and_a_false_one(tmp_path):
    """The numbers can fail: drop one expected label and add a word the guard must flag."""
    shutil.copytree(DEFAULT, tmp_path / "set")
    folder = tmp_path / "set"
    labels = folder / "14-newsletter-wrong-terms.labels.yml"
    doc = yaml.safe_load(labels.read_text(encoding="utf-8"))
    dropped = doc["expect"].pop(0)
    labels.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    post = folder / "10-clean-essay-trust.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nWe love synergy.\n", encoding="utf-8")
    ev = evaluate(folder)
    assert ev.rules[dropped["rule"]].precision < 1 and ev.rules["avoid"].precision < 1
    assert {f.path for f in ev.false_positives} == {"14-newsletter-wrong-terms.md", "10-clean-essay-trust.md"}
    doc["expect"].append({**dropped, "column": dropped["column"] + 3})
    labels.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(LabelError, match="fix the label"):
        evaluate(folder)


def test_make_brand_eval_prints_precision_and_recall_per_rule(capsys):
    assert main([str(DEFAULT)]) == 0
    out = capsys.readouterr().out
    for rule in RULES:
        assert rule in out
    assert "precision" in out and "recall" in out and "false warnings per 10,000 words" in out


def test_labels_point_at_their_words():
    """Every label's text stands at its line and column (evaluate() raises otherwise)."""
    for labels in DEFAULT.glob("*.labels.yml"):
        text = labels.with_name(labels.name.replace(".labels.yml", ".md")).read_text(encoding="utf-8")
        lines = text.split("\n")
        doc = yaml.safe_load(labels.read_text(encoding="utf-8"))
        for item in (doc["expect"] or []) + (doc["clean"] or []):
            assert lines[item["line"] - 1][item["column"] - 1:].startswith(item["text"]), (labels.name, item)
    assert Path(DEFAULT / "brand.yml").is_file()
