"""Planning: which (post, channel) pairs are new, and why the others are not sent."""

from __future__ import annotations

from datetime import UTC, datetime

from fakes.harness import post, settings_for

from publish.ledger import parse
from publish.model import Post
from publish.plan import plan, prepare

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def posts(*entries) -> list[Post]:
    return [Post.from_json(e) for e in entries]


def planned(items) -> set[tuple[str, str]]:
    return {(i.post.slug, i.channel) for i in items if i.status == "planned"}


def ledger_of(*records) -> object:
    import json

    return parse("".join(json.dumps(r) + "\n" for r in records))


def test_public_to_public_networks_internal_to_slack_and_teams(tmp_path):
    items = plan(
        posts(post("pub"), post("int", audience="internal")), ledger_of(), settings_for(tmp_path), now=NOW
    )
    assert planned(items) == {
        ("pub", "x"),
        ("pub", "linkedin"),
        ("pub", "mastodon"),
        ("pub", "bluesky"),
        ("int", "slack"),
        ("int", "teams"),
    }


def test_channels_metadata_narrows_and_never_widens(tmp_path):
    items = plan(
        posts(
            post("pub", channels=["linkedin", "slack"]),
            post("int", audience="internal", channels=["x", "teams"]),
        ),
        ledger_of(),
        settings_for(tmp_path),
        now=NOW,
    )
    assert planned(items) == {("pub", "linkedin"), ("int", "teams")}


def test_drafts_hidden_and_scheduled_are_never_planned(tmp_path):
    items = plan(
        posts(
            post("draft", status="draft"),
            post("hidden", status="hidden"),
            post("future", date="2030-01-15T08:00:00+00:00"),
        ),
        ledger_of(),
        settings_for(tmp_path),
        now=NOW,
    )
    assert items == []


def test_disabled_channel_setting(tmp_path):
    items = plan(
        posts(post("pub")), ledger_of(), settings_for(tmp_path, SYNDICATION_CHANNELS=["mastodon"]), now=NOW
    )
    assert planned(items) == {("pub", "mastodon")}


def test_posted_is_skipped_edited_is_reported_and_reshare_reposts(tmp_path):
    done = {
        "event": "posted",
        "post": "pub",
        "channel": "mastodon",
        "hash": "sha256:pub-v1",
        "remote_url": "r",
    }
    settings = settings_for(tmp_path, SYNDICATION_CHANNELS=["mastodon"])
    (item,) = plan(posts(post("pub")), ledger_of(done), settings, now=NOW)
    assert item.status == "already-posted"
    (item,) = plan(posts(post("pub", hash="sha256:pub-v2")), ledger_of(done), settings, now=NOW)
    assert item.status == "edited" and "--reshare" in item.reason
    (item,) = plan(
        posts(post("pub", hash="sha256:pub-v2")), ledger_of(done), settings, now=NOW, reshare=["pub"]
    )
    assert item.status == "planned"


def test_attention_needs_the_operator_and_failed_is_retried(tmp_path):
    settings = settings_for(tmp_path, SYNDICATION_CHANNELS=["slack"])
    records = [
        {"event": "pending", "post": "int", "channel": "slack", "key": "k"},
        {"event": "attention", "post": "int", "channel": "slack", "reason": "cannot read webhooks"},
    ]
    p = posts(post("int", audience="internal"))
    assert plan(p, ledger_of(*records), settings, now=NOW)[0].status == "attention"
    assert plan(p, ledger_of(*records), settings, now=NOW, retry_attention=True)[0].status == "planned"
    failed = [
        {"event": "pending", "post": "int", "channel": "slack"},
        {"event": "failed", "post": "int", "channel": "slack", "error": "HTTP 404"},
    ]
    item = plan(p, ledger_of(*failed), settings, now=NOW)[0]
    assert item.status == "planned" and "HTTP 404" in item.reason
    uncertain = [
        {"event": "pending", "post": "int", "channel": "slack"},
        {"event": "failed", "post": "int", "channel": "slack", "error": "503", "uncertain": True},
    ]
    assert plan(p, ledger_of(*uncertain), settings, now=NOW)[0].status == "unsettled"


def test_per_channel_cap_and_deferral(tmp_path):
    settings = settings_for(tmp_path, SYNDICATION_CHANNELS=["x", "mastodon"], SYNDICATION_MAX_PER_RUN=2)
    many = posts(*(post(f"p{i}", date=f"2026-0{i}-01T00:00:00+00:00") for i in range(1, 6)))
    deferred = {"event": "deferred", "post": None, "channel": "x", "reset": "2026-11-23T13:00:00+00:00"}
    items = plan(many, ledger_of(deferred), settings, now=NOW)
    assert [i.post.slug for i in items if i.status == "planned"] == ["p1", "p2"]  # mastodon, oldest first
    assert {i.status for i in items if i.channel == "x"} == {"deferred"}
    assert sum(i.status == "capped" for i in items) == 3
    later = plan(many, ledger_of(deferred), settings, now=datetime(2026, 11, 23, 14, tzinfo=UTC))
    assert sum(i.status == "planned" and i.channel == "x" for i in later) == 2


def test_brand_errors_hold_back_with_the_reason(tmp_path):
    items = plan(
        posts(post("pub", social={"x": "Project Bluefin ships soon"})),
        ledger_of(),
        settings_for(tmp_path, SYNDICATION_CHANNELS=["x", "mastodon"]),
        now=NOW,
    )
    prepare(
        items,
        settings_for(tmp_path),
        lambda text, audience, channel: ["confidential: code name"] if "Bluefin" in text else [],
    )
    status = {i.channel: (i.status, i.reason) for i in items}
    # the reason is printed and kept in preview/: it says why, never which name (issue 9 point 5)
    assert status["x"] == ("held", "brand guard: confidential: the text names a code name")
    assert status["mastodon"][0] == "planned"


def test_a_post_naming_a_code_name_anywhere_is_held_on_every_channel(tmp_path):
    leaky = post("leaky", confidential=["Project Bluefin"])
    internal = post("int", audience="internal", confidential=["Tidewater"])
    items = plan(posts(leaky, internal, post("clean")), ledger_of(), settings_for(tmp_path), now=NOW)
    held = [i for i in items if i.post.slug in ("leaky", "int")]
    assert len(held) == 6 and all(i.status == "held" for i in held)
    assert all("never syndicated" in i.reason and "code name" in i.reason for i in held)
    assert not any("Bluefin" in i.reason or "Tidewater" in i.reason for i in held)  # never repeated
    assert {c for s, c in planned(items)} == {"x", "linkedin", "mastodon", "bluesky"}


def test_internal_code_names_reach_internal_channels_only_when_opted_in(tmp_path):
    settings = {**settings_for(tmp_path), "SYNDICATION_CONFIDENTIAL_INTERNAL": True}
    items = plan(posts(post("int", audience="internal", confidential=["Tidewater"]),
                       post("pub", confidential=["Tidewater"])), ledger_of(), settings, now=NOW)
    assert planned(items) == {("int", "slack"), ("int", "teams")}
