"""Share-kit pages in the internal edition: output-internal/amplify/<slug>/index.html.

The amplify message links colleagues to a page they can open. With an internal edition
(INTERNAL_SITEURL, `make build-internal`) the kit of every public post that may get one is written
into that edition at build time, so it is deployed with the edition *before* `make publish` sends
the message (publish.pipeline deploys the internal edition first). Inert in every other build
(plugins.edition.is_internal): the public site never carries a kit.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from pelican import signals

logger = logging.getLogger(__name__)
#: The public articles of the current internal build (module level: Pelican holds receivers weakly).
_STATE: dict = {}


def collect(generator) -> None:
    from plugins.edition import is_internal

    if is_internal(generator.settings):
        _STATE["articles"] = list(generator.articles)


def write(pelican) -> None:
    articles = _STATE.pop("articles", None)
    if articles is None:
        return
    from publish.amplify.edition import write_pages

    pages = write_pages(articles, pelican.settings, datetime.now(UTC))
    logger.info("amplify: %d share kit page(s) in the internal edition", len(pages))


def register() -> None:
    signals.article_generator_finalized.connect(collect)
    signals.finalized.connect(write)
