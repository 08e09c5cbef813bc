"""Cadence per author: posts per month, days since the last post, the scheduled queue, gaps.

A thought-leadership programme lives on a steady rhythm, so the report flags every author whose
last post is older than CADENCE_MAX_GAP_DAYS. Pure: takes `PostInfo`s and `now`, returns figures.
Drafts and hidden pages are not counted (they are not part of the rhythm readers see); internal
posts are counted — they keep the author writing — but marked, because readers outside never see
them. Scheduled posts are shown as the queue, not as posts yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from .posts import PostInfo


@dataclass
class AuthorCadence:
    name: str
    months: list[tuple[str, int, int]]  # ("2026-03", all posts out that month, of them internal)
    last: PostInfo | None  # the newest post that is out
    days_since: int | None  # None: nothing out yet
    scheduled: list[PostInfo] = field(default_factory=list)
    flagged: bool = False
    total: int = 0  # posts out in the 12-month window
    internal: int = 0  # of them internal


def month_keys(now: datetime, count: int = 12) -> list[str]:
    """The last `count` calendar months up to and including `now`'s, oldest first ("YYYY-MM")."""
    year, month = now.year, now.month
    keys = []
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys[::-1]


def cadence(posts: Iterable[PostInfo], now: datetime, zone: tzinfo, max_gap_days: int) -> list[AuthorCadence]:
    """One `AuthorCadence` per author who has a counted or scheduled post, by name."""
    local_now = now.astimezone(zone)
    keys = month_keys(local_now)
    found: dict[str, AuthorCadence] = {}
    for post in posts:
        if post.state not in ("out", "scheduled") or post.date is None:
            continue
        for name in post.authors:
            entry = found.setdefault(name, AuthorCadence(name, [(k, 0, 0) for k in keys], None, None))
            if post.state == "scheduled":
                entry.scheduled.append(post)
                continue
            if entry.last is None or post.date > entry.last.date:
                entry.last = post
            key = post.date.astimezone(zone).strftime("%Y-%m")
            if key in keys:
                i = keys.index(key)
                month, n, internal = entry.months[i]
                extra = post.audience == "internal"
                entry.months[i] = (month, n + 1, internal + extra)
                entry.total += 1
                entry.internal += extra
    for entry in found.values():
        entry.scheduled.sort(key=lambda p: p.date)
        if entry.last is not None:
            entry.days_since = (local_now.date() - entry.last.date.astimezone(zone).date()).days
        entry.flagged = entry.days_since is None or entry.days_since > max_gap_days
    return sorted(found.values(), key=lambda a: a.name.casefold())


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


#: How many weeks ahead the calendar shows (posts after that are listed as "later").
QUEUE_WEEKS = 12


def queue_by_week(
    posts: Iterable[PostInfo], now: datetime, zone: tzinfo, weeks: int = QUEUE_WEEKS
) -> tuple[list[tuple[date, list[PostInfo]]], list[PostInfo]]:
    """Scheduled posts by week (Monday first) for `weeks` weeks from this one — empty weeks included,
    so gaps show — and the scheduled posts after that."""
    first = week_start(now.astimezone(zone).date())
    grid: list[tuple[date, list[PostInfo]]] = [(first + timedelta(weeks=i), []) for i in range(weeks)]
    later = []
    for post in sorted((p for p in posts if p.state == "scheduled" and p.date), key=lambda p: p.date):
        index = (week_start(post.date.astimezone(zone).date()) - first).days // 7
        if 0 <= index < weeks:
            grid[index][1].append(post)
        else:
            later.append(post)
    return grid, later
