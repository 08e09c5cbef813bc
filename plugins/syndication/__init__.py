"""Pelican plugin: the syndication manifest for `make publish`, and "Also on" links from the ledger.

- Writes `SYNDICATION_MANIFEST` (default build/manifest.json, never inside OUTPUT_PATH: it lists
  internal posts) with every publishable post: published, not scheduled, public or internal.
- Sets `article.syndication` ([{"channel", "name", "url"}]) from `SYNDICATION_LEDGER` before any
  page is written, so the theme can render `rel="syndication"` links.
"""

from __future__ import annotations

from .plugin import register

__all__ = ["register"]
