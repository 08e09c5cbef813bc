"""Pelican plugin: what only a dev build shows — draft and scheduled posts previewed with a banner.

Writers used to flip `Status: published` just to see a post, which is how unfinished posts got
shared. In a dev build (`LECTERN_DEV = True`, pelicanconf.py) Pelican writes drafts — and
scheduled posts, which it turns into drafts while their date is in the future — at
`DRAFT_SAVE_AS` (`drafts/<slug>/`): an address of its own that can never be mistaken for, or
overwrite, a published page, and that the site never links to. Pelican already keeps drafts out
of the index, archives, tag/category/author pages, the sitemap (pelican-sitemap skips any status
but published), and our feeds, manifest and related posts read published articles only. This
plugin gives each preview its banner text (`article.dev_preview`, read by article.html, which also
marks the page noindex and leaves out the share links) and, outside a dev build, blanks the draft
addresses so no draft can be written whatever the settings file says.

A dev build is `LECTERN_DEV` and not strict (LECTERN_STRICT, BRAND_STRICT) and not the internal
edition: production, `make preview` (publishconf.py: LECTERN_DEV = False) and
`make build-internal` never contain a draft, a banner or a brand panel. The banner is a pure
function of the post and the build's clock (a post is "scheduled" when its header says published),
so a dev server's incremental render and a clean build agree.

Pelican-free helpers (`is_dev`, `banner`) are imported by the brand guard's panel and tests.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from plugins.edition import is_internal
from plugins.settings import value_of

logger = logging.getLogger(__name__)

#: Pelican's draft addresses: emptied outside a dev build (an empty SAVE_AS writes nothing).
DRAFT_KEYS = ("DRAFT_URL", "DRAFT_SAVE_AS", "DRAFT_LANG_URL", "DRAFT_LANG_SAVE_AS", "DRAFT_PAGE_URL",
              "DRAFT_PAGE_SAVE_AS", "DRAFT_PAGE_LANG_URL", "DRAFT_PAGE_LANG_SAVE_AS")
ATTRIBUTE = "dev_preview"


def is_dev(settings: Mapping) -> bool:
    """Is this a dev build, which may show drafts, banners and brand findings?"""
    return bool(value_of(settings, "LECTERN_DEV") and not value_of(settings, "LECTERN_STRICT")
                and not value_of(settings, "BRAND_STRICT") and not is_internal(settings))


@dataclass(frozen=True)
class Banner:
    """What the article page says above a preview: `label` ("Draft", "Scheduled") and a sentence."""

    kind: str  # "draft" or "scheduled"
    label: str
    text: str


def banner(header_status: str, when: str) -> Banner:
    """The banner for a post Pelican holds as a draft: `header_status` is the Status its header
    states (Pelican's own `status` is "draft" for both), `when` its date as the site shows dates."""
    if str(header_status or "published").strip().lower() != "draft":  # published or hidden, future-dated
        return Banner("scheduled", f"Scheduled for {when}",
                      "Only the dev build shows this preview until then. It is not listed, not in feeds "
                      "or the sitemap, and never shared before the first build on or after that date.")
    return Banner("draft", "Draft",
                  "Only the dev build shows this preview. It is not listed, not in feeds or the sitemap, "
                  "and never shared; set Status: published when it is ready.")


def guard_settings(pelican) -> None:
    """`initialized`: outside a dev build, no draft address exists and LECTERN_DEV is False (belt and
    braces for publishconf.py; also for a strict build made from pelicanconf.py)."""
    settings = pelican.settings
    if is_dev(settings):
        return
    settings["LECTERN_DEV"] = False  # what templates read: a strict or internal build is not a dev build
    for key in DRAFT_KEYS:
        if settings.get(key):
            logger.debug("dev_preview: %s emptied (not a dev build)", key)
            settings[key] = ""


def _when(article) -> str:
    date = getattr(article, "date", None)
    fmt = article.settings.get("DEFAULT_DATE_FORMAT") or "%Y-%m-%d"
    if date is None:
        return "a date not set"
    time = date.strftime("%H:%M")
    return f"{date.strftime(fmt)}, {time}" if time != "00:00" else date.strftime(fmt)


def mark_previews(generator) -> None:
    """`article_generator_finalized`: give every draft the dev build will write its banner."""
    if not is_dev(generator.settings):
        return
    for attr in ("drafts", "drafts_translations"):
        for article in getattr(generator, attr, None) or ():
            header_status = str(article.metadata.get("status", "published"))
            setattr(article, ATTRIBUTE, banner(header_status, _when(article)))


def register() -> None:
    from pelican import signals

    signals.initialized.connect(guard_settings)
    signals.article_generator_finalized.connect(mark_previews)
