"""Read the publish step's settings from the same Pelican settings file the build used.

One settings file means the manifest, ledger and site URL the publisher reads are the ones the
build wrote; defaults live here so a settings file may leave any SYNDICATION_* key out.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from .channels import registry as channel_registry

REPO = Path(__file__).resolve().parent.parent

DEFAULTS: dict = {
    # Channel defaults come from the one channel registry (publish/channels/registry.py).
    "SYNDICATION_CHANNELS": list(channel_registry.IDS),
    "SYNDICATION_TEMPLATES": channel_registry.default_templates(),
    "SYNDICATION_LIMITS": channel_registry.default_limits(),
    "SYNDICATION_MAX_PER_RUN": 3,
    # None: on whenever a deploy target is set (require_live); True/False: as you say.
    "SYNDICATION_REQUIRE_LIVE": None,
    "SYNDICATION_LIVE_TIMEOUT": 300,  # seconds `make publish` waits for new pages to answer 200
    "SYNDICATION_LIVE_INTERVAL": 5,  # seconds between two checks of a page that is not live yet
    "WEBSUB_HUB": "",  # e.g. "https://pubsubhubbub.appspot.com/": feeds name it, publish pings it
    "WEBSUB_TIMEOUT": 10,  # seconds per ping
    "SYNDICATION_UTM": True,
    "SYNDICATION_MANIFEST": str(REPO / "build" / "manifest.json"),
    "SYNDICATION_LEDGER": str(REPO / "ledger" / "syndication.jsonl"),
    "SYNDICATION_PREVIEW_DIR": str(REPO / "preview"),
    "SYNDICATION_TIMEOUT": 20,
    "SYNDICATION_INFLIGHT_MARGIN": 30,
    "LINKEDIN_API_BASE": "https://api.linkedin.com/rest",
    "LINKEDIN_VERSION": "202610",
    "MASTODON_API_BASE": "",
    "MASTODON_MAX_CHARS": channel_registry.CHANNELS["mastodon"].limit,
    "MASTODON_URL_LENGTH": 23,
    "BLUESKY_API_BASE": "https://bsky.social",
    "BLUESKY_SESSION_FILE": "",
    "BRAND_CONFIG": str(REPO / "brand.yml"),
}


def timeout(settings: dict) -> float:
    """Seconds one network call to a channel may take (SYNDICATION_TIMEOUT)."""
    return float(settings.get("SYNDICATION_TIMEOUT", DEFAULTS["SYNDICATION_TIMEOUT"]))


def in_flight_window(settings: dict) -> timedelta:
    """How long after a request left the server may still be working on it.

    The HTTP clients allow SYNDICATION_TIMEOUT once to connect and once more between bytes of the
    answer, and a server may finish creating a post after the client gave up (Mastodon stores an
    Idempotency-Key only once the status exists), so SYNDICATION_INFLIGHT_MARGIN seconds are added.
    A pending record younger than this is never re-sent or re-checked: it waits for a later run.
    """
    margin = float(settings.get("SYNDICATION_INFLIGHT_MARGIN", DEFAULTS["SYNDICATION_INFLIGHT_MARGIN"]))
    return timedelta(seconds=2 * timeout(settings) + margin)


def require_live(settings: dict, env: dict | None = None) -> bool:
    """Share a post only once its canonical URL answers 200?

    On by default whenever a deploy target is set (DEPLOY_TARGET, the environment winning, as for
    `make deploy`): then `make publish` deployed the pages itself and can wait for them. Without a
    target nothing knows when the pages go up, so the check stays off unless asked for.
    """
    value = settings.get("SYNDICATION_REQUIRE_LIVE")
    if value is not None:
        return bool(value)
    env = os.environ if env is None else env
    return bool((env.get("DEPLOY_TARGET") or str(settings.get("DEPLOY_TARGET") or "")).strip())


def live_wait(settings: dict) -> tuple[float, float]:
    """(timeout, interval) in seconds for the live check (SYNDICATION_LIVE_TIMEOUT / _INTERVAL)."""
    def number(key: str) -> float:
        value = settings.get(key)
        return float(DEFAULTS[key] if value is None else value)

    return max(0.0, number("SYNDICATION_LIVE_TIMEOUT")), max(0.05, number("SYNDICATION_LIVE_INTERVAL"))


def with_defaults(settings: dict) -> dict:
    merged = {**DEFAULTS, **{k: v for k, v in settings.items() if k in DEFAULTS or k.isupper()}}
    merged["SYNDICATION_TEMPLATES"] = {**DEFAULTS["SYNDICATION_TEMPLATES"],
                                       **(settings.get("SYNDICATION_TEMPLATES") or {})}
    merged["SYNDICATION_LIMITS"] = {**DEFAULTS["SYNDICATION_LIMITS"],
                                    **(settings.get("SYNDICATION_LIMITS") or {})}
    return merged


def load(path: str | os.PathLike) -> dict:
    """Load a Pelican settings file (e.g. publishconf.py) plus our defaults."""
    from pelican.settings import read_settings  # lazy: keeps `--help` fast

    try:
        settings = read_settings(str(path))
    except ValueError:
        # Pelican insists that PATH (the content folder) exists; publishing never reads content,
        # so a settings file written for a build elsewhere (e.g. a test's temp conf) still loads.
        settings = read_settings(str(path), override={"PATH": str(REPO)})
    return with_defaults(settings)
