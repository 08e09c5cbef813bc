"""The posting loop: reconcile what an earlier run left open, then post planned items, recording
intent (fsync) before every call and the result right after.

`LECTERN_TEST_CRASH_AT=after-pending|after-call|reconcile-pending` (test-only hook) SIGKILLs the
process at that point, so tests can prove a crash at any moment neither loses a record nor posts twice.
"""

from __future__ import annotations

import os
import signal
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from .compose import ComposeError, compose
from .ledger import Ledger, Writer, in_flight, parse_time
from .live import wait_all
from .model import ChannelError, Held, Item, Post, RateLimited, Unsettled
from .redact import error_text
from .settings import in_flight_window, live_wait
from .settings import timeout as settings_timeout
from .states import OPEN

CRASH_ENV = "LECTERN_TEST_CRASH_AT"


def crash_point(name: str) -> None:
    """Test-only: die here, as a power cut would, when LECTERN_TEST_CRASH_AT names this point."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def reconcile_open(writer: Writer, ledger: Ledger, connections: dict, posts: dict[str, Post],
                   settings: dict, redact: Callable[[str], str], now: datetime | None = None) -> list[str]:
    """Settle every pending pair whose channel we can reach; return messages for the operator.

    A pair whose last request could still be in flight is left alone: re-sending it now could
    arrive while the server is still creating the first post (Mastodon stores an Idempotency-Key
    only once the status exists), and reading the timeline now could miss a post about to appear.
    Before checking or re-sending, a fresh `pending` (same key) restarts that window, so a crash
    during reconcile is covered the same way.
    """
    notes = []
    now = now or now_utc()
    window = in_flight_window(settings)
    for pair in list(ledger.pairs().values()):
        if pair.state not in OPEN or pair.channel not in connections:
            continue
        base = {"post": pair.post, "channel": pair.channel, "key": pair.key, "hash": pair.pending_hash}
        since = parse_time(pair.since)
        if since is None:
            writer.append({**base, "event": "attention",
                           "reason": "the pending record has no readable time, so its request may still "
                                     "be in flight"})
            notes.append(f"{pair.post} → {pair.channel}: needs attention (pending record without a time)")
            continue
        if since > now + window:  # a clock or a hand edit: waiting would never end (year 9999 overflows)
            writer.append({**base, "event": "attention",
                           "reason": f"the pending record is dated {pair.since}, in the future (check the "
                                     "clock), so when its request was sent is unknown"})
            notes.append(f"{pair.post} → {pair.channel}: needs attention "
                         "(pending record dated in the future)")
            continue
        if in_flight(pair, now, window):
            notes.append(f"{pair.post} → {pair.channel}: in flight, will retry (the request sent at "
                         f"{pair.since} may still be processed; checked on a run after "
                         f"{(parse_time(pair.since) + window).isoformat(timespec='seconds')})")
            continue
        post = posts.get(pair.post)
        if post is None:
            writer.append({**base, "event": "attention", "reason": "post no longer in the manifest"})
            notes.append(f"{pair.post} → {pair.channel}: needs attention (post no longer in the manifest)")
            continue
        try:
            composed = compose(post, pair.channel, settings)
        except ComposeError as exc:
            writer.append({**base, "event": "attention", "reason": error_text(redact, exc)})
            notes.append(f"{pair.post} → {pair.channel}: needs attention ({error_text(redact, exc)})")
            continue
        if pair.url and composed.link != pair.url:
            writer.append({**base, "event": "attention",
                           "reason": "the post changed since the unfinished attempt; check the channel"})
            notes.append(f"{pair.post} → {pair.channel}: needs attention (post changed since a crashed run)")
            continue
        item = Item(post=post, channel=pair.channel, status="reconcile", text=composed.text,
                    link=composed.link, payload=composed.payload, key=pair.key or "",
                    since=pair.key_since or pair.since, media=pair.media)
        again = {"media": pair.media} if pair.media is not None else {}
        writer.append({**base, "event": "pending", "url": pair.url, "via": "reconcile", **again})
        crash_point("reconcile-pending")
        try:
            receipt = connections[pair.channel].reconcile(item)
        except Unsettled as exc:
            writer.append({**base, "event": "attention", "reason": error_text(redact, exc)})
            notes.append(f"{pair.post} → {pair.channel}: needs attention ({error_text(redact, exc)})")
            continue
        except ChannelError as exc:  # rate limited, network down, 5xx: no answer yet, read again next run
            notes.append(f"{pair.post} → {pair.channel}: still open, checked again next run "
                         f"({error_text(redact, exc)})")
            continue
        if receipt is None:
            writer.append({**base, "event": "not-sent", "reason": "reconcile: not found on the network"})
            notes.append(f"{pair.post} → {pair.channel}: earlier attempt never arrived; will post")
        else:
            flag = {"accepted": True} if receipt.accepted else {}
            writer.append({**base, "event": "posted", "remote_id": receipt.remote_id,
                           "remote_url": receipt.remote_url, "url": pair.url, "via": "reconcile", **flag})
            found = receipt.remote_url or "sent"
            notes.append(f"{pair.post} → {pair.channel}: earlier attempt found ({found})")
    return notes


def post_items(writer: Writer, items: list[Item], connections: dict, settings: dict,
               redact: Callable[[str], str], progress: Callable[[Item], None] = lambda item: None) -> None:
    """Post every planned item whose channel is connected; update each item's status in place."""
    live: dict[str, tuple[bool, str]] = {}
    if settings.get("SYNDICATION_REQUIRE_LIVE"):
        # Every page about to be shared is waited for first (bounded), so no POST leaves before
        # its page answers 200. Only pages of items that would be sent now are checked.
        wait, interval = live_wait(settings)
        urls = list(dict.fromkeys(i.post.url for i in items
                                  if i.status == "planned" and i.channel in connections and _checked_live(i)))
        if urls:
            print(f"publish: checking that {len(urls)} page(s) answer 200 before sharing them "
                  f"(waiting up to {wait:g} s)", file=sys.stderr, flush=True)
        live = wait_all(urls, timeout=wait, interval=interval, request_timeout=settings_timeout(settings))

    def not_live(item: Item) -> str:
        if not (settings.get("SYNDICATION_REQUIRE_LIVE") and _checked_live(item)):
            return ""
        ok, why = live.get(item.post.url, (False, "not checked"))
        return "" if ok else (f"not live yet, will retry next run ({item.post.url} did not answer 200 "
                              f"within {live_wait(settings)[0]:g} s; last answer: {why})")

    dispatch(writer, items, connections, redact, progress=progress, not_live=not_live)


def dispatch(writer: Writer, items: list[Item], connections: dict, redact: Callable[[str], str], *,
             progress: Callable[[Item], None] = lambda item: None,
             not_live: Callable[[Item], str] = lambda item: "") -> None:
    """The one dispatch loop for company posts and amplify messages alike: a planned item without
    credentials stays preview-only, one on a channel that rate-limited us this run is deferred, one
    whose page is not live yet (`not_live` gives why) waits; every other one goes through `send`
    (intent fsynced first). `progress` hears of each item that reached a connected channel."""
    deferred: dict[str, str] = {}
    for item in items:
        if item.status != "planned":
            continue
        conn = connections.get(item.channel)
        if conn is None:
            item.status, item.reason = "preview-only", "no credentials for this channel"
            continue
        if item.channel in deferred:
            item.status, item.reason = "deferred", deferred[item.channel]
            progress(item)
            continue
        why = not_live(item)
        if why:
            item.status, item.reason = "not-live", why
            progress(item)
            continue
        send(writer, item, conn, redact, deferred)
        progress(item)


def _checked_live(item: Item) -> bool:
    """Public pages are waited for; an internal post links to the internal edition (deployed by its
    own step, maybe on an intranet this run cannot reach) or to nothing (publish.internal)."""
    return bool(item.post.url) and item.post.audience != "internal"


def send(writer: Writer, item: Item, conn, redact: Callable[[str], str], deferred: dict[str, str]) -> None:
    """Post one item: its media first (nothing is posted by that), then the intent with what the
    post will reference (fsync), then the call, then its result."""
    item.key = uuid.uuid4().hex
    base = {"post": item.post.slug, "channel": item.channel, "key": item.key, "hash": item.post.hash}
    try:
        prepare = getattr(conn, "prepare", None)
        item.media = prepare(item) if prepare is not None else None
        media = {"media": item.media} if item.media is not None else {}
        writer.append({**base, "event": "pending", "url": item.link, **media})
        crash_point("after-pending")
        receipt = conn.post(item)
    except Held as exc:
        message = error_text(redact, exc)
        writer.append({**base, "event": "not-sent", "reason": message})
        item.status, item.reason = "held", message
        return
    except RateLimited as exc:
        reset = exc.reset.astimezone(UTC).isoformat(timespec="seconds") if exc.reset else None
        writer.append({**base, "event": "not-sent", "reason": error_text(redact, exc)})
        writer.append({"event": "deferred", "post": None, "channel": item.channel, "reset": reset})
        why = f"rate limited until {reset}" if reset else "rate limited (no reset time given)"
        deferred[item.channel] = why
        item.status, item.reason = "deferred", why
        return
    except ChannelError as exc:
        message = error_text(redact, exc)
        writer.append({**base, "event": "failed", "error": message, "uncertain": exc.uncertain})
        item.status, item.reason = "failed", message
        return
    crash_point("after-call")
    flag = {"accepted": True} if receipt.accepted else {}
    writer.append({**base, "event": "posted", "remote_id": receipt.remote_id,
                   "remote_url": receipt.remote_url, "url": item.link, **flag})
    item.status, item.remote_url = ("accepted" if receipt.accepted else "posted"), receipt.remote_url
    if receipt.accepted:
        item.reason = (f"accepted by {conn.spec.label} (HTTP 202): its flow delivers the card later and "
                       "cannot be asked whether it did — never re-sent")


def mark_existing(writer: Writer, items: list[Item]) -> None:
    """First adoption: record every planned pair as already shared, without posting."""
    for item in items:
        if item.status in ("planned", "capped", "deferred"):
            writer.append({"event": "posted", "post": item.post.slug, "channel": item.channel,
                           "hash": item.post.hash, "url": item.link, "marked": True,
                           "remote_id": "", "remote_url": ""})
            item.status, item.reason = "marked", "recorded as already shared (--mark-existing)"


def now_utc() -> datetime:
    return datetime.now(UTC)
