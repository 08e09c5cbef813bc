"""WebSub publish pings: tell the hub which feeds a deploy changed, so subscribers hear at once.

The feeds name the hub (`rel="hub"`, plugins/feeds) once WEBSUB_HUB is set; after a deploy that
uploaded a feed, each changed feed is announced with one form-encoded POST
(`hub.mode=publish`, `hub.url=<feed URL>`), the convention every public hub accepts. A hub that
fails (error status, timeout, refused) is reported and never fails the run: the feed is online
either way and readers' apps still find the post on their next poll.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping

import requests

from plugins.settings import value_of

#: The feed path settings of plugins/feeds ({slug} stands for any name).
FEED_SETTINGS = tuple(f"LECTERN_{kind}_FEED_{fmt}" for kind in ("CATEGORY", "TAG", "AUTHOR")
                      for fmt in ("ATOM", "RSS")) + ("LECTERN_FEED_ALL_ATOM", "LECTERN_FEED_ALL_RSS")


def feed_paths(paths: Iterable[str], settings: Mapping) -> list[str]:
    """The paths among `paths` (site-relative, as a deploy reports them) that are feeds."""
    globs = [str(settings[name]).replace("{slug}", "*") for name in FEED_SETTINGS if settings.get(name)]
    return sorted({p for p in paths if any(fnmatch.fnmatchcase(p, g) for g in globs)})


def feed_urls(paths: Iterable[str], settings: Mapping) -> list[str]:
    siteurl = str(settings.get("SITEURL") or "").rstrip("/")
    return [f"{siteurl}/{path}" for path in feed_paths(paths, settings)]


def ping(hub: str, urls: Iterable[str], timeout: float) -> list[str]:
    """POST one publish notification per feed URL; return a line per failed ping and one line
    counting the feeds announced (a site has dozens of feeds: success needs no line each)."""
    lines, announced = [], 0
    for url in urls:
        try:
            response = requests.post(hub, data={"hub.mode": "publish", "hub.url": url}, timeout=timeout)
        except requests.Timeout:
            lines.append(f"WebSub: {hub} did not answer within {timeout:g} s for {url} — not announced "
                         "(readers' apps still see it on their next poll)")
            continue
        except requests.RequestException as exc:
            lines.append(f"WebSub: {hub} could not be reached for {url} ({type(exc).__name__}) — not "
                         "announced (readers' apps still see it on their next poll)")
            continue
        if 200 <= response.status_code < 300:
            announced += 1
        else:
            lines.append(f"WebSub: {hub} refused {url} (HTTP {response.status_code}) — not announced "
                         "(readers' apps still see it on their next poll)")
    if announced:
        lines.append(f"WebSub: announced {announced} changed feed(s) to {hub}")
    return lines


def after_deploy(changed: Iterable[str], settings: Mapping, env: Mapping[str, str]) -> list[str]:
    """Ping WEBSUB_HUB for every feed in `changed`; [] without a hub.

    A setting, not an environment variable: the feeds name the hub at build time, and the pings
    must go to the hub the feeds name."""
    del env  # the same signature as the other after-deploy steps
    hub = value_of(settings, "WEBSUB_HUB").strip()
    if not hub:
        return []
    urls = feed_urls(changed, settings)
    if not urls:
        return ["WebSub: no feed changed, nothing to announce"]
    return ping(hub, urls, value_of(settings, "WEBSUB_TIMEOUT"))
