"""The benchmark table (rich), with each figure as a ratio to its reference and its performance target."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

#: row key → (label, target text); build ratios are to the vanilla full build's median.
BUILD_LABELS = {
    "vanilla": ("Vanilla Pelican full build (reference)", "—"),
    "dev": ("Lectern full dev build", "≤ 1.0× (stretch 0.8×)"),
    "prod": ("Lectern production build", "—"),
    "vanilla-rebuild": ("Vanilla rebuild (cache, 1 post edited)", "(typically ≈ 0.34×)"),
    "rebuild": ("Lectern rebuild (cache, 1 post edited)", "≤ 0.2×"),
}
TARGETS = {"dev": 1.0, "rebuild": 0.2}


def _status(row_key: str, row: dict) -> str:
    if row_key in TARGETS and "ratio" in row:
        return "[green]met[/]" if row["ratio"] <= TARGETS[row_key] else "[red]missed[/]"
    if row_key == "brand" and "ratio" in row:
        fast = row["per_second"]["median"] >= 100_000 and row["ratio"] > 1
        return "[green]met[/]" if fast else "[red]missed[/]"
    if row_key == "publish" and row.get("available"):
        return "[green]met[/]" if row["per_second"]["median"] >= 2_000 else "[red]missed[/]"
    return ""


def print_table(result: dict, console: Console | None = None) -> None:
    console = console or Console(width=150)
    rows = result["rows"]
    table = Table(title=f"Lectern bench — {result['posts']} posts, {result['words']:,} words, "
                        f"{result['repeats']} rounds, {result['machine']['cpus']} CPUs ({result['when']})")
    columns = ("Measurement", "Median", "Min–max", "Ratio", "Best/best", "CPU s", "Peak MB", "Target", "")
    for column in columns:
        table.add_column(column, justify="left" if column in ("Measurement", "Target") else "right",
                         no_wrap=column == "Measurement")
    for key, (label, target) in BUILD_LABELS.items():
        row = rows[key]
        if not row.get("available"):
            table.add_row(label, f"n/a ({row.get('why')})", "", "", "", "", "", target, "")
            continue
        s = row["seconds"]
        ratio = f"{row['ratio']:.2f}×" if "ratio" in row else ""
        best = f"{row['ratio_of_minima']:.2f}×" if "ratio_of_minima" in row else ""
        cpu = f"{row['cpu_seconds']['median']:.1f} ({row['cpu_ratio']:.2f}×)" if "cpu_ratio" in row else ""
        table.add_row(label, f"{s['median']:.2f} s", f"{s['min']:.2f}–{s['max']:.2f}", ratio, best, cpu,
                      f"{row['peak_mb']:.0f}", target, _status(key, row))
    text_labels = {
        "proselint": ("proselint, same text (reference)", "words/s", "—"),
        "brand": ("Brand guard alone", "words/s", "≥ 100,000 words/s and > proselint"),
        "publish": ("Publish plan + compose, dry run", "items/s", "≥ 2,000 items/s"),
    }
    for key, (label, unit, target) in text_labels.items():
        row = rows[key]
        if not row.get("available"):
            why = row.get("why", "not available")
            table.add_row(label, f"n/a ({why})", "", "", "", "", "", target, "")
            continue
        s = row["per_second"]
        ratio = f"{row['ratio']:.2f}×" if "ratio" in row else ""
        table.add_row(label, f"{s['median']:,.0f} {unit}", f"{s['min']:,.0f}–{s['max']:,.0f}", ratio, "", "",
                      f"{row['peak_mb']:.0f}", target, _status(key, row))
    logs = rows.get("logs")
    if logs is not None:
        label, target = "Referral counting, access log (make report LOGS=…)", "≥ 200,000 lines/s"
        if not logs.get("available"):
            table.add_row(label, f"n/a ({logs.get('why')})", "", "", "", "", "", target, "")
        else:
            s = logs["per_second"]
            met = "[green]met[/]" if s["median"] >= 200_000 else "[red]missed[/]"
            table.add_row(f"{label}, {logs['bytes'] / 2**20:,.0f} MB", f"{s['median']:,.0f} lines/s",
                          f"{s['min']:,.0f}–{s['max']:,.0f}", "", "", f"{logs['per_cpu_second']:,.0f}/CPU s",
                          f"{logs['peak_mb']:.0f}", target, met)
    console.print(table)
    console.print("Ratio: median / vanilla median. Best/best: fastest run / vanilla's fastest run (least "
                  "disturbed by other load on a shared machine). CPU s: user+system seconds of the build "
                  "and its pool workers (ratio to vanilla's). Peak MB: max of one process's peak RSS "
                  "and the sampled summed PSS of its process tree.")


EDIT_LABELS = {
    "lectern": "Lectern dev server (make devserver / make regenerate)",
    "lectern-pelican-r": "Lectern settings under pelican -r (the old make regenerate)",
    "vanilla": "Vanilla pelican -r (reference)",
    "hugo": "hugo server --renderToDisk",
}
EDIT_TARGET = 0.5  # seconds, at 1,000 posts (stretch 0.2 s)


def print_edit_table(edit: dict, console: Console | None = None) -> None:
    """The "edit to page, dev server" row: one line per tool, median seconds from save to page."""
    console = console or Console(width=150)
    table = Table(title=f"Edit to page, dev server — {edit['posts']} posts: seconds from saving a post's "
                        "body to its page on disk showing the edit")
    for column in ("Tool", "Median", "Min–max", "Edits", "Ratio", "Target", ""):
        table.add_column(column, justify="left" if column in ("Tool", "Target") else "right", no_wrap=True)
    for key, label in EDIT_LABELS.items():
        row = edit["tools"].get(key)
        if row is None:
            continue
        if not row.get("available"):
            table.add_row(label, f"n/a ({row.get('why')})", "", "", "", "", "")
            continue
        s = row["seconds"]
        target, status = "", ""
        if key == "lectern":
            target = f"≤ {EDIT_TARGET} s (stretch 0.2 s)"
            status = "[green]met[/]" if s["median"] <= EDIT_TARGET else "[red]missed[/]"
        ratio = f"{row['ratio']:.2f}×" if "ratio" in row else ""
        table.add_row(label, f"{s['median']:.3f} s", f"{s['min']:.3f}–{s['max']:.3f}", str(row["edits"]),
                      ratio, target, status)
    console.print(table)


def print_profile(rows: list[dict], console: Console | None = None) -> None:
    console = console or Console(width=150)
    table = Table(title="One Lectern dev build: top functions by cumulative time (cProfile)")
    for column in ("cumtime s", "tottime s", "calls", "function"):
        table.add_column(column, justify="right" if column != "function" else "left")
    for row in rows:
        table.add_row(f"{row['cumtime']:.3f}", f"{row['tottime']:.3f}", str(row["calls"]), row["function"])
    console.print(table)
