"""What went out where and when, what is held and what failed — from the ledger, the source of truth.

Reads the ledger with `publish.ledger.read` (damaged lines are reported, never trusted) and asks the
planner (`publish.plan.plan`, no network, nothing composed) which pairs a publish run would hold
(confidential code name, placeholder text, an unreadable ledger line). Texts the brand guard would
hold once composed are the preview's job (`make preview`); the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..ledger import Ledger, fold, parse_time
from ..ledger import read as read_ledger


@dataclass(frozen=True)
class Shared:
    post: str
    channel: str
    time: datetime | None  # when the `posted` record was written (the share time)
    remote_url: str
    marked: bool  # recorded by --mark-existing (shared before Lectern kept a ledger)
    accepted: bool = False  # a webhook took it for later delivery (Teams 202): not known delivered


@dataclass(frozen=True)
class Open:
    post: str
    channel: str
    state: str  # failed | uncertain | attention | pending | held
    why: str
    time: str = ""


@dataclass
class History:
    shared: list[Shared]
    failed: list[Open]
    held: list[Open]
    problems: list[str]


def shared_times(ledger: Ledger) -> dict[tuple[str, str], datetime]:
    """(post, channel) → the first time it was posted (for first-visit delays)."""
    first: dict[tuple[str, str], datetime] = {}
    for rec in ledger.records:
        if rec.get("event") == "posted" and not rec.get("marked") and not rec.get("kind"):
            when = parse_time(rec.get("time"))
            key = (rec["post"], rec["channel"])
            if when and (key not in first or when < first[key]):
                first[key] = when
    return first


def history(ledger_path: Path, settings: dict, posts_manifest: list, now: datetime) -> tuple[History, Ledger]:
    """The ledger's story plus the planner's holds for the manifest's posts."""
    ledger = read_ledger(ledger_path)
    problems = [f"{p.where(ledger_path)}: {p.message}" for p in ledger.problems]
    shared = []
    for rec in ledger.records:
        if rec.get("event") == "posted":
            remote = rec.get("remote_url") or ""
            shared.append(
                Shared(
                    rec["post"],
                    rec["channel"] + (f" ({rec['kind']})" if rec.get("kind") else ""),  # amplify messages
                    parse_time(rec.get("time")),
                    remote if remote.lower().startswith(("https://", "http://")) else "",
                    bool(rec.get("marked")),
                    bool(rec.get("accepted")),
                )
            )
    shared.sort(key=lambda s: (s.time is None, s.time or now), reverse=False)
    failed = []
    for pair in fold(ledger.records).values():
        if pair.state in ("failed", "uncertain", "attention"):
            failed.append(Open(pair.post, pair.channel, pair.state, pair.error or "", pair.since or ""))
    held: list[Open] = []
    if posts_manifest:
        from ..plan import plan

        for item in plan(posts_manifest, ledger, settings, now=now, cap=0):
            if item.status in ("held", "attention") and (item.post.slug, item.channel) not in {
                (f.post, f.channel) for f in failed
            }:
                held.append(Open(item.post.slug, item.channel, item.status, item.reason))
    return History(shared, failed, held, problems), ledger
