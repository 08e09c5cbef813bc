"""Every channel over real HTTP against fake APIs that check requests as the real ones do."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fakes.harness import fakes, post, settings_for, tweepy_to_fake  # noqa: F401 - fixtures
from fakes.x import redirect

from publish.channels import bluesky, linkedin, mastodon, slack, teams, x
from publish.compose import compose, display_url
from publish.model import ChannelError, Item, Post, RateLimited, Unsettled


def item_for(channel: str, settings: dict, **over) -> Item:
    p = Post.from_json(post(**over))
    composed = compose(p, channel, settings)
    return Item(
        post=p,
        channel=channel,
        status="planned",
        text=composed.text,
        link=composed.link,
        payload=composed.payload,
        key=uuid.uuid4().hex,
        length=composed.length,
        limit=composed.limit,
    )


@pytest.fixture
def settings(tmp_path, fakes):  # noqa: F811
    return settings_for(tmp_path, fakes)


# ---------------------------------------------------------------- X
def x_channel(settings, fakes):  # noqa: F811
    channel = x.connect(settings, fakes.env("x"))
    redirect(channel.client, fakes.x)
    return channel


def test_x_posts_with_oauth1_and_json(settings, fakes):  # noqa: F811
    item = item_for("x", settings)
    receipt = x_channel(settings, fakes).post(item)
    assert fakes.errors() == []
    assert fakes.x.tweets[0]["text"] == item.text
    assert receipt.remote_url == f"https://x.com/i/web/status/{fakes.x.tweets[0]['id']}"


def test_x_wrong_secret_fails_the_signature_check(settings, fakes):  # noqa: F811
    env = {**fakes.env("x"), "X_CONSUMER_SECRET": "not-the-secret"}
    channel = x.connect(settings, env)
    redirect(channel.client, fakes.x)
    with pytest.raises(ChannelError, match="not authorised"):
        channel.post(item_for("x", settings))
    assert fakes.x.tweets == [] and fakes.x.errors == ["bad OAuth 1.0a signature"]


def test_x_duplicate_is_found_in_the_timeline(settings, fakes):  # noqa: F811
    channel = x_channel(settings, fakes)
    item = item_for("x", settings)
    first = channel.post(item)
    again = channel.post(item)  # X answers 403 duplicate content; we find our link instead
    assert again == first and len(fakes.x.tweets) == 1 and fakes.errors() == []


@pytest.mark.parametrize("kind,error,uncertain", [("401", ChannelError, False), ("500", ChannelError, True)])
def test_x_errors(settings, fakes, kind, error, uncertain):  # noqa: F811
    fakes.x.fail_next(kind)
    with pytest.raises(error) as info:
        x_channel(settings, fakes).post(item_for("x", settings))
    assert info.value.uncertain is uncertain and not isinstance(info.value, RateLimited)


def test_x_429_gives_the_reset_time(settings, fakes):  # noqa: F811
    fakes.x.fail_next("429")
    with pytest.raises(RateLimited) as info:
        x_channel(settings, fakes).post(item_for("x", settings))
    assert info.value.reset > datetime.now(UTC) + timedelta(minutes=50)


def test_x_reconcile_finds_or_proves_absent(settings, fakes):  # noqa: F811
    channel = x_channel(settings, fakes)
    item = item_for("x", settings)
    item.since = datetime.now(UTC).isoformat()
    assert channel.reconcile(item) is None  # empty timeline: never posted
    receipt = channel.post(item)
    assert channel.reconcile(item) == receipt


# ---------------------------------------------------------------- LinkedIn
def test_linkedin_posts_article_with_versioned_headers(settings, fakes, tmp_path):  # noqa: F811
    (tmp_path / "output" / "images").mkdir(parents=True)
    (tmp_path / "output" / "images" / "card.png").write_bytes(b"\x89PNG fake image")
    item = item_for(
        "linkedin",
        settings,
        image="https://insights.example.com/images/card.png",
        social={"linkedin": "Finance (not IT) owns #integrations"},
    )
    receipt = linkedin.connect(settings, fakes.env("linkedin")).post(item)
    assert fakes.errors() == []
    (sent,) = fakes.linkedin.posts
    assert receipt.remote_id == sent["urn"] and receipt.remote_url.endswith(sent["urn"] + "/")
    assert sent["commentary"] == r"Finance \(not IT\) owns \#integrations"
    article = sent["body"]["content"]["article"]
    assert article["source"] == item.link and article["thumbnail"] == "urn:li:image:C4E10AQFakeImage"
    assert fakes.linkedin.images == [b"\x89PNG fake image"]


def test_linkedin_duplicate_answer_names_the_existing_post(settings, fakes):  # noqa: F811
    channel = linkedin.connect(settings, fakes.env("linkedin"))
    item = item_for("linkedin", settings)
    first = channel.post(item)
    assert channel.reconcile(item) == first and len(fakes.linkedin.posts) == 1


def test_linkedin_version_is_a_setting(settings, fakes):  # noqa: F811
    old = {**settings, "LINKEDIN_VERSION": "202001"}
    with pytest.raises(ChannelError, match="426"):
        linkedin.connect(old, fakes.env("linkedin")).post(item_for("linkedin", old))


@pytest.mark.parametrize("kind,uncertain", [("401", False), ("500", True)])
def test_linkedin_errors(settings, fakes, kind, uncertain):  # noqa: F811
    fakes.linkedin.fail_next(kind)
    with pytest.raises(ChannelError) as info:
        linkedin.connect(settings, fakes.env("linkedin")).post(item_for("linkedin", settings))
    assert info.value.uncertain is uncertain


def test_linkedin_429_defers_until_midnight_utc(settings, fakes):  # noqa: F811
    fakes.linkedin.fail_next("429")
    with pytest.raises(RateLimited) as info:
        linkedin.connect(settings, fakes.env("linkedin")).post(item_for("linkedin", settings))
    assert (info.value.reset.hour, info.value.reset.minute) == (0, 0)


# ---------------------------------------------------------------- Mastodon
def test_mastodon_posts_with_idempotency_key_and_resend_is_the_same_status(settings, fakes):  # noqa: F811
    channel = mastodon.connect(settings, fakes.env("mastodon"))
    item = item_for("mastodon", settings)
    first = channel.post(item)
    item.since = datetime.now(UTC).isoformat()
    assert channel.reconcile(item) == first  # same Idempotency-Key: no second status
    assert len(fakes.mastodon.statuses) == 1 and fakes.errors() == []
    assert fakes.mastodon.calls[0].headers["Idempotency-Key"] == item.key


def test_mastodon_old_pending_is_looked_up_in_recent_statuses(settings, fakes):  # noqa: F811
    channel = mastodon.connect(settings, fakes.env("mastodon"))
    item = item_for("mastodon", settings)
    item.since = (datetime.now(UTC) - timedelta(hours=3)).isoformat()
    assert channel.reconcile(item) is None  # nothing posted, key too old to re-send
    first = channel.post(item)
    assert channel.reconcile(item) == first and len(fakes.mastodon.statuses) == 1


@pytest.mark.parametrize("kind,uncertain", [("401", False), ("422", False), ("500", True)])
def test_mastodon_errors(settings, fakes, kind, uncertain):  # noqa: F811
    fakes.mastodon.fail_next(kind)
    with pytest.raises(ChannelError) as info:
        mastodon.connect(settings, fakes.env("mastodon")).post(item_for("mastodon", settings))
    assert info.value.uncertain is uncertain and not isinstance(info.value, RateLimited)


def test_mastodon_429_throws_instead_of_sleeping(settings, fakes):  # noqa: F811
    fakes.mastodon.fail_next("429")
    started = datetime.now(UTC)
    with pytest.raises(RateLimited) as info:
        mastodon.connect(settings, fakes.env("mastodon")).post(item_for("mastodon", settings))
    assert datetime.now(UTC) - started < timedelta(seconds=10)
    assert info.value.reset > datetime.now(UTC) + timedelta(minutes=20)


# ---------------------------------------------------------------- Bluesky
def test_bluesky_posts_facets_and_card_and_reuses_the_session(settings, fakes, tmp_path):  # noqa: F811
    (tmp_path / "output" / "images").mkdir(parents=True)
    (tmp_path / "output" / "images" / "card.png").write_bytes(b"\x89PNG thumb")
    item = item_for(
        "bluesky",
        settings,
        image="https://insights.example.com/images/card.png",
        social={"bluesky": "🚀 Ünïcødé ☕ first:"},
    )
    receipt = bluesky.connect(settings, fakes.env("bluesky")).post(item)
    assert fakes.errors() == []  # the fake checked facets slice the UTF-8 text exactly
    (record,) = fakes.bluesky.records
    value = record["value"]
    (facet,) = value["facets"]
    raw = value["text"].encode("utf-8")
    assert raw[facet["index"]["byteStart"] : facet["index"]["byteEnd"]].decode() == display_url(item.post.url)
    assert facet["features"][0]["uri"] == item.link
    assert value["embed"]["external"]["uri"] == item.link and value["embed"]["external"]["thumb"]
    assert receipt.remote_url.startswith("https://bsky.app/profile/northwind.example.com/post/3l")
    # A second run logs in with the stored session string, not the password.
    bluesky.connect(settings, fakes.env("bluesky")).post(item_for("bluesky", settings, slug="second"))
    assert fakes.bluesky.logins == 1 and len(fakes.bluesky.records) == 2


def test_bluesky_session_string_from_env_needs_no_login(settings, fakes):  # noqa: F811
    env = {"BLUESKY_HANDLE": "northwind.example.com", "BLUESKY_SESSION": fakes.bluesky.session_string()}
    bluesky.connect(settings, env).post(item_for("bluesky", settings))
    assert fakes.bluesky.logins == 0 and len(fakes.bluesky.records) == 1


def test_bluesky_reconcile_lists_records(settings, fakes):  # noqa: F811
    channel = bluesky.connect(settings, fakes.env("bluesky"))
    item = item_for("bluesky", settings)
    assert channel.reconcile(item) is None
    receipt = channel.post(item)
    assert channel.reconcile(item) == receipt


@pytest.mark.parametrize(
    "kind,error,uncertain",
    [("400", ChannelError, False), ("500", ChannelError, True), ("429", RateLimited, False)],
)
def test_bluesky_errors(settings, fakes, kind, error, uncertain):  # noqa: F811
    channel = bluesky.connect(settings, fakes.env("bluesky"))
    fakes.bluesky.fail_next(kind)
    with pytest.raises(error) as info:
        channel.post(item_for("bluesky", settings))
    assert info.value.uncertain is uncertain
    if kind == "429":
        assert info.value.reset > datetime.now(UTC)


def test_bluesky_wrong_password_is_a_clear_error(settings, fakes):  # noqa: F811
    env = {"BLUESKY_HANDLE": "northwind.example.com", "BLUESKY_APP_PASSWORD": "wrong-password"}
    with pytest.raises(ChannelError, match="login failed"):
        bluesky.connect(settings, env)


# ---------------------------------------------------------------- Slack and Teams
def test_slack_webhook(settings, fakes):  # noqa: F811
    item = item_for("slack", settings, audience="internal")
    slack.connect(settings, fakes.env("slack")).post(item)
    assert fakes.slack.messages == [item.payload] and fakes.errors() == []
    with pytest.raises(Unsettled):
        slack.connect(settings, fakes.env("slack")).reconcile(item)


def test_teams_workflow_webhook(settings, fakes):  # noqa: F811
    item = item_for("teams", settings, audience="internal")
    teams.connect(settings, fakes.env("teams")).post(item)
    assert fakes.teams.messages == [item.payload] and fakes.errors() == []


@pytest.mark.parametrize(
    "channel,kind,error,uncertain,secret",
    [
        ("slack", "400", ChannelError, False, "slacksecretpath"),
        ("slack", "404", ChannelError, False, "slacksecretpath"),
        ("slack", "429", RateLimited, False, "slacksecretpath"),
        ("slack", "500", ChannelError, True, "slacksecretpath"),
        ("teams", "400", ChannelError, False, "teamssecretsig"),
        ("teams", "413", ChannelError, False, "teamssecretsig"),
        ("teams", "429", RateLimited, False, "teamssecretsig"),
        ("teams", "500", ChannelError, True, "teamssecretsig"),
    ],
)
def test_webhook_errors(settings, fakes, channel, kind, error, uncertain, secret):  # noqa: F811
    getattr(fakes, channel).fail_next(kind)
    module = {"slack": slack, "teams": teams}[channel]
    with pytest.raises(error) as info:
        module.connect(settings, fakes.env(channel)).post(item_for(channel, settings, audience="internal"))
    assert info.value.uncertain is uncertain
    assert secret not in str(info.value)


def test_unreachable_webhook_is_definite_and_never_echoes_the_url(settings):
    env = {"SLACK_WEBHOOK_URL": "http://127.0.0.1:9/services/T/B/secretpathvalue"}
    with pytest.raises(ChannelError) as info:
        slack.connect(settings, env).post(item_for("slack", settings, audience="internal"))
    assert not info.value.uncertain and "secretpathvalue" not in str(info.value)
