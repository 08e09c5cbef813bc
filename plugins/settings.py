"""Lectern's settings, declared once: name, type, default and meaning, one frozen dataclass per area.

The build (this module is also the Pelican plugin `plugins.settings`, first in PLUGINS) and the
publish step (`publish/settings.py`) read the same declarations, so a default is written in one
place and a value is checked the same way everywhere:

- At Pelican's `initialized` signal every setting we declare is type-checked; a wrong type stops
  the build with a message naming the setting. Unknown keys with one of our prefixes (or close to
  one of our names, e.g. `SYNDICATON_MAX_PER_RUN`) are warned about with a "did you mean".
  The defaults are then merged into Pelican's settings (as Pelican merges its DEFAULT_CONFIG), so
  templates and plugins see every key.
- Call sites read typed values: `read(settings, Syndication).timeout` is a float, paths are
  absolute `Path`s. Relative paths resolve against one base, the repository root (the folder of
  pelicanconf.py), never the working directory.

Pelican-free at import (Pelican is imported only when Pelican calls `register()`).
"""

from __future__ import annotations

import difflib
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from publish.channels import registry as channel_registry

logger = logging.getLogger(__name__)

#: The base for relative paths: the repository root, where pelicanconf.py and brand.yml live.
BASE = Path(__file__).resolve().parent.parent
#: Keys starting with these are ours: an unknown one is a typo or a setting that no longer exists.
PREFIXES = ("LECTERN_", "BRAND_", "SYNDICATION_", "FAST_", "DEPLOY_", "INTERNAL_", "WEBSUB_",
            "LINKEDIN_", "MASTODON_", "BLUESKY_", "CADENCE_", "AMPLIFY_")


class SettingsError(ValueError):
    """A setting with a value of the wrong type; the message names the setting and the fix."""


# ---------------------------------------------------------------- declarations

def _s(name: str, kind: str, default: Any, doc: str) -> Any:
    """One declared setting: its Pelican name, kind (see `_KINDS`), default and meaning."""
    meta = {"name": name, "kind": kind, "doc": doc}
    if callable(default):
        return field(default_factory=default, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Build:
    strict: bool = _s("LECTERN_STRICT", "bool", False,
                      "True (publishconf): a broken post stops the build; False: it is reported and skipped")
    build_dir: Path = _s("LECTERN_BUILD_DIR", "path", "build",
                         "never deployed: manifest, brand report")
    allow_external_images: bool = _s("LECTERN_ALLOW_EXTERNAL_IMAGES", "bool", False,
                                     "True: `Image: https://…` is allowed as a card image")
    slug_max: int = _s("LECTERN_SLUG_MAX", "count", 80,
                       "the longest slug, in characters (cut at a word boundary; at least 8 are kept)")
    dev: bool = _s("LECTERN_DEV", "bool", False,
                   "True (pelicanconf): a dev build — drafts and scheduled posts previewed at drafts/<slug>/ "
                   "with a banner, brand findings beside each post; publishconf sets False (never in "
                   "production, nor in any strict or internal build)")


@dataclass(frozen=True)
class Feeds:
    """Feed paths written by plugins/feeds ("" turns one kind off); the theme links to them."""

    all_atom: str = _s("LECTERN_FEED_ALL_ATOM", "text", "feeds/all.atom.xml", "site Atom feed")
    all_rss: str = _s("LECTERN_FEED_ALL_RSS", "text", "feeds/all.rss.xml", "site RSS feed")
    category_atom: str = _s("LECTERN_CATEGORY_FEED_ATOM", "text", "feeds/category/{slug}.atom.xml", "")
    category_rss: str = _s("LECTERN_CATEGORY_FEED_RSS", "text", "feeds/category/{slug}.rss.xml", "")
    tag_atom: str = _s("LECTERN_TAG_FEED_ATOM", "text", "feeds/tag/{slug}.atom.xml", "")
    tag_rss: str = _s("LECTERN_TAG_FEED_RSS", "text", "feeds/tag/{slug}.rss.xml", "")
    author_atom: str = _s("LECTERN_AUTHOR_FEED_ATOM", "text", "feeds/author/{slug}.atom.xml", "")
    author_rss: str = _s("LECTERN_AUTHOR_FEED_RSS", "text", "feeds/author/{slug}.rss.xml", "")

    def path(self, kind: str, fmt: str) -> str:
        """The pattern for `kind` (ALL, CATEGORY, TAG, AUTHOR) and `fmt` (ATOM, RSS)."""
        return getattr(self, f"{kind.lower()}_{fmt.lower()}")


@dataclass(frozen=True)
class Brand:
    config: Path | None = _s("BRAND_CONFIG", "optional path", "brand.yml",
                             'the brand statement ("" turns the brand guard off)')
    strict: bool = _s("BRAND_STRICT", "bool", False,
                      "True (publishconf): an error-level finding in a public post stops the build")


@dataclass(frozen=True)
class Fast:
    processes: int | None = _s("FAST_READER_PROCESSES", "optional count", None,
                               "worker processes (None: usable CPUs; 1: everything in-process)")
    reader_min_pool: int = _s("FAST_READER_MIN_POOL", "count", 16, "smaller batches never start a pool")
    writer_min_pool: int = _s("FAST_WRITER_MIN_POOL", "count", 32, "smaller batches never start a pool")
    prefilter: bool = _s("FAST_READER_PREFILTER", "bool", True, "skip inline patterns that cannot match")
    writer: bool = _s("FAST_WRITER", "bool", True, "render pages in a fork pool")
    url_memo: bool = _s("FAST_URL_MEMO", "bool", True, "compute each post's url/save_as once per build")
    fragment_memo: bool = _s("FAST_FRAGMENT_MEMO", "bool", True, "render each listing card once per build")
    dates: bool = _s("FAST_DATES", "bool", True, "format dates with each format parsed once (same text)")
    template_sharing: bool = _s("FAST_TEMPLATE_SHARING", "bool", True,
                                "compile each theme template once per build, not once per generator")
    gc_pause: bool = _s("FAST_GC_PAUSE", "bool", True,
                        "cycle collection all but paused while a build runs (plugins/gcpause.py)")


@dataclass(frozen=True)
class Syndication:
    channels: tuple[str, ...] = _s("SYNDICATION_CHANNELS", "channel list", channel_registry.IDS,
                                   "channels switched on (ids from publish/channels/registry.py)")
    templates: dict = _s("SYNDICATION_TEMPLATES", "text per channel", channel_registry.default_templates,
                         "{text} = Social_<id> / Social / Summary; {url} = canonical URL + UTM; "
                         "{title}, {author}")
    limits: dict = _s("SYNDICATION_LIMITS", "count per channel", channel_registry.default_limits,
                      "maximum length per channel id, counted its own way")
    max_per_run: int = _s("SYNDICATION_MAX_PER_RUN", "count", 3,
                          "posts per channel per run, so a backlog never floods a feed (0: no cap)")
    require_live: bool | None = _s("SYNDICATION_REQUIRE_LIVE", "optional bool", None,
                                   "share a post only once its canonical URL answers 200 "
                                   "(None: when a DEPLOY_TARGET is set)")
    live_timeout: float = _s("SYNDICATION_LIVE_TIMEOUT", "seconds or 0", 300,
                             "seconds make publish waits for new pages; later ones wait for the next run")
    live_interval: float = _s("SYNDICATION_LIVE_INTERVAL", "seconds", 5,
                              "seconds between two checks of a page that is not live yet")
    utm: bool = _s("SYNDICATION_UTM", "bool", True,
                   "utm_source=<channel>&utm_medium=social&utm_campaign=<slug>")
    manifest: Path | None = _s("SYNDICATION_MANIFEST", "optional path", None,
                               "the manifest for `make publish` (default: LECTERN_BUILD_DIR/manifest.json)")
    ledger: Path = _s("SYNDICATION_LEDGER", "path", "ledger/syndication.jsonl",
                      "append-only record of what was posted (commit it)")
    preview_dir: Path = _s("SYNDICATION_PREVIEW_DIR", "path", "preview", "git-ignored, never deployed")
    timeout: float = _s("SYNDICATION_TIMEOUT", "seconds", 20, "seconds per network call")
    inflight_margin: float = _s("SYNDICATION_INFLIGHT_MARGIN", "seconds or 0", 30,
                                "seconds a server may still be creating a post after the client gave up")
    confidential_internal: bool = _s("SYNDICATION_CONFIDENTIAL_INTERNAL", "bool", False,
                                     "True: internal posts naming a code name may go to Slack/Teams")


@dataclass(frozen=True)
class Networks:
    linkedin_api_base: str = _s("LINKEDIN_API_BASE", "text", "https://api.linkedin.com/rest", "")
    linkedin_version: str = _s("LINKEDIN_VERSION", "text", "202610",
                               "LinkedIn-Version header (YYYYMM); over ten months old: a warning every run")
    mastodon_api_base: str = _s("MASTODON_API_BASE", "text", "",
                                'e.g. "https://social.example" (or env MASTODON_API_BASE)')
    mastodon_max_chars: int = _s("MASTODON_MAX_CHARS", "count", channel_registry.CHANNELS["mastodon"].limit,
                                 "the instance's configuration.statuses.max_characters")
    mastodon_url_length: int = _s("MASTODON_URL_LENGTH", "count", 23,
                                  "the instance's characters_reserved_per_url")
    bluesky_api_base: str = _s("BLUESKY_API_BASE", "text", "https://bsky.social", "your PDS")
    bluesky_session_file: Path | None = _s("BLUESKY_SESSION_FILE", "optional path", "",
                                           '"": ~/.local/state/lectern/bluesky-<handle>.session')
    x_access_file: Path | None = _s("X_ACCESS_FILE", "optional path", "",
                                    '"": ~/.local/state/lectern/x-access.json (whether the X API tier '
                                    "can read the account's posts, kept a week)")


@dataclass(frozen=True)
class Deploy:
    """`make deploy` (publish/deploy/plan.py's Config reads these; the environment's DEPLOY_TARGET
    and DEPLOY_CLOUDFRONT_ID win over the file)."""

    target: str = _s("DEPLOY_TARGET", "text", "", "s3://bucket/prefix, ssh://user@host/path, gh-pages")
    max_deletes: int = _s("DEPLOY_MAX_DELETES", "whole number", 256,
                          "more deletions need `make deploy FORCE=1` (-1: no cap)")
    cache_control: tuple = _s("DEPLOY_CACHE_CONTROL", "glob rules", (),
                              '[(glob, "Cache-Control value"), …], tried before the defaults')
    content_types: tuple = _s("DEPLOY_CONTENT_TYPES", "glob rules", (),
                              '[(glob, "type"), …] for types Lectern does not know')
    cloudfront_id: str = _s("DEPLOY_CLOUDFRONT_ID", "text", "", "invalidate changed paths after a deploy")


@dataclass(frozen=True)
class WebSub:
    hub: str = _s("WEBSUB_HUB", "text", "",
                  "hub URL: every feed names it and publish pings it for each feed a deploy changed")
    timeout: float = _s("WEBSUB_TIMEOUT", "seconds", 10, "seconds per ping")


@dataclass(frozen=True)
class Internal:
    """The internal edition (`make build-internal`, internalconf.py)."""

    edition: str = _s("LECTERN_EDITION", "edition", "public",
                      '"internal": this build is the staff-only edition (internalconf.py sets it)')
    siteurl: str = _s("INTERNAL_SITEURL", "text", "",
                      "the internal edition's address (or env INTERNAL_SITEURL)")
    deploy_target: str = _s("INTERNAL_DEPLOY_TARGET", "text", "",
                            "where `make deploy` puts output-internal/ (or env INTERNAL_DEPLOY_TARGET)")


@dataclass(frozen=True)
class Report:
    """`make report` (publish/report/): cadence and referrals, written to LECTERN_BUILD_DIR."""

    max_gap_days: int = _s("CADENCE_MAX_GAP_DAYS", "count", 30,
                           "flag an author whose last post is more than this many days old")


@dataclass(frozen=True)
class Amplify:
    """The employee share kit (publish/amplify/): suggested texts and share links for colleagues."""

    channels: tuple[str, ...] = _s("AMPLIFY_CHANNELS", "channel list", channel_registry.INTERNAL,
                                   "internal channels that get one 'amplify' message per new public post "
                                   "(() turns the messages off)")
    networks: tuple[str, ...] = _s("AMPLIFY_NETWORKS", "channel list", channel_registry.PUBLIC,
                                   "public networks the kit suggests a text and a share link for")
    teams: tuple[str, ...] = _s("AMPLIFY_TEAMS", "text list", (),
                                "one kit per team, its links tagged utm_content=<team> (): one kit, no tag")
    mastodon_instance: str = _s("AMPLIFY_MASTODON_INSTANCE", "text", "mastodon.social",
                                "the Mastodon server whose /share page the kit's Mastodon link opens")
    directory: Path | None = _s("AMPLIFY_DIR", "optional path", None,
                                "where `make publish` writes the kit pages, <slug>/index.html, never "
                                "deployed (default: LECTERN_BUILD_DIR/amplify)")
    page_url: str = _s("AMPLIFY_PAGE_URL", "text", "",
                       "where AMPLIFY_DIR is served (e.g. the intranet): the message links <url>/<slug>/ "
                       "('' : the message carries the texts and share links itself)")


AREAS: tuple[type, ...] = (Build, Feeds, Brand, Fast, Syndication, Networks, Deploy, WebSub, Internal, Report,
                           Amplify)
#: Every declared setting: name → (area, dataclass field).
DECLARED: dict[str, tuple[type, Any]] = {
    f.metadata["name"]: (area, f) for area in AREAS for f in fields(area)}


# ---------------------------------------------------------------- kinds

def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _path(value: Any) -> Path:
    path = Path(os.fspath(value)).expanduser()
    return path if path.is_absolute() else BASE / path


def _channel_keys(value: dict, want: str, check) -> str | None:
    unknown = [key for key in value if key not in channel_registry.CHANNELS]
    if unknown:
        return f"{unknown[0]!r} is not a channel (use {', '.join(channel_registry.IDS)})"
    bad = [key for key, item in value.items() if not check(item)]
    return f"the value for {bad[0]!r} must be {want}" if bad else None


def _check(kind: str, value: Any) -> str | None:
    """None when `value` fits `kind`, else what it should be."""
    if kind == "bool":
        return None if isinstance(value, bool) else "must be True or False"
    if kind == "optional bool":
        return None if value is None or isinstance(value, bool) else "must be None, True or False"
    if kind == "count":
        return None if _is_int(value) and value >= 0 else "must be a whole number, 0 or more"
    if kind == "optional count":
        ok = value is None or (_is_int(value) and value >= 1)
        return None if ok else "must be None or a whole number, 1 or more"
    if kind in ("seconds", "seconds or 0"):
        least = "above 0" if kind == "seconds" else "(0 or more)"
        number = _is_int(value) or isinstance(value, float)
        ok = number and (value > 0 or (value == 0 and kind != "seconds"))
        return None if ok else f"must be a number of seconds {least}"
    if kind == "whole number":
        return None if _is_int(value) else "must be a whole number"
    if kind == "glob rules":
        pairs = list(value.items()) if isinstance(value, dict) else value
        ok = isinstance(pairs, (list, tuple)) and all(
            isinstance(pair, (list, tuple)) and len(pair) == 2 and all(isinstance(v, str) for v in pair)
            for pair in pairs)
        return None if ok else 'must be a list of (glob, value) pairs, e.g. [("theme/*", "…")]'
    if kind == "edition":
        ok = isinstance(value, str) and value.strip().lower() in ("public", "internal")
        return None if ok else 'must be "public" or "internal"'
    if kind == "text":
        return None if isinstance(value, str) else "must be text in quotes"
    if kind == "path":
        ok = isinstance(value, (str, os.PathLike)) and bool(str(value))
        return None if ok else "must be a file or folder path"
    if kind == "optional path":
        return None if value is None or isinstance(value, (str, os.PathLike)) else 'must be a path, or ""'
    if kind == "text list":
        ok = isinstance(value, (list, tuple)) and all(isinstance(v, str) and v.strip() for v in value)
        return None if ok else 'must be a list of names in quotes, e.g. ["sales", "engineering"]'
    if kind == "channel list":
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            return "must be a list of channel ids"
        unknown = [v for v in value if v not in channel_registry.CHANNELS]
        return f"{unknown[0]!r} is not a channel (use {', '.join(channel_registry.IDS)})" if unknown else None
    if kind == "text per channel":
        if not isinstance(value, dict):
            return "must be a dict of channel id → text"
        return _channel_keys(value, "text in quotes", lambda v: isinstance(v, str))
    if kind == "count per channel":
        if not isinstance(value, dict):
            return "must be a dict of channel id → whole number"
        return _channel_keys(value, "a whole number above 0", lambda v: _is_int(v) and v > 0)
    raise AssertionError(kind)


def _convert(kind: str, value: Any, default: Any) -> Any:
    if kind == "path":
        return _path(value)
    if kind == "optional path":
        return _path(value) if value not in (None, "") else None
    if kind in ("seconds", "seconds or 0"):
        return float(value)
    if kind in ("channel list", "text list"):
        return tuple(value)
    if kind in ("text per channel", "count per channel"):
        return {**default, **value}  # a setting lists only the channels that differ
    return value


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# ---------------------------------------------------------------- reading

_MISSING = object()


def value_of(settings: dict, name: str) -> Any:
    """The typed value of one declared setting (its default when absent); SettingsError when wrong."""
    area, fld = DECLARED[name]
    kind = fld.metadata["kind"]
    default = fld.default_factory() if callable(fld.default_factory) else fld.default
    raw = settings.get(name, _MISSING)
    if raw is _MISSING:
        raw = default
    problem = _check(kind, raw)
    if problem is not None:
        raise SettingsError(f"{name} = {_shown(raw)}: {problem} — e.g. {name} = {_shown(plain(default))}, "
                            "the default")
    value = _convert(kind, raw, default)
    if name == "SYNDICATION_MANIFEST" and value is None:
        value = value_of(settings, "LECTERN_BUILD_DIR") / "manifest.json"
    if name == "AMPLIFY_DIR" and value is None:
        value = value_of(settings, "LECTERN_BUILD_DIR") / "amplify"
    return value


def read(settings: dict, area: type) -> Any:
    """The typed, validated settings of one area (defaults for absent keys)."""
    return area(**{f.name: value_of(settings, f.metadata["name"]) for f in fields(area)})


def check(settings: dict, known: Iterable[str] = ()) -> tuple[list[str], list[str]]:
    """(errors, warnings) for a settings dict: wrong types, then unknown or mistyped names
    (`known`: other names that are not ours, e.g. Pelican's own settings)."""
    known = set(known)
    errors = []
    for name in DECLARED:
        try:
            value_of(settings, name)
        except SettingsError as exc:
            if str(exc) not in errors:  # SYNDICATION_MANIFEST's default repeats LECTERN_BUILD_DIR's
                errors.append(str(exc))
    warnings = []
    unknown = (key for key in settings if isinstance(key, str) and key.isupper()
               and key not in DECLARED and key not in known)
    for key in sorted(unknown):
        head = key.split("_", 1)[0] + "_"
        if not key.startswith(PREFIXES) and not difflib.get_close_matches(head, PREFIXES, n=1, cutoff=0.8):
            continue  # Pelican's own settings, other plugins', the theme's
        close = difflib.get_close_matches(key, DECLARED, n=1, cutoff=0.8)
        hint = f" — did you mean {close[0]}?" if close else (
            " — it is ignored; Lectern's settings are listed in plugins/settings.py")
        warnings.append(f"{key} is not a Lectern setting{hint}")
    return errors, warnings


def plain(value: Any) -> Any:
    """A typed value as Pelican settings hold values (paths as text)."""
    if isinstance(value, Path):
        return str(value)
    if value is None:
        return ""
    if isinstance(value, tuple):
        return list(value)
    return value


def complete(settings: dict) -> dict:
    """`settings` plus every declared setting, defaults filled in and paths resolved against BASE.

    Raises SettingsError for the first wrong value (call `check` first for all of them).
    """
    merged = dict(settings)
    for name, (_, fld) in DECLARED.items():
        value = value_of(settings, name)
        merged[name] = value if fld.metadata["kind"] in ("optional count", "optional bool") else plain(value)
    return merged


# ---------------------------------------------------------------- Pelican plugin

def validate(pelican) -> None:
    """`initialized`: check every setting, warn about unknown ones, then fill in the defaults."""
    from pelican.settings import DEFAULT_CONFIG

    errors, warnings = check(pelican.settings, known=DEFAULT_CONFIG)
    for message in warnings:
        logger.warning("settings: %s", message)
    if errors:
        for message in errors:
            logger.error("settings: %s", message)
        logger.error("Build stopped: fix the %s above in your settings file.",
                     "setting" if len(errors) == 1 else f"{len(errors)} settings")
        raise SystemExit(1)
    pelican.settings.update(complete(pelican.settings))


def register() -> None:
    """Pelican entry point (PLUGINS = ["plugins.settings", ...], first: the others read its result)."""
    from pelican import signals

    signals.initialized.connect(validate)
