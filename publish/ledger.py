"""The syndication ledger: an append-only JSONL file in git, the source of truth for what was posted.

Why a ledger and not "look at the networks": only Mastodon has server-side idempotency (1 hour),
so the only way to post exactly once across crashes is to write our *intent* to disk (fsync)
before each call and the *result* right after. Anything left `pending` without a result is settled
(reconciled) before the next run posts anything.

One record per line, each a JSON object with at least `event`, `post`, `channel`, `time`:
- `pending`   intent: `hash`, `key` (idempotency key), `url` (the link being shared)
- `pending`   … and `media` (what the post references, e.g. an uploaded thumbnail's URN, so a
              re-send is the same request)
- `posted`    result: `remote_id`, `remote_url` (also written by reconcile and `--mark-existing`);
              `accepted: true` when the network only accepted it for later (Teams 202), `marked:
              true` for `--mark-existing` (pair states in publish/states.py)
- `failed`    result: `error`, `uncertain` (true when the network may have accepted the post)
- `not-sent`  reconcile proved the pending call never reached the network
- `attention` reconcile could not tell; not re-posted unless `--retry-attention`
- `deferred`  (channel only, `post` null) rate limited until `reset`
- `torn`      an earlier incomplete line (crash mid-write), quoted in `fragment`

A `pending` is written again (same key, `via: reconcile`) before reconcile checks or re-sends,
so its time always says when the last request may have left: a pair is not touched while that
request could still be in flight (`in_flight`). A line that cannot be trusted (not UTF-8, not
JSON, wrong types; see publish/records.py) is reported and skipped, and every post it may be
about is held as "needs attention" (`Ledger.held`) instead of being shared again.
"""

from __future__ import annotations

import codecs
import fcntl
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from . import records
from .channels.registry import IDS as CHANNEL_ORDER
from .channels.registry import label
from .records import Unreadable
from .redact import scrub
from .states import OPEN, state_of_posted

#: Events that close a `pending` record.
RESULTS = frozenset({"posted", "failed", "not-sent", "attention"})


class LedgerLocked(RuntimeError):
    """Another publish holds the ledger."""


@dataclass(frozen=True)
class Problem:
    line: int  # 0: the whole file
    message: str

    def where(self, path: str | os.PathLike) -> str:
        """`path:line` for a line, `path` for the whole file (relative to the current folder when
        inside it, as the writer types it: ledger/syndication.jsonl)."""
        shown = os.path.abspath(path)
        if shown.startswith(os.getcwd() + os.sep):
            shown = os.path.relpath(shown)
        return f"{shown}:{self.line}" if self.line else shown


@dataclass
class Pair:
    """What the ledger says about one (post, channel)."""

    post: str
    channel: str
    state: str = "new"  # one of publish.states.PAIR_STATES
    hash: str | None = None  # hash of the post when it was last shared
    pending_hash: str | None = None  # hash of the post in the open attempt
    key: str | None = None  # idempotency key of the open or last attempt
    url: str | None = None  # link that was (or is being) shared
    since: str | None = None  # time of the latest pending record: when the last request may have left
    key_since: str | None = None  # time of the first pending record with this key
    remote_id: str | None = None
    remote_url: str | None = None
    error: str | None = None
    media: dict | None = None  # what the open attempt's request references (recorded with `pending`)


@dataclass
class Ledger:
    records: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    torn_fragment: str | None = None  # an unterminated last line, not yet acknowledged
    unterminated: bool = False  # the last line has no newline (the next append must start one)
    #: Lines skipped as unreadable (not torn): the posts they may concern are held (see `held`).
    unreadable: list[Unreadable] = field(default_factory=list)

    def pairs(self, kind: str = "") -> dict[tuple[str, str], Pair]:
        return fold(self.records, kind)

    def deferred_until(self, channel: str, now: datetime) -> datetime | None:
        """The latest rate-limit reset recorded for `channel`, if still in the future."""
        until = None
        for rec in self.records:
            if rec.get("event") == "deferred" and rec.get("channel") == channel and rec.get("reset"):
                reset = parse_time(rec["reset"])
                if reset and reset > now and (until is None or reset > until):
                    until = reset
        return until

    def held(self, post: str, channel: str, known: set[str]) -> Unreadable | None:
        """The first unreadable line that may be about (post, channel), if any.

        We cannot know what a damaged line said, so the rule is conservative: a line is about
        every post it names (its `post` field when that much is readable, else every known slug
        found in its bytes) on the channel it names (any channel when it names none or several);
        a line that names no known post at all could be about any post, so it holds every one —
        except a line that still reads as a `deferred` or `torn` record, which is about no post.
        `known` is every slug the caller knows of (the manifest's and the ledger's).
        """
        for bad in self.unreadable:
            if bad.postless:
                continue
            posts = records.mentions(bad, known | {post})
            if posts and post not in posts:
                continue
            channel_named = records.channel_of(bad)
            if channel_named is None or channel_named == channel:
                return bad
        return None


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def parse_time(value) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse(data: bytes | str) -> Ledger:
    """Parse ledger bytes. Bad lines are reported with their line number and skipped, never trusted
    and never a crash (see publish/records.py for what a line must look like)."""
    if isinstance(data, str):
        data = data.encode("utf-8", errors="surrogateescape")
    if data.startswith(codecs.BOM_UTF8):  # an editor's byte order mark (Notepad) is not part of line 1
        data = data[len(codecs.BOM_UTF8):]
    ledger = Ledger()
    lines = data.split(b"\n")
    terminated = data.endswith(b"\n") or not data
    ledger.unterminated = not terminated
    acknowledged = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record, bad = records.decode(line, number)
        if bad is not None:
            if number == len(lines) and not terminated:
                ledger.torn_fragment = bad.text
                ledger.problems.append(Problem(
                    number, "the last line is incomplete (a publish was killed while writing it) — "
                    "it is kept and marked as torn on the next publish, and its post is re-checked",
                ))
            else:
                ledger.unreadable.append(bad)
                ledger.problems.append(Problem(
                    number, f"{bad.why} — the line is skipped; fix or delete it (until then the "
                    "posts it may be about are held as needs attention)",
                ))
            continue
        if record["event"] == "torn":
            acknowledged.add(record["line"])
        ledger.records.append(record)
    ledger.problems = [p for p in ledger.problems if p.line not in acknowledged]
    ledger.unreadable = [u for u in ledger.unreadable if u.line not in acknowledged]
    return ledger


def read(path: str | os.PathLike) -> Ledger:
    """Read the ledger at `path` (a missing file is an empty ledger; an unreadable one holds
    every post as needs attention and is reported, never a crash)."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return Ledger()
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        ledger = Ledger(problems=[Problem(0, f"cannot be read ({why}) — fix the file; until then "
                                             "nothing is posted")])
        ledger.unreadable.append(Unreadable(0, "", f"the file cannot be read ({why})"))
        return ledger
    return parse(data)


def in_flight(pair: Pair, now: datetime, window: timedelta) -> bool:
    """Could the request of the pair's latest `pending` record still be processed by the network?

    False when the pair is not open or its pending time is unreadable (reconcile reports those).
    """
    if pair.state not in OPEN:
        return False
    since = parse_time(pair.since)
    return since is not None and now - since < window


def fold(records: Iterable[dict], kind: str = "") -> dict[tuple[str, str], Pair]:
    """Replay records into the current state of every (post, channel).

    `kind` picks one family of pairs: "" the company's own posts; "amplify" the share-kit messages
    (publish.amplify), so a public post's Slack amplify message never looks like a Slack post."""
    pairs: dict[tuple[str, str], Pair] = {}
    for rec in records:
        post, channel, event = rec.get("post"), rec.get("channel"), rec.get("event")
        if not post or not channel or event in ("deferred", "torn") or (rec.get("kind") or "") != kind:
            continue
        pair = pairs.setdefault((post, channel), Pair(post, channel))
        if event == "pending":
            if rec.get("key") != pair.key:  # a new attempt, not a re-check: its own media
                pair.media = None
            if rec.get("key") != pair.key or pair.key_since is None:
                pair.key_since = rec.get("time")
            if isinstance(rec.get("media"), dict):  # even {}: "uploaded nothing" must be repeated too
                pair.media = rec["media"]
            pair.state, pair.key, pair.since = "pending", rec.get("key"), rec.get("time")
            pair.url, pair.error = rec.get("url"), None
            pair.pending_hash = rec.get("hash")
        elif event == "posted":
            pair.state = state_of_posted(rec)
            pair.hash = rec.get("hash") or pair.pending_hash
            pair.remote_id, pair.remote_url = rec.get("remote_id"), rec.get("remote_url")
            pair.url = rec.get("url") or pair.url
            pair.error = None
        elif event == "failed":
            pair.state = "uncertain" if rec.get("uncertain") else "failed"
            pair.error = rec.get("error")
        elif event in ("not-sent", "attention"):
            pair.state = event
            pair.error = rec.get("reason") or pair.error
    return pairs


def syndication_links(records: Iterable[dict]) -> dict[str, list[dict]]:
    """slug → [{"channel", "name", "url"}] of posted copies, for the "Also on" links.

    Only http(s) addresses become links: the URL comes from a network's answer (or a hand edit),
    and a `javascript:` one must never reach an href on the site.
    """
    links: dict[str, list[dict]] = {}
    for pair in fold(records).values():
        if pair.state == "posted" and (pair.remote_url or "").lower().startswith(("https://", "http://")):
            links.setdefault(pair.post, []).append({
                "channel": pair.channel,
                "name": label(pair.channel),
                "url": pair.remote_url,
            })
    order = list(CHANNEL_ORDER)
    for items in links.values():
        items.sort(key=lambda link: order.index(link["channel"]) if link["channel"] in order else 99)
    return links


class Writer:
    """Exclusive, append-only access to the ledger for one publish run.

    The lock is `flock` on the ledger file itself, so it is released by the kernel when the
    process dies (even by SIGKILL): a crashed publish never leaves a stale lock behind.
    """

    def __init__(self, path: str | os.PathLike, redact: Callable[[str], str] | None = None):
        self.path = Path(path)
        self.redact = redact  # publish.redact.Redactor: no secret is ever written to the ledger
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._fd)
            raise LedgerLocked(
                f"another publish is running (the ledger {self.path} is locked) — "
                "wait for it to finish, then run `make publish` again; nothing was posted by this run"
            ) from None

    def read(self) -> Ledger:
        return read(self.path)

    def repair(self, ledger: Ledger) -> Ledger:
        """Terminate a torn last line and record it, so the next append starts on a fresh line."""
        if ledger.torn_fragment is None:
            if ledger.unterminated:  # a whole record without its newline: just end the line
                os.write(self._fd, b"\n")
                return self.read()
            return ledger
        line = read_line_count(self.path)
        os.write(self._fd, b"\n")
        self.append({"event": "torn", "line": line, "fragment": ledger.torn_fragment[:500]})
        return self.read()

    def append(self, record: dict) -> dict:
        """Append one record and fsync it before returning: the caller may act on it at once."""
        record = {"time": now_iso(), **record}
        if self.redact is not None:
            record = scrub(record, self.redact)
        data = (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        os.write(self._fd, data)  # one write(2) of the whole line, O_APPEND
        os.fsync(self._fd)
        return record

    def close(self) -> None:
        if self._fd >= 0:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def read_line_count(path: Path) -> int:
    """1-based number of the last (possibly unterminated) line."""
    data = path.read_bytes()
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
