"""brand-report.html: the overview a communications lead reads after a build.

One self-contained page (inline CSS, no scripts, no external requests, `noindex`): the brand
statement, one row per post with its alignment score and pillar coverage, then each post's
findings and the evidence for its score. It is written to LECTERN_BUILD_DIR, never to the site.
"""

from __future__ import annotations

import html
import os
import re
from collections import Counter

from .config import BrandConfig
from .core import FileResult, Report

_NOT_ALNUM = re.compile(r"[^\w]|_")
_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1c2430}
h1{font-size:1.6rem;margin:0}h2{font-size:1.2rem;margin-top:2.5rem;border-top:1px solid #d8dee6;
padding-top:1rem}blockquote{margin:1rem 0;padding:.5rem 1rem;background:#f3f6f9;border-left:4px solid #3a6ea5}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;
border-bottom:1px solid #e3e8ee;vertical-align:top}th{font-size:.85rem;color:#4a5665}
.bar{display:inline-block;height:.6rem;background:#3a6ea5;border-radius:2px;vertical-align:middle}
.low{color:#a33}.error{color:#b00020;font-weight:600}.warning{color:#8a5a00}.suggestion{color:#236}
.muted{color:#5d6875;font-size:.9rem}code{font-size:.9em}
"""


def render(report: Report, cfg: BrandConfig, *, generated: str = "") -> str:
    """The whole report page as a string."""
    counts = Counter(f.severity for f in report.findings)
    title = f"Brand report — {cfg.name}" if cfg.name else "Brand report"
    out = [
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="robots" content="noindex,nofollow">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="muted">{report.files} posts and pages, {report.words:,} words · '
        f'{counts["error"]} errors · {counts["warning"]} warnings · {counts["suggestion"]} suggestions · '
        f"{report.suppressed} suppressed{' · ' + _e(generated) if generated else ''}</p>",
        f"<blockquote>{_e(cfg.statement)}</blockquote>",
        _overview(report, cfg),
    ]
    out += [_details(result, cfg) for result in report.results]
    out.append("</body></html>")
    return "\n".join(out)


def write(report: Report, cfg: BrandConfig, path: str, *, generated: str = "") -> str:
    """Write the report to `path` (folders created) and return the path."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(render(report, cfg, generated=generated))
    return path


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _anchor(result: FileResult) -> str:
    return "p-" + _NOT_ALNUM.sub("-", result.path)


def _overview(report: Report, cfg: BrandConfig) -> str:
    head = "".join(f"<th>{_e(p.name)}</th>" for p in cfg.pillars)
    rows = []
    for r in report.results:
        score = r.alignment.score if r.alignment else 0
        low = ' class="low"' if score < cfg.min_score else ""
        pillars = "".join(f"<td>{r.alignment.pillars.get(p.name, 0) if r.alignment else ''}</td>"
                          for p in cfg.pillars)
        sev = Counter(f.severity for f in r.findings)
        state = "draft" if r.draft else r.audience
        rows.append(
            f'<tr><td><a href="#{_anchor(r)}">{_e(r.title)}</a><br>'
            f'<span class="muted">{_e(r.path)}</span></td>'
            f"<td>{_e(state)}</td><td{low}>{score} "
            f'<span class="bar" style="width:{score * 0.6:.0f}px"></span></td>{pillars}'
            f'<td class="error">{sev["error"] or ""}</td><td class="warning">{sev["warning"] or ""}</td>'
            f'<td class="suggestion">{sev["suggestion"] or ""}</td></tr>'
        )
    return (f"<table><tr><th>Post</th><th>Status</th><th>Alignment</th>{head}"
            "<th>Errors</th><th>Warnings</th><th>Suggestions</th></tr>" + "".join(rows) + "</table>")


def _details(r: FileResult, cfg: BrandConfig) -> str:
    out = [f'<h2 id="{_anchor(r)}">{_e(r.title)}</h2>',
           f'<p class="muted">{_e(r.path)} · {r.words:,} words · {_e(r.audience)}'
           f"{' · draft' if r.draft else ''} · {r.suppressed} suppressed</p>"]
    if r.alignment is not None:
        items = []
        for p in cfg.pillars:
            quotes = r.evidence.get(p.name, [])
            detail = "".join(f"<br>“{_e(q.excerpt)}” <span class=\"muted\">({q.line}:{q.column})</span>"
                             for q in quotes) or " — no sentence carries it"
            items.append(f"<li><b>{_e(p.name)}</b> {r.alignment.pillars.get(p.name, 0)}/100{detail}</li>")
        out.append(f"<p>Alignment <b>{r.alignment.score}/100</b></p>")
        out.append("<ul>" + "".join(items) + "</ul>")
    if r.findings:
        rows = "".join(
            f'<tr><td>{f.line}:{f.column}</td><td class="{f.severity}">{f.severity}</td>'
            f"<td>{_e(f.rule)}</td><td>{_e(f.message)}</td><td>{_e(f.suggestion or '')}</td></tr>"
            for f in r.findings)
        out.append("<table><tr><th>Where</th><th>Severity</th><th>Rule</th><th>Message</th>"
                   f"<th>Suggestion</th></tr>{rows}</table>")
    else:
        out.append('<p class="muted">No findings.</p>')
    return "\n".join(out)
