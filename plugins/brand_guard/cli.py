"""`python -m plugins.brand_guard [paths...]` (what `make brand` runs).

Exit status: 0 no errors, 1 errors in a non-draft post, 2 bad config or usage. With
`--format json`, standard output carries the JSON document and nothing else; notes go to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .config import BrandConfigError
from .core import check_paths, load_config, usable_cpus
from .findings import SEVERITIES

REPO_CONFIG = Path(__file__).resolve().parents[2] / "brand.yml"


def default_config() -> str:
    """brand.yml in the working directory, else the one at the repository root."""
    local = Path("brand.yml")
    return str(local if local.is_file() else REPO_CONFIG)


def site_timezone(settings_file: str | None) -> str | None:
    """TIMEZONE from the site's settings file (scheduled posts are dated in it), None when unset.

    The settings file is plain Python that imports nothing heavy, so reading it keeps the command fast.
    """
    path = Path(settings_file or "pelicanconf.py")
    if not path.is_file():
        if settings_file:
            raise FileNotFoundError(f"{settings_file}: no such settings file")
        return None
    import runpy

    return runpy.run_path(str(path)).get("TIMEZONE") or None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m plugins.brand_guard",
        description="Check posts (directories are searched for *.md) against brand.yml.",
    )
    parser.add_argument("paths", nargs="*", default=["content"], help="files or folders (default: content)")
    parser.add_argument("--config", default=None, help="brand configuration (default: brand.yml)")
    parser.add_argument("--settings", default=None,
                        help="site settings, read for TIMEZONE (default: pelicanconf.py if present)")
    parser.add_argument("--format", choices=("text", "json", "github"), default="text")
    parser.add_argument("--min-severity", choices=SEVERITIES, default="suggestion",
                        help="hide findings below this level (errors always count for the exit status)")
    parser.add_argument("--html", metavar="PATH", help="also write the HTML report to PATH")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    parser.add_argument("--jobs", type=_jobs, default=0, metavar="N",
                        help="processes checking files in parallel (default: every usable CPU; 1: none)")
    parser.add_argument("--fix", choices=("write", "diff"),
                        help="apply the unambiguous fixes in place (write) or only print them (diff), "
                             "as a unified diff on standard output")
    return parser


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = -1
    if jobs < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of processes (0: every usable CPU)")
    return jobs


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from . import output  # after parsing: `--help` stays instant

    try:
        cfg = load_config(args.config or default_config())
    except BrandConfigError as exc:
        print(f"brand: {exc}", file=sys.stderr)
        return 2
    if args.fix:
        from .fix import run

        try:
            return run(args.paths, cfg, write=args.fix == "write", timezone=site_timezone(args.settings))
        except OSError as exc:
            print(f"brand: {exc}", file=sys.stderr)
            return 2
    try:
        report = check_paths(args.paths, cfg, timezone=site_timezone(args.settings),
                             jobs=args.jobs or usable_cpus())
    except OSError as exc:  # a missing or unreadable path is a usage error, not a brand finding
        print(f"brand: {exc}", file=sys.stderr)
        return 2
    findings = output.visible(report, args.min_severity)
    if args.format == "json":
        output.write_json(report, findings, sys.stdout)
        for note in (n for r in report.results for n in r.notes):
            print(f"note: {note}", file=sys.stderr)
    elif args.format == "github":
        output.write_github(report, findings, sys.stdout)
    else:
        color = {"always": True, "never": False}.get(args.color)
        if color is None and (os.environ.get("NO_COLOR") or not sys.stdout.isatty()):
            color = False
        output.write_text(report, findings, sys.stdout, color=color, band=cfg.alignment_model.band)
    if args.html:
        from .html_report import write

        write(report, cfg, args.html)
    return 1 if report.blocking else 0
