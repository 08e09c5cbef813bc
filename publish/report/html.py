"""report.html: one self-contained page (inline CSS and SVG, no script, no request leaves it, noindex).

Drawn from the dict `build.gather` returns (the same figures as report.json). Every chart sits in
a `<figure>` with a caption and its data as a table right under it (in a `<details>` so the page
stays short), so the numbers are there for a screen reader and for copying. Every text from a post
or a log (titles, names, referrer hosts, UTM values) is escaped here.
"""

from __future__ import annotations

import html
from datetime import datetime

from . import svg

_CSS = """
:root{color-scheme:light dark;--fg:#1c2430;--muted:#4f5b69;--bg:#fff;--line:#d8dee6;--flag:#a3001b;
--ok:#1d6b3a;--soft:#f3f6f9}
@media (prefers-color-scheme:dark){:root{--fg:#e6ebf1;--muted:#b4bfcc;--bg:#10151c;--line:#334050;
--flag:#ff8a8a;--ok:#7fd39b;--soft:#1a222c}}
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:76rem;padding:0 1rem;color:var(--fg);
background:var(--bg)}
h1,h2,h3,p,li,figcaption,summary,caption{overflow-wrap:anywhere}
h1{font-size:1.6rem;margin:0}h2{font-size:1.25rem;margin-top:2.5rem;border-top:1px solid var(--line);
padding-top:1rem}h3{font-size:1.05rem;margin:1.2rem 0 .3rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0}th,td{text-align:left;padding:.3rem .5rem;
border-bottom:1px solid var(--line);vertical-align:top}th{font-size:.85rem;color:var(--muted)}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:var(--muted);font-size:.9rem}.flag{color:var(--flag);font-weight:600}.ok{color:var(--ok)}
.grid-wrap{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,30rem),1fr));gap:1rem 2rem}
figure{margin:.5rem 0 1rem}figcaption{font-weight:600;margin-bottom:.2rem}
svg.chart{max-width:100%;height:auto;display:block}
svg .axis,svg .legend,svg .value{fill:var(--fg);font:12px system-ui,sans-serif}
svg .value{font-weight:600}svg .grid{stroke:var(--line);stroke-width:1}
svg .threshold{stroke:var(--flag);stroke-width:1.5;stroke-dasharray:5 4}
svg .band{stroke:var(--muted);stroke-width:1;stroke-dasharray:2 3}
details{margin:.2rem 0 .8rem}summary{cursor:pointer;color:var(--muted)}
.cal td{min-width:8rem}.cal ul{margin:0;padding-left:1rem}.tag{font-size:.8rem;padding:0 .35rem;
border:1px solid var(--muted);border-radius:3px;margin-left:.3rem;color:var(--muted)}
.scroll{overflow-x:auto}
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _name(name: str, limit: int = 60) -> str:
    """An author's name as a label: cut (the full name is in the chart description and report.json)."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _day(iso: str | None) -> str:
    return iso[:10] if iso else "—"


def _when(iso: str | None) -> str:
    if not iso:
        return "—"
    return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M %Z").strip()


def _table(
    head: list[str], rows: list[list[object]], numeric: set[int] = frozenset(), caption: str = ""
) -> str:
    out = ['<div class="scroll" tabindex="0"><table>']  # focusable: a keyboard can scroll it
    if caption:
        out.append(f'<caption class="muted">{_e(caption)}</caption>')
    out.append(
        "<thead><tr>"
        + "".join(
            f'<th scope="col"{" class=n" if i in numeric else ""}>{_e(h)}</th>' for i, h in enumerate(head)
        )
        + "</tr></thead><tbody>"
    )
    for row in rows:
        out.append(
            "<tr>"
            + "".join(
                f"<td{' class=n' if i in numeric else ''}>{cell if isinstance(cell, Raw) else _e(cell)}</td>"
                for i, cell in enumerate(row)
            )
            + "</tr>"
        )
    out.append("</tbody></table></div>")
    return "".join(out)


class Raw(str):
    """Markup already escaped (a cell holding a link or a tag)."""


def _figure(caption: str, chart: str, table: str) -> str:
    return (
        f"<figure><figcaption>{_e(caption)}</figcaption>{chart}"
        f"<details><summary>Data table: {_e(caption)}</summary>{table}</details></figure>"
    )


def _tagged(post: dict) -> Raw:
    tags = ""
    if post.get("audience") == "internal":
        tags += '<span class="tag">internal</span>'
    if post.get("state") == "scheduled":
        tags += '<span class="tag">scheduled</span>'
    return Raw(_e(post["title"]) + tags)


def render(data: dict) -> str:
    svg.reset()
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="robots" content="noindex,nofollow">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        '<link rel="icon" href="data:,">',  # no favicon request either
        f"<title>Lectern report — cadence and referrals</title><style>{_CSS}</style></head><body>",
        "<header><h1>Cadence and referrals</h1>",
        f'<p class="muted">Generated {_e(_when(data["generated"]))} · dates in {_e(data["timezone"])} · '
        "internal: this page is written to build/ and never deployed.</p></header><main>",
    ]
    for note in data["notes"]:
        out.append(f'<p class="muted">Note: {_e(note)}</p>')
    if data["problems"]:
        out.append("<h2>Problems</h2><ul>" + "".join(f"<li>{_e(p)}</li>" for p in data["problems"]) + "</ul>")
    out += [_cadence(data), _queue(data), _brand(data), _history(data), _referrals(data["referrals"])]
    out.append("</main></body></html>")
    return "\n".join(out)


# ---------------------------------------------------------------- sections


def _cadence(data: dict) -> str:
    gap = data["cadence_max_gap_days"]
    drafts = f"{data['drafts']} draft" + ("" if data["drafts"] == 1 else "s")
    out = [
        '<section aria-labelledby="cadence"><h2 id="cadence">Cadence per author</h2>',
        f'<p class="muted">Posts that are out, by month, over the last 12 months. Drafts and hidden pages '
        f"are not counted ({drafts}); internal posts are counted and marked. An author is "
        f"flagged when the last post is more than {gap} days old (CADENCE_MAX_GAP_DAYS).</p>",
    ]
    rows = []
    for a in data["authors"]:
        last = a["last_post"]
        days = a["days_since_last"]
        flag = (
            Raw(f'<span class="flag">⚑ gap: {"no post yet" if days is None else f"{days} days"}</span>')
            if a["flagged"]
            else Raw('<span class="ok">on rhythm</span>')
        )
        nxt = a["scheduled"][0] if a["scheduled"] else None
        rows.append(
            [
                _name(a["name"]),
                a["posts_12_months"],
                a["internal_12_months"],
                Raw(f"{_e(_day(last['date']))} · {_tagged(last)}") if last else "—",
                "—" if days is None else days,
                Raw(f"{_e(_day(nxt['date']))} · {_tagged(nxt)}") if nxt else "none",
                flag,
            ]
        )
    out.append(
        _table(
            [
                "Author",
                "Posts (12 months)",
                "of them internal",
                "Last post",
                "Days since",
                "Next scheduled",
                "Cadence",
            ],
            rows,
            {1, 2, 4},
        )
    )
    out.append('<div class="grid-wrap">')
    for a in data["authors"]:
        labels = [
            m["month"][5:] + ("\u2009’" + m["month"][2:4] if m["month"][5:] == "01" or i == 0 else "")
            for i, m in enumerate(a["months"])
        ]
        values = [m["posts"] for m in a["months"]]
        internal = [m["internal"] for m in a["months"]]
        first, last_m = a["months"][0]["month"], a["months"][-1]["month"]
        desc = (
            f"{a['name']}: {sum(values)} posts from {first} to {last_m}; "
            + ", ".join(
                f"{m['month']}: {m['posts']}" + (f" ({m['internal']} internal)" if m["internal"] else "")
                for m in a["months"]
                if m["posts"]
            )
            + "."
            if sum(values)
            else f"{a['name']}: no posts from {first} to {last_m}."
        )
        caption = f"Posts per month — {_name(a['name'])}"
        chart = svg.columns(caption, desc, labels, values, internal)
        table = _table(
            ["Month", "Posts", "of them internal"],
            [[m["month"], m["posts"], m["internal"]] for m in a["months"]],
            {1, 2},
        )
        out.append(f"<div>{_figure(caption, chart, table)}</div>")
    out.append("</div>")
    if any(m["internal"] for a in data["authors"] for m in a["months"]):
        out.append('<p class="muted">Hatched part of a bar: internal posts.</p>')
    out.append("</section>")
    return "".join(out)


def _queue(data: dict) -> str:
    queue = data["queue"]
    weeks = queue["weeks"]
    out = [
        '<section aria-labelledby="queue"><h2 id="queue">Scheduled queue by week</h2>',
        f'<p class="muted">The next {len(weeks)} weeks, Monday to Sunday; a week with nothing scheduled is '
        "a gap in the rhythm.</p>",
    ]
    authors = sorted({name for w in weeks for p in w["posts"] for name in p["authors"]}, key=str.casefold)
    if not authors:
        out.append(f"<p>Nothing is scheduled in the next {len(weeks)} weeks.</p>")
    else:
        rows = []
        for week in weeks:
            cells: list[object] = [f"week of {week['week']}"]
            for name in authors:
                mine = [p for p in week["posts"] if name in p["authors"]]
                cells.append(
                    Raw(
                        "<ul>"
                        + "".join(f"<li>{_e(p['date'][5:10])} {_tagged(p)}</li>" for p in mine)
                        + "</ul>"
                    )
                    if mine
                    else ""
                )
            rows.append(cells)
        out.append('<div class="cal">' + _table(["Week (Monday)", *map(_name, authors)], rows) + "</div>")
    if queue["later"]:
        out.append(
            "<h3>Scheduled later</h3><ul>"
            + "".join(
                f"<li>{_e(_day(p['date']))} · {_e(', '.join(map(_name, p['authors'])))} · {_tagged(p)}</li>"
                for p in queue["later"]
            )
            + "</ul>"
        )
    return "".join(out) + "</section>"


def _brand(data: dict) -> str:
    brand = data["brand"]
    out = [
        '<section aria-labelledby="brand"><h2 id="brand">Brand scores over time</h2>',
        '<p class="muted">Alignment score (0–100) of each post that is out or scheduled, by its date, '
        "from the brand guard.</p>",
    ]
    if not brand["scores"]:
        return "".join(out) + "<p>No scores.</p></section>"
    series: dict[str, list] = {}
    for s in brand["scores"]:
        for name in s["authors"]:
            series.setdefault(name, []).append((datetime.fromisoformat(s["date"]), s["score"]))
    desc = "; ".join(
        f"{name}: " + ", ".join(f"{t:%Y-%m-%d} {v}" for t, v in sorted(points))
        for name, points in sorted(series.items())
    )
    caption = "Brand alignment score per post, by author"
    lines = [
        (brand[key], label, kind)
        for key, label, kind in (
            ("green", "green from {}", "band"),
            ("amber", "amber from {}", "band"),
            ("min_score", "minimum {}", "threshold"),
        )
        if brand.get(key) is not None
    ]
    lines = [(value, label.format(value), kind) for value, label, kind in lines]
    chart = svg.timeline(caption, desc, dict(sorted(series.items())), lines=lines)
    table = _table(
        ["Date", "Author", "Post", "Score", "Band"],
        [
            [
                _day(s["date"]),
                ", ".join(map(_name, s["authors"])),
                _tagged(s),
                s["score"],
                s.get("band") or "—",
            ]
            for s in brand["scores"]
        ],
        {3},
    )
    return "".join(out) + _figure(caption, chart, table) + "</section>"


def _history(data: dict) -> str:
    out = ['<section aria-labelledby="history"><h2 id="history">What went out where and when</h2>']
    if data["shared"]:
        rows = [
            [
                _when(s["time"]),
                s["title"],
                s["channel_label"],
                Raw(f'<a href="{_e(s["remote_url"])}">view</a>') if s["remote_url"] else "—",
                "recorded as shared before Lectern" if s["marked"] else
                "accepted by the webhook, delivery not confirmed" if s.get("accepted") else "",
            ]
            for s in data["shared"]
        ]
        out.append(_table(["When", "Post", "Channel", "Link", ""], rows))
    else:
        out.append("<p>Nothing shared yet (the ledger has no posted records).</p>")
    out.append("<h3>Failed or unsettled</h3>")
    out.append(
        _table(
            ["Post", "Channel", "State", "Why"],
            [[f["title"], f["channel_label"], f["state"], f["why"]] for f in data["failed"]],
        )
        if data["failed"]
        else "<p>None.</p>"
    )
    out.append("<h3>Held</h3>")
    out.append(
        _table(["Post", "Channel", "Why"], [[h["title"], h["channel_label"], h["why"]] for h in data["held"]])
        if data["held"]
        else "<p>None.</p>"
    )
    out.append(
        '<p class="muted">Texts the brand guard would hold once composed are shown by '
        "<code>make preview</code>.</p>"
    )
    return "".join(out) + "</section>"


def _referrals(ref: dict | None) -> str:
    out = ['<section aria-labelledby="referrals"><h2 id="referrals">Referrals</h2>']
    if ref is None:
        return "".join(out) + (
            '<p>No access logs given: <code>make report LOGS="access.log*"</code> adds '
            "visits per post by channel, colleague share and referrer.</p></section>"
        )
    span = f"{_day(ref['span'][0])} to {_day(ref['span'][1])}" if ref["span"] else "no visits"
    out.append(
        f'<p class="muted">{ref["lines"]:,} log lines in {_count(len(ref["files"]), "file")} ({span}): '
        f"{ref['visits']:,} visits to posts; excluded {ref['bots']:,} bot requests, {ref['own_checks']:,} "
        f"Lectern live checks, {ref['not_ok']:,} redirects or errors, {ref['not_get']:,} non-GET requests; "
        f"{ref['skipped']:,} lines skipped as unreadable.</p>"
    )
    if ref["skipped_by_reason"]:
        out.append(
            _table(
                ["Skipped because", "Lines"],
                [[k, v] for k, v in sorted(ref["skipped_by_reason"].items())],
                {1},
            )
        )
    for problem in ref["problems"]:
        out.append(f'<p class="flag">{_e(problem)}</p>')
    top = [p for p in ref["posts"] if p["referred"]][:10]
    keys = ["company", "employee", "campaign", "referrer"]
    names = ["Company channels", "Colleague shares", "Other campaigns", "Referring sites"]
    if top:
        caption = "Top posts by referred visits"
        desc = "; ".join(
            f"{p['title']}: {p['referred']} referred ("
            + ", ".join(f"{n.lower()} {p['kinds'][k]}" for k, n in zip(keys, names, strict=True))
            + ")"
            for p in top
        )
        chart = svg.stacked_bars(
            caption, desc, [(p["title"], [p["kinds"][k] for k in keys]) for p in top], names
        )
        table = _table(
            ["Post", *names, "Referred", "All visits"],
            [[p["title"], *(p["kinds"][k] for k in keys), p["referred"], p["visits"]] for p in top],
            {1, 2, 3, 4, 5, 6},
        )
        out.append(_figure(caption, chart, table))
    if ref["first_after_share"]:
        out.append("<h3>First visit after each share</h3>")
        rows = [
            [
                r["title"],
                r["channel_label"],
                _when(r["shared"]),
                _when(r["first_visit"]),
                _delay(r["delay_minutes"]),
                r["visits"],
            ]
            for r in ref["first_after_share"]
        ]
        out.append(
            _table(["Post", "Channel", "Shared", "First visit from it", "After", "Visits from it"], rows, {5})
        )
    for p in ref["posts"]:
        out.append(f"<h3>{_e(p['title'])}</h3>")
        out.append(
            f'<p class="muted">{p["visits"]:,} visits, {p["referred"]:,} referred; direct '
            f"{p['kinds']['direct']:,}, from this site {p['kinds']['this site']:,}.</p>"
        )
        if p["utm"]:
            out.append(
                _table(["utm_source / utm_medium", "Visits"], [[k, v] for k, v in p["utm"].items()], {1})
            )
        if p["referrers"]:
            out.append(
                _table(
                    ["Referring site (no UTM tags)", "Visits"],
                    [[k, v] for k, v in p["referrers"].items()],
                    {1},
                )
            )
    return "".join(out) + "</section>"


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _delay(minutes: int | None) -> str:
    if minutes is None:
        return "—"
    sign = "−" if minutes < 0 else ""
    minutes = abs(minutes)
    if minutes < 60:
        return f"{sign}{minutes} min"
    if minutes < 48 * 60:
        return f"{sign}{minutes / 60:.1f} h"
    return f"{sign}{minutes / 1440:.1f} days"
