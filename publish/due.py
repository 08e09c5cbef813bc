"""`make due [DAYS=14]`: the calendar of scheduled posts that go live in the next DAYS days, with
the channels each will be shared on.

Reads the posts' headers (no build): "is this post out yet?" is `plugins.post_contract.facts`,
the one rule the build, the feeds and the publish plan use, so a post listed here for 09:00 is the
post the first scheduled run after 09:00 builds, deploys and shares. The channels are the
planner's (`publish.plan.channels_for`): public posts to the public networks, internal posts to
Slack/Teams, narrowed by `Channels:` and SYNDICATION_CHANNELS.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from plugins.post_contract.contract import split_list
from plugins.post_contract.facts import display_path, parse_header, site_zone, to_datetime
from plugins.settings import value_of

from .channels.registry import label
from .plan import channels_for

EXTENSIONS = (".md", ".markdown", ".mkd", ".mdown")


@dataclass(frozen=True)
class Due:
    when: datetime
    title: str
    path: str
    audience: str
    channels: tuple[str, ...]
    status: str


def scan(content: Path, article_paths: Sequence[str], timezone, now: datetime, days: float,
         enabled: Sequence[str]) -> Calendar:
    """The posts going live within `days` of `now`, the first one after that, drafts dated inside
    the window, and headers that cannot be read."""
    horizon = now + timedelta(days=days)
    due, later, drafts, problems = [], [], [], []
    for folder in article_paths or [""]:
        for path in sorted((content / folder).rglob("*")):
            if path.suffix.lower() not in EXTENSIONS or not path.is_file():
                continue
            try:
                fields, _ = parse_header(path.read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(f"{display_path(str(path))}: cannot be read ({exc})")
                continue
            status = (fields["status"].value if "status" in fields else "published").strip().lower()
            if status == "hidden" or "date" not in fields:
                continue
            when = to_datetime(fields["date"].value, timezone)
            if when is None:
                problems.append(f"{display_path(str(path))}:{fields['date'].line}: the date "
                                f"{fields['date'].value!r} cannot be read, so the post never goes live — "
                                'write it as "YYYY-MM-DD HH:MM"')
                continue
            if when <= now:
                continue
            audience = (fields["audience"].value if "audience" in fields else "public").strip().lower()
            chosen = split_list(fields["channels"].value) if "channels" in fields else None
            post = SimpleNamespace(audience=audience, channels=tuple(chosen) if chosen is not None else None)
            title = fields["title"].value if "title" in fields else path.stem
            channels = tuple(channels_for(post, enabled))
            item = Due(when, shown(title), shown(display_path(str(path))), audience, channels, status)
            if status == "draft":
                if when <= horizon:
                    drafts.append(item)
            else:
                (due if when <= horizon else later).append(item)
    for found in (due, later, drafts):
        found.sort(key=lambda d: d.when)
    return Calendar(due, later[:1], drafts, problems)


def shown(text: str, limit: int = 80) -> str:
    """Header text as a terminal may show it: control and invisible characters escaped (a title
    must not move the cursor or hide part of a line), long titles cut."""
    safe = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)
    return safe if len(safe) <= limit else safe[: limit - 1] + "…"


@dataclass(frozen=True)
class Calendar:
    due: list[Due]
    later: list[Due]  # the first scheduled post after the window, if any
    drafts: list[Due]  # dated inside the window but Status: draft (they will not go live)
    problems: list[str]


def render(calendar: Calendar, *, days: float, zone, now: datetime) -> str:
    due, later, problems = calendar.due, calendar.later, calendar.problems
    def when(item: Due) -> str:
        return item.when.astimezone(zone).strftime("%a %Y-%m-%d %H:%M")

    def shared(item: Due) -> str:
        names = ", ".join(label(c) for c in item.channels) or "no channel"
        return f"{'internal → ' if item.audience == 'internal' else ''}{names}"

    span = f"{days:g} day" + ("" if days == 1 else "s")
    local = now.astimezone(zone)
    out = [f"Posts going live in the next {span} (times in {zone}; now {local:%Y-%m-%d %H:%M}):"]
    if not due:
        out.append("  none")
    width = max((len(d.title) for d in due), default=0)
    width = min(width, 60)
    for item in due:
        out.append(f"  {when(item)}  {item.title:<{width}}  {shared(item)}  ({item.path})")
    if later:
        out.append(f"Next after that: {when(later[0])}  {later[0].title}  ({later[0].path})")
    if due:
        out.append("Each goes live at the first scheduled publish run after its time (hourly in CI).")
    for item in calendar.drafts:
        out.append(f"Draft (goes live only once Status: published): {when(item)}  {item.title}  "
                   f"({item.path})")
    out += [f"problem: {p}" for p in problems]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    from .settings import load

    parser = argparse.ArgumentParser(prog="python -m publish.due", description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="publishconf.py", help="Pelican settings file")
    parser.add_argument("--content", help="content folder (default: the settings' PATH)")
    parser.add_argument("--days", type=float, default=14, help="how many days ahead (default 14)")
    parser.add_argument("--now", help="pretend it is this time (ISO 8601 with a zone), for planning")
    args = parser.parse_args(argv)
    if args.days < 0:
        parser.error("--days must be 0 or more")
    settings = load(args.settings)
    zone = site_zone(settings.get("TIMEZONE"))
    now = datetime.fromisoformat(args.now) if args.now else datetime.now(UTC)
    if now.tzinfo is None:
        parser.error("--now needs a time zone, e.g. 2026-06-01T09:00+00:00")
    content = Path(args.content or settings["PATH"])
    enabled = value_of(settings, "SYNDICATION_CHANNELS")
    calendar = scan(content, settings.get("ARTICLE_PATHS") or [""], zone, now, args.days, enabled)
    print(render(calendar, days=args.days, zone=zone, now=now))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.exit(main())
