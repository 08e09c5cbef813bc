"""The one list of channels: id → label, audience, default template and limit, variables, module.

Everything that names a channel imports it from here — the post contract's `Channels:` check,
the planner's public/internal split, the manifest's `Social_<channel>` keys, the ledger's
"Also on" names, the preview, the CLI table, the settings defaults and secret redaction — so a
new network is one module under `publish/channels/` plus one entry below, and a label cannot
drift between places ("Teams" here is "Teams" everywhere).

Cheap and Pelican-free on purpose: the Pelican plugins import it on every build.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChannelSpec:
    """What the rest of Lectern may know about a channel without talking to it."""

    id: str  # as written in `Channels:`, `Social_<id>`, the ledger and `utm_source`
    label: str  # shown to people: preview, CLI table, messages, "Also on" links
    audience: str  # "public" posts or "internal" posts (never both)
    env: tuple[str, ...]  # environment variables it reads (credentials and account identity)
    secret: tuple[str, ...]  # the subset of `env` whose values are secrets (redacted everywhere)
    template: str  # default SYNDICATION_TEMPLATES entry
    limit: int  # default maximum length, counted `counted`
    counted: str  # how the length is counted (README, preview)
    module: str  # the adapter module (imported only when the channel is used)
    limit_setting: str = "SYNDICATION_LIMITS"  # the setting that overrides `limit`

    @property
    def public(self) -> bool:
        return self.audience == "public"


CHANNELS: dict[str, ChannelSpec] = {spec.id: spec for spec in (
    ChannelSpec(
        id="x", label="X", audience="public",
        env=("X_CONSUMER_KEY", "X_CONSUMER_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET"),
        secret=("X_CONSUMER_KEY", "X_CONSUMER_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET"),
        template="{text} {url}", limit=280, counted="weighted characters (links 23, CJK and emoji 2)",
        module="publish.channels.x",
    ),
    ChannelSpec(
        id="linkedin", label="LinkedIn", audience="public",
        env=("LINKEDIN_ACCESS_TOKEN", "LINKEDIN_AUTHOR_URN"), secret=("LINKEDIN_ACCESS_TOKEN",),
        template="{text}",  # the link goes in LinkedIn's article card
        limit=3000, counted="characters after little-text escaping", module="publish.channels.linkedin",
    ),
    ChannelSpec(
        id="mastodon", label="Mastodon", audience="public",
        env=("MASTODON_ACCESS_TOKEN", "MASTODON_API_BASE"), secret=("MASTODON_ACCESS_TOKEN",),
        template="{text} {url}", limit=500, counted="graphemes (links count `MASTODON_URL_LENGTH`)",
        module="publish.channels.mastodon", limit_setting="MASTODON_MAX_CHARS",  # per instance
    ),
    ChannelSpec(
        id="bluesky", label="Bluesky", audience="public",
        env=("BLUESKY_HANDLE", "BLUESKY_SESSION", "BLUESKY_APP_PASSWORD", "BLUESKY_SESSION_KEY"),
        secret=("BLUESKY_SESSION", "BLUESKY_APP_PASSWORD", "BLUESKY_SESSION_KEY"),
        template="{text} {url}",  # the link is shown as a short label with a facet; card added too
        limit=300, counted="graphemes (link shown as a short label)", module="publish.channels.bluesky",
    ),
    ChannelSpec(
        id="slack", label="Slack", audience="internal",
        env=("SLACK_WEBHOOK_URL",), secret=("SLACK_WEBHOOK_URL",),
        template="{text}",  # the title links to the post
        limit=3000, counted="characters after mrkdwn escaping", module="publish.channels.slack",
    ),
    ChannelSpec(
        id="teams", label="Teams", audience="internal",
        env=("TEAMS_WEBHOOK_URL",), secret=("TEAMS_WEBHOOK_URL",),
        template="{text}",  # "Read the post" button
        limit=3000, counted="characters", module="publish.channels.teams",
    ),
)}

#: Every channel id, in display order.
IDS: tuple[str, ...] = tuple(CHANNELS)
PUBLIC: tuple[str, ...] = tuple(spec.id for spec in CHANNELS.values() if spec.audience == "public")
INTERNAL: tuple[str, ...] = tuple(spec.id for spec in CHANNELS.values() if spec.audience == "internal")


def label(channel: str) -> str:
    """The one display name of `channel` (an unknown id is shown as written)."""
    spec = CHANNELS.get(channel)
    return spec.label if spec else channel


def default_templates() -> dict[str, str]:
    """SYNDICATION_TEMPLATES default (a fresh dict: callers may merge into it)."""
    return {spec.id: spec.template for spec in CHANNELS.values()}


def default_limits() -> dict[str, int]:
    """SYNDICATION_LIMITS default: every channel whose limit that setting overrides."""
    return {spec.id: spec.limit for spec in CHANNELS.values() if spec.limit_setting == "SYNDICATION_LIMITS"}


def env_names() -> list[str]:
    """Every environment variable any channel reads."""
    return [name for spec in CHANNELS.values() for name in spec.env]


def secret_env_names() -> list[str]:
    """The secret ones: their values (and fragments) are redacted in everything the step writes."""
    return [name for spec in CHANNELS.values() for name in spec.secret]
