"""Pelican plugin: enforce the post metadata contract and keep internal posts off the public site.

- A Markdown reader that reports broken posts as `path:line: problem — fix` and skips them, so the
  rest of the site still builds (`make html`); `LECTERN_STRICT` (publishconf) fails the build.
- Sets `audience`, `channels` and `card_image` on every article for the theme and syndication.
- Moves `Audience: internal` articles to `generator.internal_articles` before taxonomies are built,
  so no public page, feed or sitemap ever lists them.
"""

from __future__ import annotations

from .plugin import register

__all__ = ["register"]
