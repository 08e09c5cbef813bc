"""Channels against fakes that behave like the real servers: sessions that rotate, timelines that
page, 24-hour caps, webhooks that accept before they deliver, limits counted as the servers count.

Every test runs over real HTTP against tests/fakes/ (whose docstrings cite what they follow).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fakes.bluesky import sync_client_clock
from fakes.harness import (  # noqa: F401 - fixtures
    SITE,
    fakes,
    ledger_records,
    post,
    settings_for,
    tweepy_to_fake,
    write_manifest,
)
from pytest_httpserver import HTTPServer
from test_publish_channels import item_for

from publish.channels import bluesky, linkedin, mastodon, slack, teams, x
from publish.compose import SLACK_SECTION_CHARS, TEAMS_CARD_BYTES, compose, wire
from publish.ledger import Writer, fold, parse
from publish.model import ChannelError, Held, Post, RateLimited, Unsettled
from publish.run import reconcile_open, send

SLUG = "trust-beats-tooling"


@pytest.fixture
def settings(tmp_path, fakes):  # noqa: F811
    return settings_for(tmp_path, fakes)


@pytest.fixture
def cdn():
    """Another server for card images (the webhook fakes download them, as Slack does)."""
    server = HTTPServer(threaded=True)
    server.start()
    server.expect_request("/images/card.png").respond_with_data(b"\x89PNG card", content_type="image/png")
    yield server
    server.clear()
    server.stop()


def card_png(tmp_path: Path, size: int = 20) -> str:
    (tmp_path / "output" / "images").mkdir(parents=True, exist_ok=True)
    (tmp_path / "output" / "images" / "card.png").write_bytes(b"\x89PNG" + b"\0" * size)
    return f"{SITE}/images/card.png"


def connected(channel: str, settings: dict, fakes):  # noqa: F811
    """A channel connected the way `python -m publish` connects it (X through the redirect)."""
    conn = {"x": x, "linkedin": linkedin, "mastodon": mastodon, "bluesky": bluesky, "slack": slack,
            "teams": teams}[channel].connect(settings, fakes.env(channel))
    if channel == "x":
        from fakes.x import redirect

        redirect(conn.client, fakes.x)
    return conn


def open_pair(settings: dict, item, channel: str, minutes_ago: int = 30) -> None:
    """A pending record from an earlier run, long out of flight."""
    when = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    with Writer(settings["SYNDICATION_LEDGER"]) as writer:
        writer.append({"event": "pending", "post": SLUG, "channel": channel, "key": item.key,
                       "hash": item.post.hash, "url": item.link, "time": when.isoformat(timespec="seconds")})


def reconcile(settings: dict, channel: str, conn, later: int = 0) -> list[str]:
    """One run's reconcile, `later` minutes from now (a re-check restarts the in-flight window)."""
    posts = {SLUG: Post.from_json(post(SLUG))}
    now = datetime.now(UTC) + timedelta(minutes=later)
    with Writer(settings["SYNDICATION_LEDGER"]) as writer:
        return reconcile_open(writer, writer.read(), {channel: conn}, posts, settings, str, now=now)


def pair_state(settings: dict, channel: str) -> str:
    return fold(ledger_records(settings))[(SLUG, channel)].state


# ---------------------------------------------------------------- 6: transient reconcile errors
@pytest.mark.parametrize("channel,kind", [("x", "429"), ("x", "500"), ("bluesky", "429"), ("bluesky", "502"),
                                          ("bluesky", "500"), ("mastodon", "429"), ("mastodon", "503")])
def test_a_transient_read_error_keeps_the_pair_open_until_a_run_settles_it(settings, fakes, channel, kind):  # noqa: F811
    conn = connected(channel, settings, fakes)
    item = item_for(channel, settings)
    open_pair(settings, item, channel, minutes_ago=120)  # Mastodon's key is too old to re-send
    if channel == "mastodon":
        fakes.mastodon.fail_reads = True if kind == "503" else kind
    else:
        getattr(fakes, channel).fail_reads.append(kind)
    notes = reconcile(settings, channel, conn)
    assert pair_state(settings, channel) == "pending", notes
    assert not [r for r in ledger_records(settings) if r["event"] == "attention"]
    assert notes == [f"{SLUG} → {channel}: still open, checked again next run ({notes[0].split('(', 1)[1]}"]
    if channel == "mastodon":
        fakes.mastodon.fail_reads = False
    notes = reconcile(settings, channel, conn, later=5)  # the next run reads, finds nothing: it will post
    assert pair_state(settings, channel) == "not-sent", notes
    assert fakes.errors() == []


def test_a_definite_cannot_tell_still_needs_attention(settings, fakes):  # noqa: F811
    fakes.x.tier = "free"
    conn = connected("x", settings, fakes)
    item = item_for("x", settings)
    open_pair(settings, item, "x")
    (note,) = reconcile(settings, "x", conn)
    assert pair_state(settings, "x") == "attention"
    assert "needs attention" in note and "API access level cannot read" in note and "Free tier" in note


# ---------------------------------------------------------------- 7: SYNDICATION_TIMEOUT
@pytest.mark.parametrize("channel", ["x", "linkedin", "mastodon", "bluesky", "slack", "teams"])
def test_every_channel_gives_up_after_syndication_timeout(tmp_path, fakes, channel):  # noqa: F811
    settings = settings_for(tmp_path, fakes, SYNDICATION_TIMEOUT=0.3)
    conn = connected(channel, settings, fakes)
    audience = "internal" if channel in ("slack", "teams") else "public"
    item = item_for(channel, settings, audience=audience)
    fake = getattr(fakes, channel)
    fake.delay = 3  # the server answers, but too late
    try:
        with pytest.raises(ChannelError) as info:
            conn.post(item)
    finally:
        fake.release.set()
    assert info.value.uncertain and "may have been posted" in str(info.value)


# ---------------------------------------------------------------- 1: Bluesky sessions
def bluesky_env(fakes, **over) -> dict:  # noqa: F811
    env = fakes.env("bluesky")
    env.update(over)
    return {k: v for k, v in env.items() if v is not None}


def test_bluesky_keeps_the_newest_session_across_refresh_token_rotation(settings, fakes, monkeypatch):  # noqa: F811
    sync_client_clock(monkeypatch, fakes.bluesky.clock)
    seed = fakes.bluesky.session_string()
    env = bluesky_env(fakes, BLUESKY_SESSION=seed, BLUESKY_APP_PASSWORD=None)
    stored = Path(settings["BLUESKY_SESSION_FILE"])
    for run in range(4):  # every run is more than two hours after the last: each one refreshes
        fakes.bluesky.clock.advance(hours=3)
        conn = bluesky.connect(settings, env)
        conn.post(item_for("bluesky", settings, slug=f"post-{run}"))
        assert conn.notes == []
    assert fakes.bluesky.logins == 0 and fakes.bluesky.refreshes == 4 and len(fakes.bluesky.records) == 4
    assert stored.stat().st_mode & 0o777 == 0o600 and stored.read_text() != seed
    # The seed's refresh token was rotated away more than two hours ago: on its own it is dead.
    alone = settings_for(stored.parent / "elsewhere", fakes)
    with pytest.raises(ChannelError, match="no longer works.*ExpiredToken.*BLUESKY_APP_PASSWORD is not set"):
        bluesky.connect(alone, env)


def test_bluesky_a_used_refresh_token_lives_two_hours_more(fakes):  # noqa: F811
    import requests

    seed = fakes.bluesky.session_string().split(":::")[3]
    url = fakes.bluesky.url + "/xrpc/com.atproto.server.refreshSession"
    answers = []
    for hours in (0, 1.5, 1):  # used, used again in the grace period, then 2.5 h after first use
        fakes.bluesky.clock.advance(hours=hours)
        answers.append(requests.post(url, headers={"Authorization": f"Bearer {seed}"}, timeout=5).status_code)
    assert answers == [200, 200, 400]


def test_bluesky_importing_a_session_never_overwrites_the_newer_file(settings, fakes):  # noqa: F811
    env = bluesky_env(fakes, BLUESKY_SESSION=fakes.bluesky.session_string())
    bluesky.connect(settings, bluesky_env(fakes, BLUESKY_SESSION=None))  # app password: file written
    stored = Path(settings["BLUESKY_SESSION_FILE"])
    before = stored.read_bytes()
    bluesky.connect(settings, env)  # the file is newest and valid: used, not overwritten
    assert stored.read_bytes() == before and fakes.bluesky.logins == 1


@pytest.mark.parametrize("how", ["revoked", "expired"])
def test_bluesky_a_dead_session_falls_back_to_the_app_password_and_says_so(settings, fakes, monkeypatch, how):  # noqa: F811
    sync_client_clock(monkeypatch, fakes.bluesky.clock)
    env = bluesky_env(fakes, BLUESKY_SESSION=fakes.bluesky.session_string())
    if how == "revoked":
        fakes.bluesky.revoke_all()
    else:
        fakes.bluesky.clock.advance(hours=24 * 91)  # past the refresh token's 90 days
    conn = bluesky.connect(settings, env)
    (note,) = conn.notes
    assert "BLUESKY_SESSION: ExpiredToken" in note and "logged in with BLUESKY_APP_PASSWORD" in note
    assert fakes.bluesky.logins == 1
    conn.post(item_for("bluesky", settings))
    assert len(fakes.bluesky.records) == 1
    # …and the next run uses the session that login saved.
    assert bluesky.connect(settings, env).notes == [] and fakes.bluesky.logins == 1


def test_bluesky_session_file_is_encrypted_with_a_key(settings, fakes):  # noqa: F811
    env = bluesky_env(fakes, BLUESKY_SESSION_KEY="k-" + "x" * 40)
    bluesky.connect(settings, env)
    stored = Path(settings["BLUESKY_SESSION_FILE"]).read_text()
    assert "northwind.example.com" not in stored and ":::" not in stored
    bluesky.connect(settings, env)  # read back with the key: no second login
    assert fakes.bluesky.logins == 1
    conn = bluesky.connect(settings, bluesky_env(fakes, BLUESKY_SESSION_KEY="another-key-entirely"))
    assert "not encrypted with this BLUESKY_SESSION_KEY" in conn.notes[0] and fakes.bluesky.logins == 2


@pytest.mark.parametrize("case", ["too big", "missing"])
def test_bluesky_holds_a_card_whose_image_cannot_be_sent(settings, fakes, tmp_path, case):  # noqa: F811
    image = card_png(tmp_path, size=1_000_001) if case == "too big" else f"{SITE}/images/gone.png"
    item = item_for("bluesky", settings, image=image)
    with pytest.raises(Held) as info:
        bluesky.connect(settings, fakes.env("bluesky")).post(item)
    why = "over the 1,000,000-byte limit" if case == "too big" else "not in the built site"
    assert why in str(info.value)
    assert fakes.bluesky.records == [] and fakes.bluesky.blobs == []


def test_bluesky_a_failed_thumbnail_upload_fails_the_post_not_the_thumbnail(settings, fakes, tmp_path):  # noqa: F811
    item = item_for("bluesky", settings, image=card_png(tmp_path))
    fakes.bluesky.fail_blobs.append("400")
    with pytest.raises(ChannelError, match="card image could not be uploaded.*nothing was posted") as info:
        bluesky.connect(settings, fakes.env("bluesky")).post(item)
    assert not info.value.uncertain and fakes.bluesky.records == []


def test_bluesky_a_held_card_is_recorded_not_sent_and_shown_held(settings, fakes, tmp_path):  # noqa: F811
    item = item_for("bluesky", settings, image=f"{SITE}/images/gone.png")
    conn = bluesky.connect(settings, fakes.env("bluesky"))
    with Writer(settings["SYNDICATION_LEDGER"]) as writer:
        send(writer, item, conn, str, {})
    assert item.status == "held" and "not in the built site" in item.reason
    assert [r["event"] for r in ledger_records(settings)] == ["pending", "not-sent"]


# ---------------------------------------------------------------- 2: X pages, tiers, 24-hour caps
def test_x_reconcile_follows_next_token_past_short_pages(settings, fakes):  # noqa: F811
    conn = connected("x", settings, fakes)
    mine = item_for("x", settings)
    mine.since = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    receipt = conn.post(mine)
    for n in range(12):  # newer posts push ours down the timeline
        conn.post(item_for("x", settings, slug=f"later-{n}"))
    fakes.x.page_cap = 3  # X may answer fewer than max_results per page while more exist
    assert conn.reconcile(mine) == receipt
    assert fakes.x.reads == 5  # 3 + 3 + 3 + 3 newer ones, ours on the fifth page


def test_x_reconcile_stops_at_posts_older_than_the_pending_record(settings, fakes):  # noqa: F811
    conn = connected("x", settings, fakes)
    for n in range(6):
        conn.post(item_for("x", settings, slug=f"old-{n}"))
    for tweet in fakes.x.tweets:
        tweet["created_at"] = "2026-01-01T00:00:00.000Z"
    fakes.x.page_cap = 2
    pending = item_for("x", settings)
    pending.since = datetime.now(UTC).isoformat()
    assert conn.reconcile(pending) is None and fakes.x.reads == 1  # the first page is older: proven absent


def test_x_tier_without_timeline_reads_is_told_before_posting(settings, fakes, tmp_path, tweepy_to_fake):  # noqa: F811
    from fakes.harness import write_conf

    from publish.cli import main

    fakes.x.tier = "free"
    write_manifest(Path(settings["SYNDICATION_MANIFEST"]), [post(SLUG)])
    conf = write_conf(tmp_path, {**settings, "SYNDICATION_CHANNELS": ["x"]})
    assert main(["--settings", str(conf)], env=fakes.env("x")) == 0
    page = (Path(settings["SYNDICATION_PREVIEW_DIR"]) / "index.html").read_text()
    assert "Before posting" in page and "cannot read the account" in page and "Free tier" in page
    assert len(fakes.x.tweets) == 1  # posting itself works on that tier


def x_access(settings: dict) -> dict:
    return json.loads((Path(settings["X_ACCESS_FILE"])).read_text())


@pytest.mark.parametrize("tier", ["free", "basic"])
def test_x_access_level_is_asked_once_a_week_not_every_run(settings, fakes, tier):  # noqa: F811
    """A publish scheduled every 15 minutes must not spend a timeline read per run (the Free
    tier allows one per 15 minutes): the answer is kept beside the ledger for ACCESS_TTL."""
    fakes.x.tier = tier
    first = connected("x", settings, fakes)
    told = first.notes
    assert fakes.x.reads == 1 and bool(told) == (tier == "free")
    for _ in range(3):  # later runs: same notes, no request
        assert connected("x", settings, fakes).notes == told
    assert fakes.x.reads == 1
    kept = x_access(settings)
    (entry,) = kept.values()
    assert set(entry) == {"checked", "cannot_read"} and bool(entry["cannot_read"]) == (tier == "free")
    text = json.dumps(kept)
    assert all(secret not in text for secret in fakes.env("x").values())  # nothing secret is kept
    # A week later the answer is stale: asked again.
    path = Path(settings["X_ACCESS_FILE"])
    for account in kept.values():
        account["checked"] = (datetime.now(UTC) - x.ACCESS_TTL - timedelta(minutes=1)).isoformat()
    path.write_text(json.dumps(kept))
    assert connected("x", settings, fakes).notes == told and fakes.x.reads == 2


@pytest.mark.parametrize("kept", ["{not json", "[]", '{"USER": {"checked": "2026-01-01T00:00:00"}}',
                                  '{"USER": {"checked": "FUTURE", "cannot_read": ""}}',
                                  '{"USER": {"checked": "NAIVE", "cannot_read": ""}}',
                                  '{"USER": {"checked": "NOW", "cannot_read": 1}}'])
def test_x_access_file_that_cannot_be_trusted_costs_one_read(settings, fakes, kept):  # noqa: F811
    from fakes.x import USER_ID

    fakes.x.tier = "free"
    now = datetime.now(UTC)
    conn = connected("x", settings, fakes)
    text = (kept.replace("USER", conn._access_key()).replace("FUTURE", (now + timedelta(days=1)).isoformat())
            .replace("NAIVE", now.replace(tzinfo=None).isoformat()).replace("NOW", now.isoformat()))
    path = Path(settings["X_ACCESS_FILE"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    notes = conn.notes
    assert fakes.x.reads == 1 and "cannot read the account" in notes[0]
    assert x_access(settings)[conn._access_key()]["cannot_read"]  # rewritten whole
    assert str(USER_ID) in conn._access_key()


def test_x_upgraded_tier_is_noticed_by_the_next_successful_read(settings, fakes):  # noqa: F811
    fakes.x.tier = "free"
    assert connected("x", settings, fakes).notes  # kept: cannot read
    fakes.x.tier = "basic"  # the operator upgrades the app's access level
    conn = connected("x", settings, fakes)
    assert conn.notes and fakes.x.reads == 1  # still the kept answer, no request
    item = item_for("x", settings)
    item.since = datetime.now(UTC).isoformat()
    assert conn.reconcile(item) is None and fakes.x.reads == 2  # the read works: proven absent
    assert connected("x", settings, fakes).notes == [] and fakes.x.reads == 2
    (entry,) = x_access(settings).values()
    assert entry["cannot_read"] == ""


def test_x_kept_refusal_is_checked_again_when_a_pair_must_be_settled(settings, fakes):  # noqa: F811
    fakes.x.tier = "free"
    assert connected("x", settings, fakes).notes
    conn = connected("x", settings, fakes)
    assert conn.notes and fakes.x.reads == 1
    item = item_for("x", settings)
    item.since = datetime.now(UTC).isoformat()
    with pytest.raises(Unsettled, match="cannot read the account"):
        conn.reconcile(item)
    assert fakes.x.reads == 2  # one read, still refused: a definite "cannot tell"
    with pytest.raises(Unsettled):
        conn.reconcile(item)
    assert fakes.x.reads == 2  # refused in this run: not asked twice


def test_x_access_is_kept_per_app_not_only_per_account(settings, fakes):  # noqa: F811
    """The access level is the app's: a Free-tier app and a Basic-tier app posting as the same
    account keep separate answers (keyed by a hash of the consumer key, never the key itself)."""
    from fakes.x import redirect

    def app(key: str):
        fakes.x.consumer_key = key  # the fake accepts one app at a time
        conn = x.connect(settings, {**fakes.env("x"), "X_CONSUMER_KEY": key})
        redirect(conn.client, fakes.x)
        return conn

    fakes.x.tier = "free"
    assert app("free-app-key-123").notes
    fakes.x.tier = "basic"
    assert app("basic-app-key-456").notes == [] and fakes.x.reads == 2
    assert app("free-app-key-123").notes and app("basic-app-key-456").notes == []
    assert fakes.x.reads == 2
    text = Path(settings["X_ACCESS_FILE"]).read_text()
    assert "free-app-key" not in text and "basic-app-key" not in text and len(json.loads(text)) == 2


def test_x_access_file_that_cannot_be_written_only_costs_reads(settings, fakes):  # noqa: F811
    Path(settings["X_ACCESS_FILE"]).mkdir(parents=True)  # a folder where the file should be
    fakes.x.tier = "free"
    for reads in (1, 2):
        assert "cannot read the account" in connected("x", settings, fakes).notes[0]
        assert fakes.x.reads == reads
    assert [p.name for p in Path(settings["X_ACCESS_FILE"]).parent.iterdir()] == ["x-access.json"]


def test_x_spent_24_hour_cap_defers_until_its_own_reset(settings, fakes):  # noqa: F811
    conn = connected("x", settings, fakes)
    fakes.x.user_cap = 1
    conn.post(item_for("x", settings))
    with pytest.raises(RateLimited) as info:
        conn.post(item_for("x", settings, slug="second"))
    assert info.value.reset > datetime.now(UTC) + timedelta(hours=20)  # not the 15-minute reset
    assert "24-hour per-user" in str(info.value)


def test_x_user_id_comes_from_the_access_token_when_it_carries_one(settings, fakes):  # noqa: F811
    from fakes.x import USER_ID, redirect

    conn = x.connect(settings, {**fakes.env("x"), "X_ACCESS_TOKEN": f"{USER_ID}-xat-SECRET"})
    redirect(conn.client, fakes.x)
    item = item_for("x", settings)
    item.since = datetime.now(UTC).isoformat()
    assert conn.notes == [] and conn.reconcile(item) is None
    assert fakes.x.me_calls == 0 and fakes.x.reads == 2
    assert connected("x", settings, fakes).reconcile(item) is None and fakes.x.me_calls == 1  # other tokens


def test_x_reset_time_reads_the_window_that_is_spent():
    now = int(datetime.now(UTC).timestamp())
    headers = {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(now + 900),
               "x-user-limit-24hour-remaining": "5", "x-user-limit-24hour-reset": str(now + 80000),
               "x-app-limit-24hour-remaining": "0", "x-app-limit-24hour-reset": str(now + 40000)}
    when, window = x.reset_time(headers)
    assert (int(when.timestamp()), window) == (now + 40000, "24-hour per-app")
    assert x.reset_time({})[0] is None


# ---------------------------------------------------------------- 3: Teams
def test_teams_202_is_recorded_accepted_and_never_re_sent(tmp_path, fakes):  # noqa: F811
    from fakes.harness import write_conf

    from publish.cli import main

    settings = settings_for(tmp_path, fakes, SYNDICATION_CHANNELS=["teams"])
    write_manifest(Path(settings["SYNDICATION_MANIFEST"]), [post(SLUG, audience="internal")])
    conf = write_conf(tmp_path, settings)
    assert main(["--settings", str(conf)], env=fakes.env("teams")) == 0
    (done,) = [r for r in ledger_records(settings) if r["event"] == "posted"]
    assert done["accepted"] is True and pair_state(settings, "teams") == "accepted"
    plan = json.loads((Path(settings["SYNDICATION_PREVIEW_DIR"]) / "plan.json").read_text())
    assert [row["status"] for row in plan] == ["accepted"]
    for _ in range(2):  # later runs: shared before, never sent again
        assert main(["--settings", str(conf)], env=fakes.env("teams")) == 0
    assert len(fakes.teams.messages) == 1
    plan = json.loads((Path(settings["SYNDICATION_PREVIEW_DIR"]) / "plan.json").read_text())
    assert [row["status"] for row in plan] == ["already-accepted"]
    page = (Path(settings["SYNDICATION_PREVIEW_DIR"]) / "index.html").read_text()
    assert "accepted, delivery not confirmed" in page


def test_teams_summary_has_an_accepted_column(tmp_path, fakes, capsys):  # noqa: F811
    from fakes.harness import write_conf

    from publish.cli import main

    settings = settings_for(tmp_path, fakes, SYNDICATION_CHANNELS=["teams"])
    write_manifest(Path(settings["SYNDICATION_MANIFEST"]), [post(SLUG, audience="internal")])
    assert main(["--settings", str(write_conf(tmp_path, settings))], env=fakes.env("teams")) == 0
    out, err = capsys.readouterr()
    header = next(line for line in out.splitlines() if "accepted" in line and "channel" in line)
    row = next(line for line in out.splitlines() if line.strip("│ ").startswith("Teams"))
    cells = [c.strip() for c in row.split("│")[1:-1]]
    names = [c.strip() for c in header.split("┃")[1:-1]]
    assert cells[names.index("accepted")] == "1" and cells[names.index("posted")] == "0"
    assert "accepted by Teams (HTTP 202)" in err


@pytest.mark.parametrize("text", ["€" * 2990, "漢" * 2990, "🙂" * 2990, "<&> " * 740])
def test_teams_cards_are_fitted_to_what_the_flow_posts(settings, fakes, text):  # noqa: F811
    item = item_for("teams", settings, audience="internal", social={"teams": text},
                    title="A title " + "ü" * 490, author="Dana " + "ẞ" * 490)
    assert len(wire(item.payload)) <= TEAMS_CARD_BYTES
    teams.connect(settings, fakes.env("teams")).post(item)
    assert fakes.teams.dropped == [] and len(fakes.teams.messages) == 1


def test_teams_an_oversized_card_is_held_not_accepted_then_dropped(settings, fakes):  # noqa: F811
    item = item_for("teams", settings, audience="internal")
    item.payload["attachments"][0]["content"]["body"][1]["text"] = "x" * 30_000  # stale or hand-made
    with pytest.raises(Held, match="over the 28,000"):
        teams.connect(settings, fakes.env("teams")).post(item)
    assert fakes.teams.calls == []


def test_teams_a_card_that_cannot_fit_is_held_at_compose(settings):
    from publish.compose import ComposeError

    p = Post.from_json(post(SLUG, audience="internal", image=f"{SITE}/images/" + "a" * 30_000 + ".png"))
    with pytest.raises(ComposeError, match="Teams card is over 28,000 bytes even without its text"):
        compose(p, "teams", settings)


def test_the_teams_fake_accepts_an_oversized_card_and_drops_it(fakes):  # noqa: F811
    import requests

    body = {"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
                                                "content": {"type": "AdaptiveCard", "body": [
                                                    {"type": "TextBlock", "text": "x" * 29_000}]}}]}
    answer = requests.post(fakes.teams.webhook, json=body, timeout=5)
    assert answer.status_code == 202 and fakes.teams.messages == [] and len(fakes.teams.dropped) == 1


# ---------------------------------------------------------------- 4: Slack
@pytest.mark.parametrize("title", ["Trust beats tooling", "T" * 500, "<&>" * 200, "\u200b" * 300 + "Title",
                                   "長い題名" * 100])
def test_slack_section_fits_3000_with_its_title_line(settings, fakes, title):  # noqa: F811
    item = item_for("slack", settings, audience="internal", title=title, social={"slack": "x&<" * 1000})
    section = item.payload["blocks"][0]["text"]["text"]
    assert len(section) <= SLACK_SECTION_CHARS and item.length == len(section)
    first = section.split("\n", 1)[0]
    shown = re.fullmatch(r"\*<[^|]+\|(.*)>\*", first).group(1)
    assert len(shown.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")) <= 150
    slack.connect(settings, fakes.env("slack")).post(item)
    assert fakes.slack.messages and fakes.errors() == []


def test_slack_blocks_are_checked_before_sending(settings, fakes):  # noqa: F811
    item = item_for("slack", settings, audience="internal")
    item.payload["blocks"].insert(0, {"type": "header", "text": {"type": "plain_text", "text": "H" * 151}})
    with pytest.raises(Held, match="header is 151 characters"):
        slack.connect(settings, fakes.env("slack")).post(item)
    assert fakes.slack.calls == []


def test_slack_includes_the_card_image_only_when_it_answers(settings, fakes, cdn):  # noqa: F811
    conn = slack.connect(settings, fakes.env("slack"))
    good = item_for("slack", settings, audience="internal", image=cdn.url_for("/images/card.png"))
    conn.post(good)
    assert fakes.slack.messages[-1]["blocks"][0]["accessory"]["image_url"] == cdn.url_for("/images/card.png")
    gone = cdn.url_for("/images/gone.png")
    bad = item_for("slack", settings, audience="internal", slug="second", image=gone)
    conn.post(bad)
    assert "accessory" not in fakes.slack.messages[-1]["blocks"][0]
    assert "sent without the card image" in bad.reason and "HTTP 500" in bad.reason
    assert fakes.slack.failed_images == []


def test_the_slack_fake_fails_a_message_whose_image_does_not_download(fakes, cdn):  # noqa: F811
    import requests

    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"},
               "accessory": {"type": "image", "image_url": cdn.url_for("/images/gone.png"), "alt_text": "x"}}]
    answer = requests.post(fakes.slack.webhook, json={"text": "hi", "blocks": blocks}, timeout=10)
    assert (answer.status_code, answer.text) == (400, "invalid_blocks")


# ---------------------------------------------------------------- 5: LinkedIn
def test_linkedin_re_send_reuses_the_recorded_thumbnail(settings, fakes, tmp_path):  # noqa: F811
    image = card_png(tmp_path)
    conn = linkedin.connect(settings, fakes.env("linkedin"))
    item = item_for("linkedin", settings, image=image)
    with Writer(settings["SYNDICATION_LEDGER"]) as writer:
        item.status = "planned"
        media = conn.prepare(item)
        writer.append({"event": "pending", "post": SLUG, "channel": "linkedin", "key": "k1",
                       "hash": item.post.hash, "url": item.link, "media": media,
                       "time": (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds")})
    item.media = media
    first = conn.post(item)  # the killed run's request did arrive
    notes = reconcile(settings, "linkedin", conn)
    assert notes == [f"{SLUG} → linkedin: earlier attempt found ({first.remote_url})"]
    assert len(fakes.linkedin.posts) == 1 and len(fakes.linkedin.issued) == 1  # no second upload
    assert fakes.linkedin.reads == [first.remote_id]
    records = ledger_records(settings)
    assert records[-2]["via"] == "reconcile" and records[-2]["media"] == media
    assert fold(records)[(SLUG, "linkedin")].media == media


def test_linkedin_a_duplicate_of_a_deleted_post_is_not_a_receipt(settings, fakes):  # noqa: F811
    conn = linkedin.connect(settings, fakes.env("linkedin"))
    item = item_for("linkedin", settings)
    first = conn.post(item)
    fakes.linkedin.delete(first.remote_id)
    with pytest.raises(Unsettled, match="no longer exists"):
        conn.reconcile(item)
    with pytest.raises(ChannelError) as info:
        conn.post(item)
    assert info.value.uncertain and "no longer exists" in str(info.value)


def test_linkedin_send_records_the_thumbnail_with_the_pending_record(settings, fakes, tmp_path):  # noqa: F811
    item = item_for("linkedin", settings, image=card_png(tmp_path))
    conn = linkedin.connect(settings, fakes.env("linkedin"))
    with Writer(settings["SYNDICATION_LEDGER"]) as writer:
        send(writer, item, conn, str, {})
    pending, posted = ledger_records(settings)
    assert pending["media"] == {"thumbnail": fakes.linkedin.issued[0]}
    assert fakes.linkedin.posts[0]["thumbnail"] == fakes.linkedin.issued[0] and posted["event"] == "posted"


@pytest.mark.parametrize("today,version,warned", [
    (date(2026, 12, 2), "202610", False),
    (date(2026, 12, 2), "202602", False),  # ten months: still fine
    (date(2026, 12, 2), "202601", True),
    (date(2027, 1, 15), "202602", True),
    (date(2026, 12, 2), "2026-10", True),  # not a version
])
def test_linkedin_version_older_than_ten_months_warns_with_the_value_to_use(today, version, warned):
    found = linkedin.warnings({"LINKEDIN_VERSION": version}, {}, today=today)
    assert bool(found) is warned
    if warned:
        use = f"{today.year}{today.month - 1:02d}" if today.month > 1 else f"{today.year - 1}12"
        assert f'LINKEDIN_VERSION = "{use}"' in found[0]


def test_linkedin_version_warning_is_printed_every_run(tmp_path, fakes, capsys):  # noqa: F811
    from fakes.harness import write_conf

    from publish.cli import main

    settings = settings_for(tmp_path, fakes, LINKEDIN_VERSION="202001", SYNDICATION_CHANNELS=["linkedin"])
    write_manifest(Path(settings["SYNDICATION_MANIFEST"]), [post(SLUG)])
    conf = write_conf(tmp_path, settings)
    for args in (["--preview-only"], []):
        main(["--settings", str(conf), *args], env=fakes.env("linkedin"))
        err = capsys.readouterr().err
        assert "publish: warning: LinkedIn: LINKEDIN_VERSION 202001 is" in err and "426" in err


# ---------------------------------------------------------------- the ledger's promises
def test_accepted_and_media_survive_the_ledger_reader():
    lines = [
        {"event": "pending", "post": "a", "channel": "linkedin", "key": "k",
         "media": {"thumbnail": "urn:li:image:1"}},
        {"event": "pending", "post": "a", "channel": "linkedin", "key": "k", "via": "reconcile"},
        {"event": "pending", "post": "b", "channel": "teams", "key": "t"},
        {"event": "pending", "post": "c", "channel": "linkedin", "key": "n", "media": {}},  # no thumbnail
        {"event": "pending", "post": "c", "channel": "linkedin", "key": "n", "via": "reconcile"},
        {"event": "posted", "post": "b", "channel": "teams", "key": "t", "accepted": True},
    ]
    ledger = parse("".join(json.dumps(line) + "\n" for line in lines))
    assert ledger.problems == []
    pairs = ledger.pairs()
    assert pairs[("a", "linkedin")].media == {"thumbnail": "urn:li:image:1"}
    assert pairs[("b", "teams")].state == "accepted"
    assert pairs[("c", "linkedin")].media == {}  # a re-send uploads nothing either
    bad = parse(b'{"event": "pending", "post": "a", "channel": "linkedin", "media": {"thumbnail": 5}}\n'
                b'{"event": "posted", "post": "b", "channel": "teams", "accepted": "yes"}\n')
    assert [p.message.split(" — ")[0] for p in bad.problems] == [
        "`media.thumbnail` is a number, expected text", "`accepted` is a string, expected true or false"]


def test_the_ledger_commit_message_says_accepted():
    from publish.ledgercommit import message

    after = (json.dumps({"event": "posted", "post": "a", "channel": "teams", "accepted": True}) + "\n"
             + json.dumps({"event": "posted", "post": "a", "channel": "slack"}) + "\n").encode()
    assert message(b"", after).splitlines()[-2:] == ["- a → teams (accepted, delivery not confirmed)",
                                                     "- a → slack"]


def test_the_report_history_says_accepted(tmp_path):
    from publish.report.history import history

    path = tmp_path / "ledger.jsonl"
    path.write_text(json.dumps({"event": "posted", "post": "a", "channel": "teams", "accepted": True,
                                "time": "2026-11-01T10:00:00+00:00"}) + "\n", encoding="utf-8")
    story, _ = history(path, {}, [], datetime.now(UTC))
    (shared,) = story.shared
    assert shared.accepted and not shared.marked
