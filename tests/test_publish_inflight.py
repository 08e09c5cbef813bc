"""A pending record is never re-sent or looked up while its request could still be in flight.

In flight = younger than 2 x SYNDICATION_TIMEOUT + SYNDICATION_INFLIGHT_MARGIN (here 2 x 5 + 30 s).
The random-SIGKILL test against a slow server is tests/test_exactly_once_slow.py; these pin the rule.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakes.harness import REPO, fakes, ledger_records, post, settings_for, write_conf, write_manifest  # noqa: F401
from test_publish_channels import item_for

from publish.channels import mastodon
from publish.ledger import Writer, read
from publish.model import Post, ReadFailed
from publish.plan import plan
from publish.run import reconcile_open

SLUG = "trust-beats-tooling"


@pytest.fixture
def setup(tmp_path, fakes):  # noqa: F811
    settings = settings_for(tmp_path, fakes, SYNDICATION_CHANNELS=["mastodon"])
    write_manifest(Path(settings["SYNDICATION_MANIFEST"]), [post(SLUG)])
    return settings, mastodon.connect(settings, fakes.env("mastodon"))


def pending_at(settings: dict, when: datetime, item) -> None:
    with Writer(settings["SYNDICATION_LEDGER"]) as writer:
        writer.append(
            {
                "event": "pending",
                "post": SLUG,
                "channel": "mastodon",
                "key": item.key,
                "hash": item.post.hash,
                "url": item.link,
                "time": when.isoformat(timespec="seconds"),
            }
        )


def reconcile(settings: dict, conn, now: datetime) -> list[str]:
    posts = {SLUG: Post.from_json(post(SLUG))}
    with Writer(settings["SYNDICATION_LEDGER"]) as writer:
        return reconcile_open(writer, writer.read(), {"mastodon": conn}, posts, settings, str, now=now)


def test_a_request_still_in_flight_is_left_alone_then_found_on_the_timeline(setup, fakes):  # noqa: F811
    settings, conn = setup
    item = item_for("mastodon", settings)
    sent = datetime.now(UTC).replace(microsecond=0)
    pending_at(settings, sent, item)
    first = conn.post(item)  # the killed run's request did arrive (late)

    for seconds in (0, 20, 39):  # inside the 40 s window: no call, no record
        notes = reconcile(settings, conn, sent + timedelta(seconds=seconds))
        assert notes == [
            f"{SLUG} → mastodon: in flight, will retry (the request sent at "
            f"{sent.isoformat()} may still be processed; checked on a run after "
            f"{(sent + timedelta(seconds=40)).isoformat()})"
        ]
    assert fakes.mastodon.reads == [] and len(ledger_records(settings)) == 1
    items = plan(
        [Post.from_json(post(SLUG))],
        read(settings["SYNDICATION_LEDGER"]),
        settings,
        now=sent + timedelta(seconds=39),
    )
    assert [(i.status, i.reason.split(":")[0]) for i in items] == [("unsettled", "in flight, will retry")]

    notes = reconcile(settings, conn, sent + timedelta(seconds=41))
    assert notes == [f"{SLUG} → mastodon: earlier attempt found ({first.remote_url})"]
    assert len(fakes.mastodon.reads) == 1 and len(fakes.mastodon.statuses) == 1  # read, not re-sent
    events = [(r["event"], r.get("via")) for r in ledger_records(settings)]
    assert events == [("pending", None), ("pending", "reconcile"), ("posted", "reconcile")]
    assert ledger_records(settings)[-1]["remote_id"] == first.remote_id


def test_a_pending_record_without_a_readable_time_needs_attention(setup, fakes):  # noqa: F811
    settings, conn = setup
    item = item_for("mastodon", settings)
    Path(settings["SYNDICATION_LEDGER"]).parent.mkdir(parents=True)
    Path(settings["SYNDICATION_LEDGER"]).write_text(
        json.dumps(
            {
                "event": "pending",
                "post": SLUG,
                "channel": "mastodon",
                "key": item.key,
                "url": item.link,
                "time": "yesterday",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    notes = reconcile(settings, conn, datetime.now(UTC))
    assert notes == [f"{SLUG} → mastodon: needs attention (pending record without a time)"]
    assert fakes.mastodon.calls == [] and ledger_records(settings)[-1]["event"] == "attention"


def test_mastodon_re_sends_with_the_same_key_only_when_the_timeline_cannot_be_read(setup, fakes):  # noqa: F811
    settings, conn = setup
    item = item_for("mastodon", settings)
    first = conn.post(item)
    fakes.mastodon.fail_reads = True
    item.since = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    assert conn.reconcile(item) == first  # same Idempotency-Key: Mastodon answers with the same status
    assert len(fakes.mastodon.statuses) == 1 and len(fakes.mastodon.calls) == 2
    item.since = (datetime.now(UTC) - timedelta(hours=2)).isoformat()  # the key has expired
    # A 503 is a read that failed for now: the pair stays open for the next run (not Unsettled).
    with pytest.raises(ReadFailed, match="could not read recent statuses"):
        conn.reconcile(item)
    assert len(fakes.mastodon.calls) == 2


def test_a_crash_during_reconcile_restarts_the_window(setup, fakes, tmp_path):  # noqa: F811
    settings, conn = setup
    item = item_for("mastodon", settings)
    pending_at(settings, datetime.now(UTC) - timedelta(hours=1), item)  # long settled in time
    conf = write_conf(tmp_path, settings)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("MASTODON_")}, **fakes.env("mastodon")}
    run = [sys.executable, "-m", "publish", "--settings", str(conf)]
    killed = subprocess.run(
        run,
        cwd=REPO,
        env={**env, "LECTERN_TEST_CRASH_AT": "reconcile-pending"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == -9
    assert [(r["event"], r.get("via")) for r in ledger_records(settings)] == [
        ("pending", None),
        ("pending", "reconcile"),
    ]
    again = subprocess.run(run, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and f"{SLUG} → mastodon: in flight, will retry" in again.stderr
    assert fakes.mastodon.calls == [] and fakes.mastodon.reads == []
