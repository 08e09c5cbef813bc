"""Pelican plugin: Atom and RSS 2.0 feeds written with feedgen (site, category, tag and author).

Pelican's own feed settings are off in pelicanconf.py so this is the only feed writer. Entries
carry full HTML with absolute links, the summary, author, categories, zoned dates and the card
image; only public, published, non-future posts are ever included.
"""

from __future__ import annotations

from .plugin import register

__all__ = ["register"]
