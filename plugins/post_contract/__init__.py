"""Pelican plugin: enforce the post metadata contract and keep internal posts off the public site.

- A Markdown reader that reports broken posts as `path:line: problem — fix` and skips them, so the
  rest of the site still builds (`make html`); `LECTERN_STRICT` (publishconf) fails the build.
- Metadata is text (`text_fields`): header values reach Pelican as plain text with character
  references decoded once, Summary as Markdown without raw HTML; invisible and control characters
  (`invisible`) are reported as `path:line:col`, removed from the dev build, and stop production.
- Sets `audience`, `channels` and `card_image` on every article for the theme and syndication.
- Moves `Audience: internal` articles to `generator.internal_articles` before taxonomies are built,
  so no public page, feed or sitemap ever lists them.

`facts` (header, display_path, is_out) is Pelican-free and shared with the brand guard, feeds,
syndication and `publish/`; importing this package stays cheap: Pelican is imported only when
Pelican itself calls `register()`.
"""

from __future__ import annotations

__all__ = ["register"]


def register() -> None:
    """Pelican entry point (PLUGINS = ["plugins.post_contract"])."""
    from .plugin import register as _register

    _register()
