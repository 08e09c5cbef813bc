"""The share kit as an HTML page (AMPLIFY_DIR/<slug>/index.html), for colleagues to copy and click.

Self-contained: inline CSS, no scripts, no external requests. Every text is HTML-escaped and every
href is a percent-encoded share link, escaped again as an attribute (`&` → `&amp;`).
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from urllib.parse import quote

from ..text import one_line
from .kit import Kit

CSS = """
body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:48rem;padding:0 1rem;
color:#1d2433;background:#fff}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-top:2px solid #ccd;padding-top:1rem}
.net{border:1px solid #cfd4dc;border-radius:10px;padding:.8rem 1rem;margin:1rem 0}
.text{white-space:pre-wrap;overflow-wrap:anywhere;background:#f5f7fa;padding:.6rem;border-radius:6px}
.meta{font-size:.85rem;color:#4a5263}a.share{font-weight:700}
.internal-banner{background:#fff4e5;color:#5c2c00;padding:.4rem .6rem;border-radius:4px}
"""


def folder_name(slug: str) -> str:
    """A slug as one safe folder name (no `/`, no `..`)."""
    if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", slug) and ".." not in slug:
        return slug
    return quote(slug, safe="") .replace(".", "%2E")


def render(kits: list[Kit]) -> str:
    """The page of one post's kits (one section per team)."""
    post = kits[0].post
    esc = html.escape
    title = one_line(post.title)
    parts = [
        "<!doctype html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="robots" content="noindex, nofollow">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>Share kit: {esc(title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
        '<p class="internal-banner">Internal: a share kit for colleagues — please do not forward</p>',
        f"<h1>Share kit: {esc(title)}</h1>",
        f'<p>Share <a href="{esc(post.url)}">the post</a> from your own account: pick a network, '
        "check the suggested text and click its share link.</p>",
    ]
    for kit in kits:
        if kit.team:
            parts.append(f"<h2>Team {esc(kit.team)}</h2>")
        for s in kit.suggestions:
            parts += [
                f'<section class="net" data-network="{esc(s.network)}" data-team="{esc(kit.team)}">',
                f"<h3>{esc(s.label)}</h3>",
                f'<p class="text">{esc(s.text)}</p>',
                f'<p class="meta">{s.length} of {s.limit} ({esc(s.counted)})</p>',
                f'<p><a class="share" href="{esc(s.share)}" rel="noopener">Share on {esc(s.label)}</a></p>',
                "</section>",
            ]
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def write(directory: Path, kits: list[Kit], redact=lambda s: s) -> Path:
    """Write the page atomically (redacted like the preview: `publish.redact`); returns its path."""
    folder = Path(directory) / folder_name(kits[0].post.slug)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "index.html"
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(redact(render(kits)), encoding="utf-8")
    os.replace(tmp, path)
    return path
