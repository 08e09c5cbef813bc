"""Test harness for the publish step: manifests, settings files and every fake API on one server."""

from __future__ import annotations

import functools
import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from publish.channels.registry import IDS

from .bluesky import BlueskyFake
from .linkedin import LinkedInFake
from .mastodon import MastodonFake
from .webhooks import SLACK_BOT, SLACK_SECRET, SLACK_TEAM, TEAMS_WORKFLOW, SlackFake, TeamsFake
from .x import XFake

REPO = Path(__file__).resolve().parents[2]
SITE = "https://insights.example.com"
def _current_linkedin_version() -> str:
    """Last month's version, as the run's warning would advise: the tests never age into a 426."""
    from datetime import UTC, datetime

    from publish.channels.linkedin import suggested_version

    return suggested_version(datetime.now(UTC).date())


LINKEDIN_VERSION = _current_linkedin_version()
# Recognisable secret values: tests assert none of them ever appears in output, ledger or preview.
SECRETS = {
    "X_CONSUMER_KEY": "xck-SECRET-4f1c2a",
    "X_CONSUMER_SECRET": "xcs-SECRET-9d8e7f",
    "X_ACCESS_TOKEN": "xat-SECRET-1a2b3c",
    "X_ACCESS_TOKEN_SECRET": "xats-SECRET-7e6d5c",
    "LINKEDIN_ACCESS_TOKEN": "li-SECRET-token-0f9e8d",
    "MASTODON_ACCESS_TOKEN": "md-SECRET-token-5a4b3c",
    "BLUESKY_APP_PASSWORD": "bsky-SECRET-pass-2c3d",
}


def post(slug: str = "trust-beats-tooling", **over) -> dict:
    """A manifest entry as plugins/syndication writes it."""
    data = {
        "slug": slug,
        "url": f"{SITE}/posts/2026/{slug}/",
        "title": "Trust beats tooling in the month-end close",
        "summary": "Most finance teams that miss a five-day close already own good software.",
        "social": {"default": None, **dict.fromkeys(IDS)},
        "tags": ["close"],
        "category": "Finance Operations",
        "author": "Dana Whitfield",
        "image": None,
        "audience": "public",
        "channels": None,
        "status": "published",
        "date": "2026-03-04T08:30:00+00:00",
        "hash": f"sha256:{slug}-v1",
        "source_path": f"content/posts/{slug}.md",
    }
    social = over.pop("social", {})
    data.update(over)
    data["social"] = {**data["social"], **social}
    return data


@functools.lru_cache(maxsize=1)
def _publishconf() -> dict:
    from publish.settings import load

    return load(REPO / "publishconf.py")


def build_identity(**over) -> dict:
    """The `build` field a production build with `write_conf`'s settings (publishconf.py, SITEURL
    SITE, plus `over`) writes into its manifest."""
    from publish.buildinfo import identity

    return identity({**_publishconf(), "SITEURL": SITE, **over})


def write_manifest(path: Path, posts: list[dict], build: dict | None = None) -> Path:
    """A manifest as plugins/syndication writes it; `build` defaults to the harness's settings."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"site_url": SITE, "generated": "2026-11-23T10:00:00+00:00",
            "build": build_identity() if build is None else build, "posts": posts}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@dataclass
class Fakes:
    x: XFake
    linkedin: LinkedInFake
    mastodon: MastodonFake
    bluesky: BlueskyFake
    slack: SlackFake
    teams: TeamsFake

    def all(self):
        return [self.x, self.linkedin, self.mastodon, self.bluesky, self.slack, self.teams]

    def errors(self) -> list[str]:
        return [e for fake in self.all() for e in fake.errors]

    def env(self, *channels: str) -> dict:
        """Credentials for `channels` (default: all), as the operator would export them."""
        channels = channels or IDS
        env = {}
        if "x" in channels:
            env.update({k: v for k, v in SECRETS.items() if k.startswith("X_")})
        if "linkedin" in channels:
            env.update(
                LINKEDIN_ACCESS_TOKEN=SECRETS["LINKEDIN_ACCESS_TOKEN"],
                LINKEDIN_AUTHOR_URN="urn:li:organization:424242",
            )
        if "mastodon" in channels:
            env.update(
                MASTODON_ACCESS_TOKEN=SECRETS["MASTODON_ACCESS_TOKEN"], MASTODON_API_BASE=self.mastodon.url
            )
        if "bluesky" in channels:
            env.update(
                BLUESKY_HANDLE="northwind.example.com", BLUESKY_APP_PASSWORD=SECRETS["BLUESKY_APP_PASSWORD"]
            )
        if "slack" in channels:
            env["SLACK_WEBHOOK_URL"] = self.slack.webhook
        if "teams" in channels:
            env["TEAMS_WEBHOOK_URL"] = self.teams.webhook
        return env

    def secrets(self) -> list[str]:
        """Every secret value and every secret fragment of the webhook URLs (path ids, signature)."""
        return [*SECRETS.values(), SLACK_TEAM, SLACK_BOT, SLACK_SECRET, TEAMS_WORKFLOW, self.teams.sig]


@pytest.fixture
def fakes(httpserver) -> Fakes:
    return make_fakes(httpserver)


def make_fakes(httpserver) -> Fakes:
    """Every fake on one server, with the credentials in SECRETS (read now, so a test may patch it)."""
    return Fakes(
        x=XFake(
            httpserver,
            SECRETS["X_CONSUMER_KEY"],
            SECRETS["X_CONSUMER_SECRET"],
            SECRETS["X_ACCESS_TOKEN_SECRET"],
        ),
        linkedin=LinkedInFake(
            httpserver, SECRETS["LINKEDIN_ACCESS_TOKEN"], "urn:li:organization:424242", LINKEDIN_VERSION
        ),
        mastodon=MastodonFake(httpserver, SECRETS["MASTODON_ACCESS_TOKEN"]),
        bluesky=BlueskyFake(httpserver, "northwind.example.com", SECRETS["BLUESKY_APP_PASSWORD"]),
        slack=SlackFake(httpserver),
        teams=TeamsFake(httpserver),
    )


def settings_for(tmp: Path, fakes: Fakes | None = None, **over) -> dict:
    """The settings dict the publish step would load, pointed at temp files and the fakes."""
    from publish.settings import with_defaults

    base = {
        "SITEURL": SITE,
        "OUTPUT_PATH": str(tmp / "output"),
        "LECTERN_BUILD_DIR": str(tmp / "build"),
        "CACHE_PATH": str(tmp / "cache"),
        "SYNDICATION_MANIFEST": str(tmp / "build" / "manifest.json"),
        "SYNDICATION_LEDGER": str(tmp / "ledger" / "syndication.jsonl"),
        "SYNDICATION_PREVIEW_DIR": str(tmp / "preview"),
        "BRAND_CONFIG": str(REPO / "brand.yml"),
        "BLUESKY_SESSION_FILE": str(tmp / "state" / "bluesky.session"),
        "X_ACCESS_FILE": str(tmp / "state" / "x-access.json"),
        "LINKEDIN_VERSION": LINKEDIN_VERSION,
        "SYNDICATION_TIMEOUT": 5,
        "SYNDICATION_LIVE_TIMEOUT": 2,
        "SYNDICATION_LIVE_INTERVAL": 0.2,
        # write_conf's settings file imports publishconf.py: production, as build_identity() says
        # (with_defaults now fills in every declared setting, the dev defaults included).
        "LECTERN_STRICT": True,
        "BRAND_STRICT": True,
        # The share kit's amplify messages (publish/amplify/) have their own tests
        # (tests/test_amplify.py); here Slack and Teams carry the company's internal posts only.
        "AMPLIFY_CHANNELS": (),
    }
    if fakes is not None:
        base.update(LINKEDIN_API_BASE=fakes.linkedin.url + "/rest", BLUESKY_API_BASE=fakes.bluesky.url)
    base.update(over)
    return with_defaults(base)


def write_conf(tmp: Path, settings: dict, conf: str = "publishconf") -> Path:
    """A Pelican settings file (like tests/sitebuild.py writes) for `python -m publish --settings`."""
    lines = [f"import sys; sys.path.insert(0, {str(REPO)!r})", f"from {conf} import *  # noqa"]
    keys = (
        "SITEURL",
        "LECTERN_BUILD_DIR",
        "CACHE_PATH",
        "OUTPUT_PATH",
        "SYNDICATION_MANIFEST",
        "SYNDICATION_LEDGER",
        "SYNDICATION_PREVIEW_DIR",
        "BRAND_CONFIG",
        "BLUESKY_SESSION_FILE",
        "X_ACCESS_FILE",
        "LINKEDIN_VERSION",
        "LINKEDIN_API_BASE",
        "BLUESKY_API_BASE",
        "SYNDICATION_TIMEOUT",
        "SYNDICATION_INFLIGHT_MARGIN",
        "SYNDICATION_MAX_PER_RUN",
        "SYNDICATION_REQUIRE_LIVE",
        "SYNDICATION_LIVE_TIMEOUT",
        "SYNDICATION_LIVE_INTERVAL",
        "WEBSUB_HUB",
        "WEBSUB_TIMEOUT",
        "DEPLOY_TARGET",
        "SYNDICATION_CHANNELS",
        "LECTERN_STRICT",
        "BRAND_STRICT",
        "AMPLIFY_CHANNELS",
        "AMPLIFY_TEAMS",
        "AMPLIFY_PAGE_URL",
        "AMPLIFY_MASTODON_INSTANCE",
    )
    lines += [f"{key} = {settings[key]!r}" for key in keys if key in settings]
    path = tmp / "publishtest.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ledger_records(settings: dict) -> list[dict]:
    path = Path(settings["SYNDICATION_LEDGER"])
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture
def tweepy_to_fake(monkeypatch, fakes):
    """Every tweepy Client created during the test talks to the fake X (tweepy cannot change host)."""
    import tweepy

    from .x import redirect

    original = tweepy.Client.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        redirect(self, fakes.x)

    monkeypatch.setattr(tweepy.Client, "__init__", init)


@contextmanager
def threaded_mastodon():
    """A Mastodon fake on its own threaded server: it takes concurrent requests as a real server
    does, which the slow-server and lock tests need (one request waits while another arrives)."""
    server = HTTPServer(threaded=True)
    server.start()
    try:
        yield MastodonFake(server, SECRETS["MASTODON_ACCESS_TOKEN"])
    finally:
        server.clear()
        server.stop()
