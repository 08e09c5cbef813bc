"""Render a Report for people (colored text), machines (JSON) and CI (GitHub annotations)."""

from __future__ import annotations

import json
from collections import Counter
from typing import TextIO

from .core import Report
from .findings import Finding, rank

_STYLE = {"error": "bold red", "warning": "yellow", "suggestion": "cyan"}
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "suggestion": "notice"}


def visible(report: Report, min_severity: str) -> list[Finding]:
    """Findings at or above `min_severity`, in report order."""
    floor = rank(min_severity)
    return [f for f in report.findings if rank(f.severity) >= floor]


def summary_line(report: Report, findings: list[Finding]) -> str:
    counts = Counter(f.severity for f in findings)
    parts = [_plural(counts["error"], "error"), _plural(counts["warning"], "warning"),
             _plural(counts["suggestion"], "suggestion")]
    drafts = sum(1 for r in report.results if r.draft and any(f.severity == "error" for f in r.findings))
    tail = f" ({_plural(drafts, 'draft')} with errors, not blocking)" if drafts else ""
    return (f"{_plural(report.files, 'file')}, {report.words:,} words: {', '.join(parts)}{tail}; "
            f"{report.suppressed} suppressed")


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def write_json(report: Report, findings: list[Finding], out: TextIO) -> None:
    json.dump(report.as_json(findings), out, ensure_ascii=False, indent=2)
    out.write("\n")


def github_escape(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def github_line(f: Finding) -> str:
    """One workflow command: ::error file=...,line=...,col=...,endColumn=...,title=...::message"""
    props = [f"file={github_escape(f.path, prop=True)}", f"line={f.line}", f"col={f.column}"]
    if f.end_column:
        props.append(f"endColumn={f.end_column}")
    props.append(f"title={github_escape(f'brand {f.rule}', prop=True)}")
    message = f.message + (f" (suggestion: {f.suggestion})" if f.suggestion else "")
    return f"::{_GITHUB_LEVEL[f.severity]} {','.join(props)}::{github_escape(message)}"


def write_github(report: Report, findings: list[Finding], out: TextIO) -> None:
    for f in findings:
        out.write(github_line(f) + "\n")
    out.write(summary_line(report, findings) + "\n")


def write_text(report: Report, findings: list[Finding], out: TextIO, *, color: bool | None = None,
               band=None) -> None:
    """Findings grouped by file with the post's alignment score and band, then a one-line summary.
    `band`: score -> green/amber/red (the brand's thresholds; default 80/60)."""
    if band is None:
        from .rules.alignment import band_of as band
    from rich.console import Console  # imported here: JSON and CI output never pay for it
    from rich.text import Text

    console = Console(file=out, force_terminal=color, no_color=color is False, highlight=False,
                      soft_wrap=True)
    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        by_path.setdefault(f.path, []).append(f)
    for result in report.results:
        items = by_path.get(result.path)
        if not items:
            continue
        head = Text(result.path, style="bold underline")
        if result.alignment is not None:
            score = result.alignment.score
            head.append(f"  alignment {score}/100 {band(score)}", style="dim")
        if result.draft:
            head.append(f"  {result.status if result.status != 'published' else 'draft'} (never blocks)",
                        style="dim")
        console.print(head)
        for f in items:
            line = Text(f"  {f.line}:{f.column}".ljust(10))
            line.append(f.severity.ljust(11), style=_STYLE[f.severity])
            line.append(f.rule.ljust(13), style="bold")
            line.append(f.message)
            if f.suggestion:
                line.append(f"  → {f.suggestion}", style="green")
            console.print(line)
        console.print()
    for note in (n for r in report.results for n in r.notes):
        console.print(Text(f"note: {note}", style="dim"))
    counts = Counter(f.severity for f in findings)
    style = "bold red" if counts["error"] else "yellow" if counts["warning"] else "green"
    console.print(Text(summary_line(report, findings), style=style))
