"""brand-report.html: the page a communications lead reads after a build — problems first.

One self-contained page (inline CSS, no scripts, no external requests, `noindex`), written to
LECTERN_BUILD_DIR, never to the site:

- a summary line with correct plurals ("1 error", "2 warnings") and the bands' meaning;
- one row per post, **worst first**: most errors, then most warnings, then lowest alignment
  score (then path, so the order is stable); status as readers mean it (draft / scheduled /
  hidden / published, and internal); the score and every pillar with its band written out
  ("62 amber"), never by colour alone;
- then each post in the same order: its findings (errors first), each with the words it is about
  quoted in their line (escaped; invisible and control characters shown as `⟨U+200B⟩`), and a
  link that opens the file at the place: `vscode://file/ABSOLUTE/PATH:LINE:COLUMN` whose text is
  the plain `path:line:col` (copy it into any editor or terminal); then the pillars with the
  sentences that carry them.
"""

from __future__ import annotations

import html
import os
import re
import unicodedata
from collections import Counter
from urllib.parse import quote

from .config import BrandConfig
from .core import FileResult, Report
from .findings import Finding, rank

TITLE_CHARS = 120  # longer titles are cut in the page (the whole title is in the tooltip)
_NOT_ALNUM = re.compile(r"[^\w]|_")
_CSS = """
:root{color-scheme:light}
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:76rem;padding:0 1rem;color:#1c2430;
background:#fff;overflow-wrap:break-word}
h1{font-size:1.6rem;margin:0}h2{font-size:1.25rem;margin:2.5rem 0 .25rem;border-top:1px solid #d8dee6;
padding-top:1rem}h3{font-size:1rem;margin:1rem 0 .25rem}
a{color:#0b4f8a}
blockquote{margin:.75rem 0;padding:.5rem 1rem;background:#f3f6f9;border-left:4px solid #3a6ea5}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;
border-bottom:1px solid #e3e8ee;vertical-align:top}thead th{font-size:.85rem;color:#3d4856}
td.n{text-align:right;font-variant-numeric:tabular-nums}th.nw,td.nw{white-space:nowrap}
th[scope=row]{font-weight:400;min-width:16rem}th[scope=row] a{font-weight:600}.path{overflow-wrap:anywhere}
.muted{color:#4f5a67;font-size:.9rem}code{font-size:.9em}
.band,.sev{display:inline-block;padding:0 .4rem;border-radius:.6rem;font-size:.85rem;font-weight:600;
white-space:nowrap;border:1px solid}
.band-green{color:#0b5d1e;background:#e3f4e6;border-color:#0b5d1e}
.band-amber{color:#6b4500;background:#fff3d6;border-color:#6b4500}
.band-red{color:#8b0000;background:#fde8e8;border-color:#8b0000}
.sev-error{color:#8b0000;background:#fde8e8;border-color:#8b0000}
.sev-warning{color:#6b4500;background:#fff3d6;border-color:#6b4500}
.sev-suggestion{color:#17406b;background:#e6eef8;border-color:#17406b}
.ctx{display:block;margin-top:.2rem;font-family:ui-monospace,monospace;font-size:.85rem;color:#3d4856}
mark{background:#ffe08a;color:#1c2430;padding:0 .1rem}
.ctl{color:#8b0000;font-size:.8em}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
"""


def render(report: Report, cfg: BrandConfig, *, generated: str = "") -> str:
    """The whole report page as a string."""
    counts = Counter(f.severity for f in report.findings)
    title = f"Brand report — {cfg.name}" if cfg.name else "Brand report"
    model = cfg.alignment_model
    results = worst_first(report.results)
    summary = " · ".join([
        f"{plural(report.files, 'post or page', 'posts and pages')}, {plural(report.words, 'word')}",
        plural(counts["error"], "error"), plural(counts["warning"], "warning"),
        plural(counts["suggestion"], "suggestion"), f"{report.suppressed} suppressed",
        *([_e(generated)] if generated else [])])
    out = [
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="robots" content="noindex,nofollow">',
        '<meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="muted">{summary}</p>',
        f'<p class="muted">Posts are listed worst first: errors, then warnings, then alignment score. '
        f'Bands: {_band(model.green, model)} from {model.green}, {_band(model.amber, model)} from '
        f'{model.amber}, {_band(0, model)} below. Links open the file at the place in VS Code; '
        f"their text is the plain <code>path:line:column</code>.</p>",
        f"<blockquote>{_text(cfg.statement)}</blockquote>",
    ]
    memo: dict = {}  # what every post's section repeats: pillar headings, keyword lists, scores
    out.append(_overview(results, cfg, memo))
    out += [_details(result, cfg, memo) for result in results]
    out.append("</main></body></html>")
    return "\n".join(out)


def write(report: Report, cfg: BrandConfig, path: str, *, generated: str = "") -> str:
    """Write the report to `path` (folders created) and return the path."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(render(report, cfg, generated=generated))
    return path


def worst_first(results: list[FileResult]) -> list[FileResult]:
    """Most errors, then most warnings, then the lowest alignment score, then path."""
    def key(r: FileResult):
        sev = Counter(f.severity for f in r.findings)
        score = r.alignment.score if r.alignment is not None else 101
        return -sev["error"], -sev["warning"], score, -sev["suggestion"], r.path
    return sorted(results, key=key)


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """'1 error', '2 errors', '0 errors', '1,234 words'."""
    return f"{n:,} {noun if n == 1 else nouns or noun + 's'}"


def editor_link(path: str, line: int, column: int) -> str:
    """`vscode://file/ABSOLUTE/PATH:LINE:COLUMN` (VS Code's documented URL handler)."""
    return f"{_file_url(path)}:{line}:{column}"


def _file_url(path: str) -> str:
    """`vscode://file/ABSOLUTE/PATH`: what every link to one file starts with."""
    return f"vscode://file{quote(os.path.abspath(path), safe='/:')}"


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _text(value: str) -> str:
    """Escaped, with characters a reader cannot see (zero-width, bidi, controls, no-break
    spaces, tabs) shown as ⟨U+XXXX⟩ so a quoted problem is never invisible or reordered."""
    if value.isprintable():
        return html.escape(value, quote=True)
    out = []
    for ch in value:
        if ch.isprintable():
            out.append(html.escape(ch, quote=True))
        else:
            name = unicodedata.name(ch, "control character")
            out.append(f'<span class="ctl" title="{_e(name)}">⟨U+{ord(ch):04X}⟩</span>')
    return "".join(out)


def _plain(value: str) -> str:
    """For attributes: invisible characters as ⟨U+XXXX⟩ text, escaped."""
    return _e("".join(ch if ch.isprintable() else f"⟨U+{ord(ch):04X}⟩" for ch in value))


def _title(r: FileResult) -> str:
    title = r.title or os.path.basename(r.path)
    if len(title) <= TITLE_CHARS:
        return _text(title)
    return f'<span title="{_plain(title)}">{_text(title[:TITLE_CHARS].rstrip())}…</span>'


def _anchor(result: FileResult) -> str:
    return "p-" + _NOT_ALNUM.sub("-", result.path)


def _band(score: int, model) -> str:
    name = model.band(score)
    return f'<span class="band band-{name}">{name}</span>'


def _score(score: int, model) -> str:
    return f"{score} {_band(score, model)}"


def _memo_score(memo: dict, score: int, model) -> str:
    """`_score(score, model)`, from `memo` (one report: one model; scores are 0-100)."""
    shown = memo.get(score)
    if shown is None:
        shown = memo[score] = _score(score, model)
    return shown


def _overview(results: list[FileResult], cfg: BrandConfig, memo: dict | None = None) -> str:
    """The table of every post. `memo`: as `_details`'s (each score's band made once)."""
    model = cfg.alignment_model
    scores = ({} if memo is None else memo).setdefault("scores", {})
    head = "".join(f'<th scope="col">{_e(p.name)}</th>' for p in cfg.pillars)
    names = [p.name for p in cfg.pillars]
    rows = []
    for r in results:
        sev = Counter(f.severity for f in r.findings)
        if r.alignment:
            score = _memo_score(scores, r.alignment.score, model)
            got = r.alignment.pillars
            pillars = "".join(f'<td class="nw">{_memo_score(scores, got.get(name, 0), model)}</td>'
                              for name in names)
        else:
            score = "—"
            pillars = '<td class="nw">—</td>' * len(names)
        rows.append(
            f'<tr><th scope="row"><a href="#{_anchor(r)}">{_title(r)}</a><br>'
            f'<span class="muted path">{_text(r.path)}</span></th>'
            f'<td class="nw">{_e(r.label)}</td>'
            f'<td class="n">{sev["error"]}</td><td class="n">{sev["warning"]}</td>'
            f'<td class="n">{sev["suggestion"]}</td><td class="nw">{score}</td>{pillars}</tr>')
    return ('<div class="scroll" role="region" aria-label="Posts, worst first" tabindex="0">'
            "<table><caption class=\"sr\">Posts and pages, worst first</caption><thead><tr>"
            '<th scope="col">Post</th><th scope="col" class="nw">Status</th>'
            '<th scope="col" class="nw">Errors</th>'
            '<th scope="col" class="nw">Warnings</th><th scope="col" class="nw">Suggestions</th>'
            '<th scope="col" class="nw">Alignment</th>'
            f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def _where(r: FileResult, f: Finding, url: str, shown: str) -> str:
    """A link to `f`'s place; `url` is `_e(_file_url(r.path))`, `shown` is `_text(r.path)` (both
    escape character by character, so the ":line:column" digits can be added after escaping)."""
    return f'<a class="path" href="{url}:{f.line}:{f.column}">{shown}:{f.line}:{f.column}</a>'


def _finding(r: FileResult, f: Finding, url: str, shown: str) -> str:
    context = r.context.get((f.start, f.end)) if f.start is not None else None
    quoted = ""
    if context is not None:
        before, match, after = context
        quoted = (f'<span class="ctx"><span class="sr">In context: </span>{_text(before)}'
                  f"<mark>{_text(match)}</mark>{_text(after)}</span>")
    return (f"<tr><td>{_where(r, f, url, shown)}</td>"
            f'<td><span class="sev sev-{f.severity}">{f.severity}</span></td><td>{_e(f.rule)}</td>'
            f"<td>{_text(f.message)}{quoted}</td><td>{_text(f.suggestion or '')}</td></tr>")


def _details(r: FileResult, cfg: BrandConfig, memo: dict | None = None) -> str:
    """One post's section. `memo`: shared by the sections of one report (for one `cfg`): the
    escaped texts every section repeats are made once, and each score's band once."""
    memo = {} if memo is None else memo
    model = cfg.alignment_model
    sev = Counter(f.severity for f in r.findings)
    problems = ", ".join(plural(sev[s], s) for s in ("error", "warning", "suggestion"))
    anchor = _anchor(r)
    shown = _text(r.path)  # the path and its link, escaped once for every place in the file
    url = _e(_file_url(r.path))
    out = [f'<section aria-labelledby="{anchor}">',
           f'<h2 id="{anchor}">{_title(r)}</h2>',
           f'<p class="muted">{shown} · {plural(r.words, "word")} · {_e(r.label)} · {problems} · '
           f"{r.suppressed} suppressed</p>"]
    if r.findings:
        findings = sorted(r.findings, key=lambda f: (-rank(f.severity), f.line, f.column, f.rule))
        rows = "".join(_finding(r, f, url, shown) for f in findings)
        out.append(
            f'<h3>Findings</h3><div class="scroll" role="region" aria-label="Findings: {_plain(r.path)}" '
            f'tabindex="0"><table><thead><tr><th scope="col">Where</th><th scope="col">Severity</th>'
            '<th scope="col">Rule</th><th scope="col">Finding</th><th scope="col">Suggestion</th></tr>'
            f"</thead><tbody>{rows}</tbody></table></div>")
    else:
        out.append('<p class="muted">No findings.</p>')
    if r.alignment is not None:
        factor = r.alignment.factor
        pulled = (f"; hype and avoid findings take {round(100 * (1 - factor))}% off every pillar"
                  if factor < 1 else "")
        scores = memo.setdefault("scores", {})
        out.append(f"<h3>Alignment {_memo_score(scores, r.alignment.score, model)}</h3>"
                   f'<p class="muted">70% the best pillar + 30% the mean{pulled}.</p><ul>')
        heads = memo.get("heads")
        if heads is None:
            heads = memo["heads"] = [
                f"<li><b>{_e(p.name)}</b>{_e(f' ({p.goal}: {p.band})' if p.goal else '')}: "
                for p in cfg.pillars]
        keywords = memo.setdefault("keywords", {})
        for p, head in zip(cfg.pillars, heads, strict=True):
            value = r.alignment.pillars.get(p.name, 0)
            found = r.alignment.sentences.get(p.name, 0)
            quotes = []
            for q in r.evidence.get(p.name, ()):
                listed = keywords.get(q.keywords)
                if listed is None:
                    listed = keywords[q.keywords] = _e(", ".join(q.keywords))
                excerpt = q.excerpt
                quoted = html.escape(excerpt, quote=True) if excerpt.isprintable() else _text(excerpt)
                quotes.append(f'<blockquote>“{quoted}” <a class="path" href="{url}:{q.line}:{q.column}">'
                              f"{shown}:{q.line}:{q.column}</a>"
                              f'<span class="muted"> — {listed}</span></blockquote>')
            carry = f"{plural(found, 'sentence')} carr{'ies' if found == 1 else 'y'} it"
            out.append(f"{head}{_memo_score(scores, value, model)} — {carry}{''.join(quotes)}</li>")
        out.append("</ul>")
    out.append("</section>")
    return "\n".join(out)
