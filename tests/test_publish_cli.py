"""`python -m publish` end to end against the fake APIs: exactly once, crash safety, lock, secrets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakes.harness import (  # noqa: F401 - fixtures
    REPO,
    fakes,
    ledger_records,
    post,
    settings_for,
    tweepy_to_fake,
    write_conf,
    write_manifest,
)

from publish.cli import main
from publish.ledger import Writer

PUBLIC = ("x", "linkedin", "mastodon", "bluesky")
INTERNAL = ("slack", "teams")


@pytest.fixture
def setup(tmp_path, fakes):  # noqa: F811
    """(settings, conf path) for two public posts and one internal post."""
    settings = settings_for(tmp_path, fakes)
    write_manifest(
        Path(settings["SYNDICATION_MANIFEST"]),
        [
            post("trust-beats-tooling"),
            post(
                "integrations-finance-can-own",
                title="Integrations that finance can own",
                date="2026-04-15T09:00:00+00:00",
                social={"x": "How we let finance teams own the mapping:"},
            ),
            post(
                "q3-notes",
                title="Q3 notes for the team",
                audience="internal",
                date="2026-08-01T16:00:00+00:00",
                social={"slack": "Q3 notes are up: hiring and year-end priorities."},
            ),
        ],
    )
    return settings, write_conf(tmp_path, settings)


def run(conf: Path, env: dict, *args: str) -> int:
    return main(["--settings", str(conf), *args], env=env)


def sent(fakes) -> dict[str, list[str]]:  # noqa: F811
    """Everything each fake network received, as text."""
    return {
        "x": [t["text"] for t in fakes.x.tweets],
        "linkedin": [p["commentary"] for p in fakes.linkedin.posts],
        "mastodon": [s["content"] for s in fakes.mastodon.statuses],
        "bluesky": [r["value"]["text"] for r in fakes.bluesky.records],
        "slack": [json.dumps(m) for m in fakes.slack.messages],
        "teams": [json.dumps(m) for m in fakes.teams.messages],
    }


def posted_pairs(settings) -> list[tuple[str, str]]:
    return sorted((r["post"], r["channel"]) for r in ledger_records(settings) if r["event"] == "posted")


def test_no_credentials_writes_preview_posts_nothing_exits_0(setup, fakes, capsys):  # noqa: F811
    settings, conf = setup
    assert run(conf, {}) == 0
    plan = json.loads((Path(settings["SYNDICATION_PREVIEW_DIR"]) / "plan.json").read_text())
    assert {(r["post"], r["channel"]) for r in plan} >= {("trust-beats-tooling", "x"), ("q3-notes", "slack")}
    assert {r["status"] for r in plan} == {"preview-only"}
    assert set(plan[0]) >= {"post", "channel", "url", "text", "length", "limit", "status"}
    html = (Path(settings["SYNDICATION_PREVIEW_DIR"]) / "index.html").read_text()
    assert "Trust beats tooling" in html and "/ 280" in html
    assert ledger_records(settings) == [] and not Path(settings["SYNDICATION_LEDGER"]).exists()
    assert all(fake.calls == [] for fake in fakes.all())
    assert "preview only" in capsys.readouterr().err


def test_preview_only_posts_nothing_even_with_credentials(setup, fakes, tweepy_to_fake):  # noqa: F811
    settings, conf = setup
    assert run(conf, fakes.env(), "--preview-only") == 0
    assert all(fake.calls == [] for fake in fakes.all())
    assert not Path(settings["SYNDICATION_LEDGER"]).exists()
    plan = json.loads((Path(settings["SYNDICATION_PREVIEW_DIR"]) / "plan.json").read_text())
    assert len(plan) == 10 and {r["status"] for r in plan} == {"planned"}
    (x_row,) = [r for r in plan if r["post"] == "integrations-finance-can-own" and r["channel"] == "x"]
    assert x_row["text"] == "How we let finance teams own the mapping: " + x_row["url"]
    assert x_row["length"] == len("How we let finance teams own the mapping: ") + 23 and x_row["limit"] == 280
    assert "utm_source=x&utm_medium=social&utm_campaign=integrations-finance-can-own" in x_row["url"]


def test_run_twice_posts_each_pair_once(setup, fakes, tweepy_to_fake, capsys):  # noqa: F811
    settings, conf = setup
    assert run(conf, fakes.env()) == 0
    first = posted_pairs(settings)
    assert first == sorted(
        [(p, c) for p in ("trust-beats-tooling", "integrations-finance-can-own") for c in PUBLIC]
        + [("q3-notes", c) for c in INTERNAL]
    )
    assert run(conf, fakes.env()) == 0
    assert posted_pairs(settings) == first
    assert {k: len(v) for k, v in sent(fakes).items()} == {
        "x": 2,
        "linkedin": 2,
        "mastodon": 2,
        "bluesky": 2,
        "slack": 1,
        "teams": 1,
    }
    assert fakes.errors() == []
    out = capsys.readouterr().out
    assert "posted" in out and "live" in out


def test_internal_posts_reach_only_slack_and_teams(setup, fakes, tweepy_to_fake):  # noqa: F811
    settings, conf = setup
    run(conf, fakes.env())
    texts = sent(fakes)
    for channel in PUBLIC:
        assert not any("Q3 notes" in t or "q3-notes" in t for t in texts[channel]), channel
    assert any("Q3 notes are up" in t for t in texts["slack"])
    assert any("Q3 notes for the team" in t for t in texts["teams"])


def test_confidential_term_is_never_sent_anywhere(tmp_path, fakes, tweepy_to_fake, capsys):  # noqa: F811
    settings = settings_for(tmp_path, fakes)
    write_manifest(
        Path(settings["SYNDICATION_MANIFEST"]),
        [
            post("roadmap", social={"linkedin": "What Project Bluefin means for controllers."}),
        ],
    )
    conf = write_conf(tmp_path, settings)
    assert run(conf, fakes.env()) == 0
    assert all(v == [] for v in sent(fakes).values())
    assert not [r for r in ledger_records(settings) if r["event"] in ("pending", "posted")]
    plan = json.loads((Path(settings["SYNDICATION_PREVIEW_DIR"]) / "plan.json").read_text())
    assert {r["status"] for r in plan} == {"held"}
    assert any("confidential" in r["reason"] for r in plan)
    assert "confidential" in capsys.readouterr().err


def test_secrets_never_appear_in_output_ledger_or_preview(setup, fakes, tweepy_to_fake, capsys):  # noqa: F811
    settings, conf = setup
    fakes.slack.fail_next("500")
    fakes.linkedin.fail_next("401")
    assert run(conf, fakes.env()) == 1  # failures are reported (and exit non-zero)...
    captured = capsys.readouterr()
    haystacks = [captured.out, captured.err, Path(settings["SYNDICATION_LEDGER"]).read_text()]
    haystacks += [p.read_text() for p in Path(settings["SYNDICATION_PREVIEW_DIR"]).iterdir()]
    for secret in fakes.secrets():  # ...without echoing any secret
        assert not any(secret in text for text in haystacks), secret


def test_429_defers_the_channel_and_records_the_reset(setup, fakes, tweepy_to_fake):  # noqa: F811
    settings, conf = setup
    fakes.mastodon.fail_next("429")
    assert run(conf, fakes.env()) == 0  # deferred is not a failure
    records = ledger_records(settings)
    (deferred,) = [r for r in records if r["event"] == "deferred"]
    assert deferred["channel"] == "mastodon" and deferred["reset"]
    assert len(fakes.mastodon.calls) == 1  # the second post was not even tried
    assert len(fakes.x.tweets) == 2 and len(fakes.bluesky.records) == 2  # the others went on
    run(conf, fakes.env())  # reset is 30 minutes away: still deferred, no call
    assert len(fakes.mastodon.calls) == 1 and fakes.mastodon.statuses == []


def test_a_failure_exits_1_and_is_retried_next_run(setup, fakes, tweepy_to_fake):  # noqa: F811
    settings, conf = setup
    fakes.linkedin.fail_next("401")
    assert run(conf, fakes.env("linkedin")) == 1
    assert [r["event"] for r in ledger_records(settings)] == ["pending", "failed", "pending", "posted"]
    assert run(conf, fakes.env("linkedin")) == 0
    assert len(fakes.linkedin.posts) == 2


def test_a_channel_that_cannot_log_in_fails_alone(setup, fakes):  # noqa: F811
    settings, conf = setup
    env = {**fakes.env("bluesky", "mastodon"), "BLUESKY_APP_PASSWORD": "wrong-password"}
    assert run(conf, env) == 1
    plan = json.loads((Path(settings["SYNDICATION_PREVIEW_DIR"]) / "plan.json").read_text())
    assert {r["status"] for r in plan if r["channel"] == "bluesky"} == {"failed"}
    assert all("login failed" in r["reason"] for r in plan if r["channel"] == "bluesky")
    assert len(fakes.mastodon.statuses) == 2


def test_per_channel_cap(tmp_path, fakes):  # noqa: F811
    settings = settings_for(tmp_path, fakes, SYNDICATION_MAX_PER_RUN=2)
    write_manifest(
        Path(settings["SYNDICATION_MANIFEST"]),
        [post(f"post-{i}", date=f"2026-0{i}-01T08:00:00+00:00") for i in range(1, 5)],
    )
    conf = write_conf(tmp_path, settings)
    run(conf, fakes.env("mastodon"))
    assert len(fakes.mastodon.statuses) == 2
    run(conf, fakes.env("mastodon"))
    run(conf, fakes.env("mastodon"))
    assert len(fakes.mastodon.statuses) == 4


def test_mark_existing_records_without_posting(setup, fakes, tweepy_to_fake):  # noqa: F811
    settings, conf = setup
    assert run(conf, fakes.env(), "--mark-existing") == 0
    assert all(fake.calls == [] for fake in fakes.all())
    assert len(posted_pairs(settings)) == 10
    assert run(conf, fakes.env()) == 0
    assert all(v == [] for v in sent(fakes).values())


def test_edited_post_is_reported_and_reshare_posts_again(setup, fakes, capsys):  # noqa: F811
    settings, conf = setup
    run(conf, fakes.env("mastodon"))
    manifest = Path(settings["SYNDICATION_MANIFEST"])
    data = json.loads(manifest.read_text())
    data["posts"][0]["hash"] = "sha256:edited"
    manifest.write_text(json.dumps(data))
    capsys.readouterr()
    assert run(conf, fakes.env("mastodon")) == 0
    assert len(fakes.mastodon.statuses) == 2
    assert "trust-beats-tooling → mastodon: edited" in capsys.readouterr().err
    assert run(conf, fakes.env("mastodon"), "--reshare", "trust-beats-tooling") == 0
    assert len(fakes.mastodon.statuses) == 3


def test_torn_ledger_line_is_reported_and_settled(setup, fakes, capsys):  # noqa: F811
    settings, conf = setup
    ledger = Path(settings["SYNDICATION_LEDGER"])
    ledger.parent.mkdir(parents=True)
    ledger.write_text('{"event": "pending", "post": "trust-beats-tooling", "chan', encoding="utf-8")
    assert run(conf, fakes.env("mastodon")) == 0
    assert "syndication.jsonl:1: the last line is incomplete" in capsys.readouterr().err
    assert [r["event"] for r in ledger_records_lenient(ledger)][:1] == ["torn"]


def ledger_records_lenient(path: Path) -> list[dict]:
    out = []
    for line in path.read_text().splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            pass
    return out


def test_require_live_holds_posts_whose_page_is_not_up(tmp_path, fakes, httpserver):  # noqa: F811
    httpserver.expect_request("/posts/2026/up/").respond_with_data("<html>up</html>")
    site = httpserver.url_for("").rstrip("/")
    settings = settings_for(tmp_path, fakes, SYNDICATION_REQUIRE_LIVE=True)
    write_manifest(
        Path(settings["SYNDICATION_MANIFEST"]),
        [post("up", url=f"{site}/posts/2026/up/"), post("down", url=f"{site}/posts/2026/down/")],
    )
    conf = write_conf(tmp_path, settings)
    assert run(conf, fakes.env("mastodon")) == 0
    assert posted_pairs(settings) == [("up", "mastodon")]


# ---------------------------------------------------------------- in a subprocess
def wait_out_in_flight(settings: dict) -> Path:
    """Shorten the in-flight window to 2 s (SYNDICATION_TIMEOUT 1, no margin), wait until the
    newest pending record is older than that, and return the settings file to use from now on."""
    short = {**settings, "SYNDICATION_TIMEOUT": 1, "SYNDICATION_INFLIGHT_MARGIN": 0}
    conf = write_conf(Path(settings["SYNDICATION_LEDGER"]).parent.parent, short)
    times = [datetime.fromisoformat(r["time"]) for r in ledger_records(settings) if r["event"] == "pending"]
    # Ledger times are whole seconds: one more second covers the truncation.
    time.sleep(max(0.0, (max(times) + timedelta(seconds=3) - datetime.now(UTC)).total_seconds()))
    return conf


def publish_process(conf: Path, env: dict, **extra) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("X_", "LINKEDIN_", "MASTODON_", "BLUESKY_", "SLACK_", "TEAMS_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "publish", "--settings", str(conf)],
        cwd=REPO,
        env={**clean, **env, **extra, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("channel", ["mastodon", "bluesky", "linkedin"])
@pytest.mark.parametrize("point", ["after-pending", "after-call"])
def test_sigkill_loses_nothing_and_posts_nothing_twice(setup, fakes, channel, point):  # noqa: F811
    settings, conf = setup
    env = fakes.env(channel)
    crashed = publish_process(conf, env, LECTERN_TEST_CRASH_AT=point)
    assert crashed.returncode == -9, crashed.stderr
    (pending,) = ledger_records(settings)
    assert pending["event"] == "pending"  # the intent was on disk before the call
    received = len(sent(fakes)[channel])
    assert received == (1 if point == "after-call" else 0)
    # At once: the killed run's request could still be in flight, so it is neither re-sent nor
    # looked up; the other post goes out.
    again = publish_process(conf, env)
    assert again.returncode == 0, again.stderr
    assert "trust-beats-tooling → " + channel + ": in flight, will retry" in again.stderr
    assert len(sent(fakes)[channel]) == received + 1
    # Once the in-flight window (2 x SYNDICATION_TIMEOUT + margin) has passed, reconcile settles it.
    conf = wait_out_in_flight(settings)
    again = publish_process(conf, env)
    assert again.returncode == 0, again.stderr
    assert "reconcile" in again.stderr
    assert len(sent(fakes)[channel]) == 2  # two public posts, each exactly once
    assert posted_pairs(settings) == [
        ("integrations-finance-can-own", channel),
        ("trust-beats-tooling", channel),
    ]
    assert fakes.errors() == []


def test_sigkill_on_a_webhook_needs_attention_not_a_repost(setup, fakes):  # noqa: F811
    settings, conf = setup
    crashed = publish_process(conf, fakes.env("slack"), LECTERN_TEST_CRASH_AT="after-call")
    assert crashed.returncode == -9
    conf = wait_out_in_flight(settings)
    again = publish_process(conf, fakes.env("slack"))
    assert again.returncode == 0 and "needs attention" in again.stderr
    assert len(fakes.slack.messages) == 1
    again = publish_process(conf, fakes.env("slack"))
    assert len(fakes.slack.messages) == 1
    forced = subprocess.run(
        [sys.executable, "-m", "publish", "--settings", str(conf), "--retry-attention"],
        cwd=REPO,
        env={**os.environ, **fakes.env("slack")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert forced.returncode == 0 and len(fakes.slack.messages) == 2


def test_two_publishes_at_once_one_fails_clearly(setup, fakes):  # noqa: F811
    settings, conf = setup
    with Writer(settings["SYNDICATION_LEDGER"]):  # a publish in progress holds the ledger
        second = publish_process(conf, fakes.env("mastodon"))
    assert second.returncode == 1
    assert "another publish is running" in second.stderr
    assert fakes.mastodon.calls == [] and ledger_records(settings) == []
