"""Read a card image from the built site instead of downloading our own page's image.

The manifest holds absolute image URLs under SITEURL; the same file is in OUTPUT_PATH, so link
cards never depend on the site being deployed yet (and the publish step makes no request to it).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

MAX_BYTES = 1_000_000  # Bluesky's blob limit for a link-card thumbnail; plenty for LinkedIn


def local_image(url: str | None, settings: dict) -> bytes | None:
    data, _ = card_image(url, settings)
    return data


def card_image(url: str | None, settings: dict, limit: int = MAX_BYTES) -> tuple[bytes | None, str]:
    """(bytes, "") for a card image we can send, else (None, why not) — "" when there is no image."""
    if not url:
        return None, ""
    siteurl = str(settings.get("SITEURL", "")).rstrip("/")
    output = settings.get("OUTPUT_PATH")
    if not siteurl or not output or not url.startswith(siteurl + "/"):
        return None, f"the card image {url} is not under SITEURL, so it cannot be read from the built site"
    rel = unquote(urlsplit(url[len(siteurl):]).path).lstrip("/")
    root = Path(output).resolve()
    path = (root / rel).resolve()
    if root not in path.parents or not path.is_file():
        return None, f"the card image {url} is not in the built site ({output}) — build the site first"
    size = path.stat().st_size
    if size > limit:
        return None, (f"the card image {rel} is {size:,} bytes, over the {limit:,}-byte limit — "
                      "use a smaller image")
    return path.read_bytes(), ""
