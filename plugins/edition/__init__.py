"""Pelican plugin: the internal edition (`make build-internal` → output-internal/, internalconf.py).

One content folder, two sites. The public edition (publishconf.py) never holds an
`Audience: internal` post; the internal edition holds every public post plus the internal ones,
for staff only: `LECTERN_EDITION = "internal"` tells the other plugins and the theme so —
post_contract keeps internal posts in the listings, feeds take them, the theme adds the
"Internal" banner and `noindex, nofollow`, and this plugin writes a robots.txt that disallows
everything (written last, so no content file can replace it). Drafts and scheduled posts stay
out of both editions (the same Pelican rules).

Pure helpers (`is_internal`, `ROBOTS`) are imported by the other plugins; Pelican-free.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

logger = logging.getLogger(__name__)

SETTING = "LECTERN_EDITION"
INTERNAL = "internal"
#: The internal edition's robots.txt: no crawler may read any of it.
ROBOTS = "User-agent: *\nDisallow: /\n"


def is_internal(settings: Mapping) -> bool:
    """Does this build make the internal edition (LECTERN_EDITION = "internal")?"""
    return str(settings.get(SETTING) or "").strip().lower() == INTERNAL


def check_settings(pelican) -> None:
    """The internal edition's feeds and canonical links need its own address: refuse to build
    without one rather than write a site whose links point at the public site or nowhere."""
    settings = pelican.settings
    if not is_internal(settings):
        return
    site = str(settings.get("SITEURL") or "").rstrip("/")
    public = str(settings.get("PUBLIC_SITEURL") or "").rstrip("/")
    if not site:
        logger.error("internalconf.py: INTERNAL_SITEURL is not set — set it in publishconf.py or the "
                     "environment (e.g. INTERNAL_SITEURL=https://insights.internal.example); the internal "
                     "edition was not built")
        raise SystemExit(1)
    if public and site == public:
        logger.error("internalconf.py: INTERNAL_SITEURL is the public SITEURL (%s) — the internal edition "
                     "needs its own address; the internal edition was not built", site)
        raise SystemExit(1)


def write_robots(pelican) -> None:
    """Disallow everything in the internal edition (replaces content/extra/robots.txt)."""
    if not is_internal(pelican.settings):
        return
    path = os.path.join(pelican.output_path, "robots.txt")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(ROBOTS)


def register() -> None:
    from pelican import signals

    signals.initialized.connect(check_settings)
    signals.finalized.connect(write_robots)
