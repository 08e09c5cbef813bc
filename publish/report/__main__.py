"""`python -m publish.report [--logs FILE …]`: write report.html and report.json into LECTERN_BUILD_DIR."""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from plugins.settings import value_of


def expand(patterns: list[str]) -> tuple[list[Path], list[str]]:
    """Log files from the patterns (globs expanded in order, duplicates dropped) and patterns that
    matched nothing."""
    found: dict[Path, None] = {}
    missing = []
    for pattern in patterns:
        for word in pattern.split():
            matches = sorted(glob.glob(os.path.expanduser(word))) or ([word] if os.path.exists(word) else [])
            if not matches:
                missing.append(word)
            for match in matches:
                if os.path.isfile(match):
                    found[Path(match)] = None
    return list(found), missing


def main(argv: list[str] | None = None) -> int:
    from ..settings import SettingsError, load
    from . import build, html

    parser = argparse.ArgumentParser(prog="python -m publish.report", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--settings", default="publishconf.py", help="Pelican settings file (default publishconf.py)"
    )
    parser.add_argument("--content", help="content folder (default: the settings' PATH)")
    parser.add_argument(
        "--logs",
        action="append",
        default=[],
        help='access logs: files or globs, e.g. "access.log*" (plain or .gz, combined, '
        "CloudFront or S3 format)",
    )
    parser.add_argument("--output", help="folder for report.html and report.json (default LECTERN_BUILD_DIR)")
    parser.add_argument("--now", help="pretend it is this time (ISO 8601 with a zone)")
    args = parser.parse_args(argv)
    try:
        settings = load(args.settings)
    except SettingsError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 2
    now = datetime.fromisoformat(args.now) if args.now else datetime.now(UTC)
    if now.tzinfo is None:
        parser.error("--now needs a time zone, e.g. 2026-12-01T09:00+00:00")
    logs, missing = expand(args.logs)
    for word in missing:
        print(f"report: {word}: no such log file — check the LOGS pattern", file=sys.stderr)
    if args.logs and not logs:
        print("report: no log file matched; the report is written without referrals", file=sys.stderr)
    content = Path(args.content or settings["PATH"])
    data = build.gather(settings, content, now, logs)
    out = Path(args.output) if args.output else value_of(settings, "LECTERN_BUILD_DIR")
    out.mkdir(parents=True, exist_ok=True)
    page = out / "report.html"
    _write(page, html.render(data))
    _write(out / "report.json", json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    flagged = [a["name"] for a in data["authors"] if a["flagged"]]
    print(
        f"report: {page} and report.json written ({len(data['authors'])} authors"
        + (f"; gap over {data['cadence_max_gap_days']} days: {', '.join(flagged)}" if flagged else "")
        + (
            f"; {data['referrals']['visits']:,} visits from {data['referrals']['lines']:,} log lines"
            if data["referrals"]
            else ""
        )
        + ")"
    )
    for problem in data["problems"] + (data["referrals"]["problems"] if data["referrals"] else []):
        print(f"report: {problem}", file=sys.stderr)
    return 0


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
