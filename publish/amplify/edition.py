"""The kit pages of the internal edition (plugins.amplify calls `write_pages` at the end of an
internal build): one page per public post that may get a kit, at OUTPUT_PATH/amplify/<slug>/.

The same rules as the publish step (`send.eligible`, `kit.build_all`): out, public, no code name,
no placeholder, every kit text passing the brand guard, not adopted with --mark-existing.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from plugins.settings import value_of

from ..ledger import read
from ..model import Post
from . import page
from .kit import build_all
from .send import eligible

FOLDER = "amplify"


def write_pages(articles: list, settings: dict, now: datetime) -> list[Path]:
    """Write the kit page of every eligible public article; returns the pages written."""
    from plugins.syndication.manifest import entry
    from plugins.syndication.plugin import _leak_finder

    from ..brand import BrandUnavailable, load_check

    public = str(settings.get("PUBLIC_SITEURL") or "").rstrip("/")
    if not public:
        return []
    try:
        check = load_check(settings)
    except BrandUnavailable:
        return []  # an unchecked text is never suggested
    finder = _leak_finder(settings)
    ledger = read(value_of(settings, "SYNDICATION_LEDGER"))
    out = Path(settings["OUTPUT_PATH"]) / FOLDER
    written = []
    for article in articles:
        data = entry(article, settings, finder)
        if data["audience"] != "public":
            continue
        data["url"] = f"{public}/{data['path']}"  # colleagues share the public page
        post = Post.from_json(data)
        if eligible(post, [], ledger, now, settings):
            continue
        kits = build_all(post, settings, check)
        if all(kit.ok for kit in kits):
            written.append(page.write(out, kits))
    return written
