"""Read the publish step's settings from the same Pelican settings file the build used.

One settings file means the manifest, ledger and site URL the publisher reads are the ones the
build wrote. The declarations (types, defaults, meaning) are the build's own, in
plugins/settings.py: a default is written once, and a wrong value is refused here with the same
message the build gives.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from plugins import settings as schema

REPO = schema.BASE
SettingsError = schema.SettingsError

#: Every Lectern setting's default, as a settings file would write it (paths resolved).
DEFAULTS: dict = schema.complete({})


def timeout(settings: dict) -> float:
    """Seconds one network call to a channel may take (SYNDICATION_TIMEOUT)."""
    return schema.value_of(settings, "SYNDICATION_TIMEOUT")


def in_flight_window(settings: dict) -> timedelta:
    """How long after a request left the server may still be working on it.

    The HTTP clients allow SYNDICATION_TIMEOUT once to connect and once more between bytes of the
    answer, and a server may finish creating a post after the client gave up (Mastodon stores an
    Idempotency-Key only once the status exists), so SYNDICATION_INFLIGHT_MARGIN seconds are added.
    A pending record younger than this is never re-sent or re-checked: it waits for a later run.
    """
    margin = schema.value_of(settings, "SYNDICATION_INFLIGHT_MARGIN")
    return timedelta(seconds=2 * timeout(settings) + margin)


def require_live(settings: dict, env: dict | None = None) -> bool:
    """Share a post only once its canonical URL answers 200?

    On by default whenever a deploy target is set (DEPLOY_TARGET, the environment winning, as for
    `make deploy`): then `make publish` deployed the pages itself and can wait for them. Without a
    target nothing knows when the pages go up, so the check stays off unless asked for.
    """
    value = schema.value_of(settings, "SYNDICATION_REQUIRE_LIVE")
    if value is not None:
        return value
    env = os.environ if env is None else env
    return bool((env.get("DEPLOY_TARGET") or schema.value_of(settings, "DEPLOY_TARGET")).strip())


def live_wait(settings: dict) -> tuple[float, float]:
    """(timeout, interval) in seconds for the live check (SYNDICATION_LIVE_TIMEOUT / _INTERVAL)."""
    return (max(0.0, schema.value_of(settings, "SYNDICATION_LIVE_TIMEOUT")),
            max(0.05, schema.value_of(settings, "SYNDICATION_LIVE_INTERVAL")))


def state_file(settings: dict, name: str, default: str) -> Path:
    """Where the publish step keeps what it learnt between runs (sessions, an API's answers): the
    path setting `name`, else `default` in ~/.local/state/lectern (XDG_STATE_HOME) — outside the
    repo, never committed; the CI workflow caches that folder."""
    chosen = schema.value_of(settings, name)  # None when "" (the default)
    if chosen is not None:
        return chosen
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return state / "lectern" / default


def with_defaults(settings: dict) -> dict:
    """`settings` with every Lectern setting filled in and checked (SettingsError when wrong)."""
    errors, _ = schema.check(settings)  # unknown names: the build that wrote the manifest warned
    if errors:
        raise schema.SettingsError("; ".join(errors))
    return schema.complete({k: v for k, v in settings.items() if k.isupper()})


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
