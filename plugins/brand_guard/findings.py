"""The finding record every rule, report and caller shares, and the severity scale.

Rules work on character offsets inside one piece of text (`Hit`); the checker turns those into
file positions (`Finding`) once, so no rule ever has to know about lines, CRLF or headers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

SEVERITIES = ("suggestion", "warning", "error")


def __getattr__(name: str):
    """`RULES` (every rule id) and `SUPPRESSIBLE` live in the rule table (registry.py); they are
    read from there on first use, since the rule modules themselves import this one."""
    if name in ("RULES", "SUPPRESSIBLE"):
        from . import registry

        return getattr(registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def rank(severity: str) -> int:
    """0 for suggestion, 1 for warning, 2 for error (for sorting and thresholds)."""
    return SEVERITIES.index(severity)


def downgrade(severity: str) -> str:
    """One level milder, never below suggestion (quoted speech is someone else's voice)."""
    return SEVERITIES[max(0, rank(severity) - 1)]


@dataclass(frozen=True)
class Hit:
    """What a rule found: offsets are relative to the text the rule was given."""

    start: int
    end: int
    rule: str
    severity: str
    message: str
    suggestion: str | None = None
    #: The exact text that should stand at [start, end) instead, when there is exactly one right
    #: answer (a term variant with one preferred form, a miscased name, mojibake). Only these are
    #: applied by `make brand FIX=1` and offered as quick fixes; `suggestion` may be advice.
    replacement: str | None = None


@dataclass(frozen=True)
class Finding:
    """One problem at an exact place: `line` and `column` are 1-based, columns count characters."""

    path: str
    line: int
    column: int
    rule: str
    severity: str
    message: str
    suggestion: str | None = None
    end_column: int | None = None  # last column of the match (inclusive) when on the same line
    field: str = "body"  # title, summary, social_x, slug, body, file ... (for reports)
    #: Unambiguous fix for the source span [start, end) (see Hit.replacement); None: fix by hand.
    replacement: str | None = None
    #: Character offsets of the match in the decoded source (BOM excluded; CRLF counts 2), the span
    #: `replacement` applies to. None when the finding is about the whole file (not UTF-8).
    start: int | None = None
    end: int | None = None

    def as_json(self) -> dict:
        """The public JSON shape (plugins/brand_guard/README.md): exactly these seven keys."""
        data = asdict(self)
        return {key: data[key] for key in ("path", "line", "column", "rule", "severity", "message",
                                           "suggestion")}

    def __str__(self) -> str:
        """`path:line:col severity rule message [→ suggestion]`: the build log line."""
        tail = f" → {self.suggestion}" if self.suggestion else ""
        return f"{self.path}:{self.line}:{self.column} {self.severity} {self.rule} {self.message}{tail}"


def sort_key(finding: Finding) -> tuple:
    return (finding.path, finding.line, finding.column, finding.rule, finding.message)
