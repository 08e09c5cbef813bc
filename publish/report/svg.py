"""Inline SVG charts, drawn by the project: no script, no web font, no request leaves the page.

Each chart is `role="img"` with a `<title>` and a `<desc>` that states the figures in words (what a
screen reader announces), and the page puts a data table next to it (html.py), so the numbers are
there without the picture. Colours are the Okabe–Ito set (distinguishable with colour-blindness)
and every series also differs by marker shape; labels are text, sized to read in a screenshot.
Every text is escaped here: titles and author names are the writers' own words.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence
from datetime import datetime

#: Okabe–Ito: blue, vermillion, bluish green, reddish purple, orange, sky blue.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
SHAPES = ("circle", "square", "diamond", "triangle")
_ids = itertools.count(1)


def reset() -> None:
    """Number charts from 1 again (ids unique within one page, output the same on every run)."""
    global _ids
    _ids = itertools.count(1)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _open(title: str, desc: str, width: int, height: int) -> tuple[str, str, int]:
    n = next(_ids)
    head = (
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="chart{n}-t chart{n}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart{n}-t">{_e(title)}</title><desc id="chart{n}-d">{_e(desc)}</desc>'
    )
    return head, "</svg>", n


def _marker(shape: str, x: float, y: float, colour: str, r: float = 5) -> str:
    if shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}" fill="{colour}"/>'
    if shape == "diamond":
        pts = (
            f"{x:.1f},{y - r - 1:.1f} {x + r + 1:.1f},{y:.1f} {x:.1f},{y + r + 1:.1f} {x - r - 1:.1f},{y:.1f}"
        )
        return f'<polygon points="{pts}" fill="{colour}"/>'
    if shape == "triangle":
        pts = f"{x:.1f},{y - r - 1:.1f} {x + r + 1:.1f},{y + r:.1f} {x - r - 1:.1f},{y + r:.1f}"
        return f'<polygon points="{pts}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{colour}"/>'


def columns(
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[int],
    marked: Sequence[int] = (),
    *,
    width: int = 460,
    height: int = 170,
) -> str:
    """Vertical bars (e.g. posts per month); `marked[i]` of each bar is drawn hatched (e.g. internal)."""
    head, tail, n = _open(title, desc, width, height)
    left, bottom, top = 28, 34, 14
    plot_h = height - bottom - top
    peak = max([*values, 1])
    step = (width - left - 6) / max(len(values), 1)
    out = [
        head,
        f'<defs><pattern id="hatch{n}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#0072B2"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="3"/></pattern></defs>',
    ]
    for tick in sorted({0, peak}):
        y = top + plot_h - plot_h * tick / peak
        out.append(
            f'<line x1="{left}" x2="{width - 4}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">{tick}</text>'
        )
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + i * step + step * 0.15
        w = step * 0.7
        h = plot_h * value / peak
        inner = marked[i] if i < len(marked) else 0
        if value:
            out.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{w:.1f}" height="{h:.1f}" '
                f'fill="#0072B2"/>'
            )
            if inner:
                hi = plot_h * inner / peak
                out.append(
                    f'<rect x="{x:.1f}" y="{top + plot_h - hi:.1f}" width="{w:.1f}" height="{hi:.1f}" '
                    f'fill="url(#hatch{n})"/>'
                )
            out.append(
                f'<text x="{x + w / 2:.1f}" y="{top + plot_h - h - 3:.1f}" text-anchor="middle" '
                f'class="value">{value}</text>'
            )
        out.append(
            f'<text x="{x + w / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
            f'class="axis">{_e(label)}</text>'
        )
    out.append(tail)
    return "".join(out)


def timeline(
    title: str,
    desc: str,
    series: dict[str, list[tuple[datetime, float]]],
    *,
    low: float = 0,
    high: float = 100,
    lines: Sequence[tuple[float, str, str]] = (),
    width: int = 720,
    height: int = 260,
) -> str:
    """Points over time, one colour and marker shape per series, a legend, and horizontal reference
    `lines` (value, label, CSS class: "threshold" dashed, "band" dotted)."""
    head, tail, _ = _open(title, desc, width, height)
    legend_h = 22 * ((len(series) + 2) // 3)
    left, right, top, bottom = 40, 16, 14, 30 + legend_h
    plot_w, plot_h = width - left - right, height - top - bottom
    times = [t for points in series.values() for t, _ in points]
    out = [head]
    if not times:
        empty = f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" class="axis">no data</text>'
        return head + empty + tail
    start, end = min(times), max(times)
    span = (end - start).total_seconds() or 1.0

    def xy(t: datetime, v: float) -> tuple[float, float]:
        x = left + (plot_w * (t - start).total_seconds() / span if end > start else plot_w / 2)
        return x, top + plot_h - plot_h * (min(max(v, low), high) - low) / (high - low)

    for tick in (low, (low + high) / 2, high):
        _, y = xy(start, tick)
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">{tick:g}</text>'
        )
    for value, label, kind in lines:
        _, y = xy(start, value)
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" class="{_e(kind)}"/>'
            f'<text x="{width - right}" y="{y - 4:.1f}" text-anchor="end" class="axis">{_e(label)}</text>'
        )
    out.append(
        f'<text x="{left}" y="{top + plot_h + 18}" class="axis">{start:%Y-%m-%d}</text>'
        f'<text x="{width - right}" y="{top + plot_h + 18}" text-anchor="end" class="axis">'
        f"{end:%Y-%m-%d}</text>"
    )
    for i, (name, points) in enumerate(series.items()):
        colour, shape = COLOURS[i % len(COLOURS)], SHAPES[i % len(SHAPES)]
        coords = [xy(t, v) for t, v in sorted(points)]
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        out += [_marker(shape, x, y, colour) for x, y in coords]
        lx = left + (i % 3) * (plot_w / 3)
        ly = height - legend_h + 22 * (i // 3) + 4
        out.append(
            _marker(shape, lx + 6, ly, colour)
            + f'<text x="{lx + 16:.1f}" y="{ly + 4:.1f}" class="legend">{_e(_cut(name, 28))}</text>'
        )
    out.append(tail)
    return "".join(out)


def stacked_bars(
    title: str,
    desc: str,
    rows: Sequence[tuple[str, Sequence[int]]],
    keys: Sequence[str],
    *,
    width: int = 720,
    bar: int = 22,
) -> str:
    """Horizontal stacked bars (e.g. referred visits per post by kind), a legend of `keys` on top."""
    label_w, top = 280, 34
    height = top + len(rows) * (bar + 10) + 8
    head, tail, _ = _open(title, desc, width, height)
    out = [head]
    for j, key in enumerate(keys):
        x = 8 + j * (width - 16) / max(len(keys), 1)
        out.append(
            _marker(SHAPES[1], x + 6, 14, COLOURS[j % len(COLOURS)])
            + f'<text x="{x + 16:.1f}" y="18" class="legend">{_e(key)}</text>'
        )
    peak = max([sum(values) for _, values in rows] + [1])
    scale = (width - label_w - 60) / peak
    for i, (label, values) in enumerate(rows):
        y = top + i * (bar + 10)
        out.append(
            f'<text x="{label_w - 8}" y="{y + bar * 0.7:.1f}" text-anchor="end" class="axis">'
            f"{_e(_cut(label, 32))}</text>"
        )
        x = float(label_w)
        for j, value in enumerate(values):
            if value:
                out.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{value * scale:.1f}" height="{bar}" '
                    f'fill="{COLOURS[j % len(COLOURS)]}"/>'
                )
                x += value * scale
        out.append(f'<text x="{x + 6:.1f}" y="{y + bar * 0.7:.1f}" class="value">{sum(values):,}</text>')
    out.append(tail)
    return "".join(out)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
