"""Precision and recall of the brand guard on a labeled set of real-length texts (`make brand-eval`).

    .venv/bin/python bench/brand_eval.py [DIR] [--json]

DIR (default tests/data/brand_eval) holds posts (`*.md`), one `*.labels.yml` per post and the
set's own `brand.yml`. A labels file lists what a careful editor expects the guard to find —
`expect: [{rule, line, column, text}]` — and places where nothing at all must be found —
`clean: [{line, column, text}]`. `text` is what stands at line:column (checked, so a label
cannot drift away from its words).

A finding matches a label of the same rule on the same line when their columns overlap; each
label and each finding is used once. Per rule: precision = matched / findings, recall = matched /
labels. Unmatched findings are false positives, counted by severity per 10,000 words (the
thresholds in tests/test_brand_eval.py: recall >= 95% per rule, 0 false errors, <= 2 false
warnings per 10,000 words). `alignment` is a post score, not a place in the text: not labeled.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from plugins.brand_guard.core import check_file, load_config  # noqa: E402
from plugins.brand_guard.findings import Finding  # noqa: E402

DEFAULT = REPO / "tests" / "data" / "brand_eval"
RULES = ("terms", "avoid", "hype", "confidential", "readability", "encoding", "bidi")


@dataclass
class Label:
    path: str
    rule: str
    line: int
    column: int
    text: str

    @property
    def last(self) -> int:
        return self.column + max(len(self.text.splitlines()[0] if self.text else ""), 1) - 1


@dataclass
class RuleScore:
    rule: str
    labels: int = 0
    findings: int = 0
    matched: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.findings if self.findings else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.labels if self.labels else 1.0


@dataclass
class Evaluation:
    files: int = 0
    words: int = 0
    rules: dict[str, RuleScore] = field(default_factory=dict)
    false_positives: list[Finding] = field(default_factory=list)
    missed: list[Label] = field(default_factory=list)
    in_clean: list[tuple[Label, Finding]] = field(default_factory=list)

    def per_10k(self, severity: str) -> float:
        count = sum(1 for f in self.false_positives if f.severity == severity)
        return count * 10_000 / max(self.words, 1)

    def as_json(self) -> dict:
        return {
            "files": self.files, "words": self.words,
            "rules": {r: {"labels": s.labels, "findings": s.findings, "matched": s.matched,
                          "precision": round(s.precision, 4), "recall": round(s.recall, 4)}
                      for r, s in self.rules.items()},
            "false_errors_per_10k_words": round(self.per_10k("error"), 3),
            "false_warnings_per_10k_words": round(self.per_10k("warning"), 3),
            "false_suggestions_per_10k_words": round(self.per_10k("suggestion"), 3),
            "false_positives": [str(f) for f in self.false_positives],
            "missed": [f"{m.path}:{m.line}:{m.column} {m.rule} {m.text!r}" for m in self.missed],
            "in_clean": [f"{lab.path}:{lab.line}:{lab.column} {lab.text!r}: {f}" for lab, f in self.in_clean],
        }


class LabelError(ValueError):
    """A labels file that does not describe its text (path:line: what is wrong)."""


def _labels(path: Path, text: str) -> tuple[list[Label], list[Label]]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    lines = text.split("\n")
    out: dict[str, list[Label]] = {"expect": [], "clean": []}
    for kind in out:
        for item in doc.get(kind) or []:
            label = Label(path.name, item.get("rule", ""), int(item["line"]), int(item["column"]),
                          str(item["text"]))
            if kind == "expect" and label.rule not in RULES:
                raise LabelError(f"{path}: unknown rule '{label.rule}' (rules: {', '.join(RULES)})")
            there = lines[label.line - 1][label.column - 1:] if label.line <= len(lines) else ""
            if not there.startswith(label.text.split("\n")[0]):
                raise LabelError(f"{path}: line {label.line} column {label.column} reads {there[:30]!r}, "
                                 f"not {label.text!r}: fix the label")
            out[kind].append(label)
    return out["expect"], out["clean"]


def _overlaps(finding: Finding, label: Label) -> bool:
    last = finding.end_column or finding.column
    return finding.line == label.line and finding.column <= label.last and label.column <= last


def evaluate(folder: Path = DEFAULT, config: Path | None = None) -> Evaluation:
    """Check every post in `folder` with its brand.yml and compare with the labels."""
    cfg = load_config(config or folder / "brand.yml")
    result = Evaluation(rules={r: RuleScore(r) for r in RULES})
    for post in sorted(folder.glob("*.md")):
        if post.name.lower() == "readme.md":
            continue
        text = post.read_text(encoding="utf-8")
        expect, clean = _labels(post.with_suffix(".labels.yml"), text)
        checked = check_file(post, cfg, display=post.name)
        result.files += 1
        result.words += checked.words
        findings = [f for f in checked.findings if f.rule in RULES]
        for lab in clean:
            result.in_clean += [(lab, f) for f in checked.findings if _overlaps(f, lab)]
        unused = list(expect)
        for finding in findings:
            score = result.rules[finding.rule]
            score.findings += 1
            hit = next((lab for lab in unused if lab.rule == finding.rule and _overlaps(finding, lab)), None)
            if hit is None:
                result.false_positives.append(finding)
            else:
                unused.remove(hit)
                score.matched += 1
        for lab in expect:
            result.rules[lab.rule].labels += 1
        result.missed += unused
    return result


def render(ev: Evaluation) -> str:
    rows = [f"brand eval: {ev.files} texts, {ev.words:,} words", "",
            f"{'rule':<13} {'labels':>6} {'found':>6} {'right':>6} {'precision':>9} {'recall':>7}"]
    for s in ev.rules.values():
        rows.append(f"{s.rule:<13} {s.labels:>6} {s.findings:>6} {s.matched:>6} "
                    f"{s.precision:>9.1%} {s.recall:>7.1%}")
    rows += ["", f"false errors per 10,000 words:      {ev.per_10k('error'):.2f}",
             f"false warnings per 10,000 words:    {ev.per_10k('warning'):.2f}",
             f"false suggestions per 10,000 words: {ev.per_10k('suggestion'):.2f}"]
    if ev.false_positives:
        rows += ["", "false positives (found, not expected):"] + [f"  {f}" for f in ev.false_positives]
    if ev.missed:
        rows += ["", "missed (expected, not found):"] + [
            f"  {m.path}:{m.line}:{m.column} {m.rule} {m.text!r}" for m in ev.missed]
    if ev.in_clean:
        rows += ["", "findings where nothing must be found:"] + [
            f"  {lab.text!r}: {f}" for lab, f in ev.in_clean]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--config", type=Path, help="brand.yml to use (default: the folder's own)")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)
    try:
        ev = evaluate(args.folder, args.config)
    except LabelError as exc:
        print(f"brand eval: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(ev.as_json(), indent=2, ensure_ascii=False) if args.json else render(ev))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
