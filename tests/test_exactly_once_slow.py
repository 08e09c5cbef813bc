"""Exactly once against a slow server: SIGKILL `python -m publish` at random moments, re-run at once.

The fake Mastodon takes longer to create a status than a re-run needs to start and reach
reconcile (measured first, so the race is real on a fast or a loaded machine), and stores the
Idempotency-Key only after creating it (as Mastodon does): a re-run that re-sent the pending
record, or looked it up and posted it again, while the killed run's request was still being
processed would create a duplicate. The publish step must wait
until such a request can no longer be in flight, then settle it from the account's statuses.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fakes.harness import (
    REPO,
    SECRETS,
    ledger_records,
    post,
    settings_for,
    threaded_mastodon,
    write_conf,
    write_manifest,
)

ROUNDS = 20
POSTS = 24
MARGIN = 0.5  # SYNDICATION_INFLIGHT_MARGIN


@pytest.fixture
def slow_mastodon():
    with threaded_mastodon() as fake:
        yield fake


def start(conf: Path, env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "publish", "--settings", str(conf)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


def size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def test_sigkill_at_random_moments_against_a_slow_server(tmp_path, slow_mastodon):
    fake = slow_mastodon
    slugs = [f"post-{n:02d}" for n in range(POSTS)]
    settings = settings_for(tmp_path, SYNDICATION_CHANNELS=["mastodon"], SYNDICATION_MAX_PER_RUN=100)
    write_manifest(
        Path(settings["SYNDICATION_MANIFEST"]),
        [post(slug, date=f"2026-03-{n + 1:02d}T08:00:00+00:00") for n, slug in enumerate(slugs)],
    )
    ledger = Path(settings["SYNDICATION_LEDGER"])
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MASTODON_", "X_", "LINKEDIN_"))}
    env = {
        **clean,
        "MASTODON_ACCESS_TOKEN": SECRETS["MASTODON_ACCESS_TOKEN"],
        "MASTODON_API_BASE": fake.url,
        "COLUMNS": "200",
    }
    log = (tmp_path / "runs.log").open("wb")

    # Warm-up: how long does a re-run need from its start to its first look at the account?
    # (an old pending record makes it reconcile). The server is then made slower than that.
    ledger.parent.mkdir(parents=True)
    ledger.write_text(
        json.dumps(
            {
                "event": "pending",
                "post": slugs[0],
                "channel": "mastodon",
                "key": "warm",
                "time": "2026-01-01T00:00:00+00:00",
                "url": "",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    fake.delay = 0.0
    warm = write_conf(tmp_path, {**settings, "SYNDICATION_MAX_PER_RUN": 1})
    spawned = time.monotonic()
    assert start(warm, env, log).wait(timeout=120) == 0
    startup = fake.reads[0] - spawned
    delay = max(1.5, 1.5 * startup)  # the POST takes longer than a re-run needs to start
    timeout = delay + 1.5  # SYNDICATION_TIMEOUT: a normal POST finishes within it
    fake.delay = delay
    conf = write_conf(
        tmp_path, {**settings, "SYNDICATION_TIMEOUT": timeout, "SYNDICATION_INFLIGHT_MARGIN": MARGIN}
    )

    rng = random.Random(int(os.environ.get("LECTERN_TEST_SEED", "0")) or None)
    killed = 0
    started = time.monotonic()
    for round_ in range(ROUNDS):
        before = size(ledger)
        proc = start(conf, env, log)
        if round_ % 4 == 3:  # now and then: anywhere in the start-up and reconcile
            time.sleep(rng.uniform(0.05, startup + 0.5))
        else:  # mostly: around a pending record, i.e. before, during or after the slow POST
            deadline = time.monotonic() + 10 * startup + 5
            while size(ledger) == before and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, delay * 1.2))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait()
    kill_phase = time.monotonic() - started

    # Re-run until every pair is settled (waiting out the in-flight window where needed).
    for _ in range(6):
        assert start(conf, env, log).wait(timeout=120) == 0
        states = _states(settings)
        if len(states) == POSTS and set(states.values()) == {"posted"}:
            break
        time.sleep(2 * timeout + MARGIN)
    log.close()
    runs = (tmp_path / "runs.log").read_text(encoding="utf-8", errors="replace")

    links = {slug: [s for s in fake.statuses if f"utm_campaign={slug}" in s["content"]] for slug in slugs}
    duplicates = {slug: len(found) for slug, found in links.items() if len(found) > 1}
    lost = [slug for slug, found in links.items() if not found]
    assert killed >= ROUNDS * 3 // 4, f"only {killed} of {ROUNDS} runs were killed"
    assert duplicates == {} and lost == [], runs[-4000:]
    assert _states(settings) == dict.fromkeys(slugs, "posted")
    posted = {r["post"]: r["remote_id"] for r in ledger_records(settings) if r["event"] == "posted"}
    assert posted == {slug: found[0]["id"] for slug, found in links.items()}  # the ledger names the status
    assert "in flight, will retry" in runs  # the race was really there
    assert fake.errors == []
    print(
        f"start-up {startup:.2f} s, server delay {delay:.2f} s; {killed} kills in {kill_phase:.1f} s, "
        f"{len(fake.statuses)} statuses, {runs.count('in flight, will retry')} in-flight waits, "
        f"{runs.count('earlier attempt found')} found by reconcile"
    )


def _states(settings: dict) -> dict[str, str]:
    from publish.ledger import read

    return {post_: pair.state for (post_, _), pair in read(settings["SYNDICATION_LEDGER"]).pairs().items()}
