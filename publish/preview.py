"""Write preview/plan.json and preview/index.html: what each planned post will look like.

The folder is git-ignored and never deployed (it can hold internal posts). The HTML is
self-contained (inline CSS, no scripts, no external requests) so it opens straight from disk.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from pathlib import Path

from .channels.registry import label
from .model import Item
from .redact import scrub

CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d2433}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2.5rem;border-top:1px solid #ccd;padding-top:1rem}
.card{border:1px solid #ccd;border-radius:8px;padding:1rem;margin:1rem 0;background:#fbfbfd}
.meta{font-size:.85rem;color:#556}.text{white-space:pre-wrap;font-size:1rem;margin:.5rem 0}
.over{color:#a00;font-weight:bold}.status{font-weight:bold;text-transform:uppercase;font-size:.8rem}
.link{border:1px solid #dde;border-radius:6px;padding:.5rem;margin-top:.5rem;font-size:.9rem;background:#fff}
.link img{max-width:12rem;display:block;margin-bottom:.3rem}
"""


def names_code_name(item: Item) -> bool:
    """Held for naming a code name: the preview shows neither its title, texts nor card (the
    names would sit in preview/, which a CI run may keep as an artifact)."""
    reason = item.reason or ""
    return item.status == "held" and ("code name" in reason or "confidential term" in reason)


def rows(items: Iterable[Item]) -> list[dict]:
    return [{
        "post": item.post.slug, "channel": item.channel, "url": item.link or item.post.url,
        "text": "" if names_code_name(item) else item.text, "length": item.length, "limit": item.limit,
        "status": item.status,
        "reason": item.reason, "audience": item.post.audience,
    } for item in items]


def write(directory: str | Path, items: list[Item], redact=lambda s: s) -> Path:
    """Write both files; returns the HTML path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    data = json.dumps(scrub(rows(items), redact), ensure_ascii=False, indent=2)
    (directory / "plan.json").write_text(data + "\n", encoding="utf-8")
    page = directory / "index.html"
    page.write_text(redact(render(items)), encoding="utf-8")
    return page


def render(items: list[Item]) -> str:
    e = html.escape
    parts = ["<!doctype html><html lang=en><meta charset=utf-8>",
             "<meta name=robots content=noindex><title>Syndication preview</title>",
             f"<style>{CSS}</style><h1>Syndication preview</h1>"]
    if not items:
        parts.append("<p>Nothing to share: every published post is already syndicated.</p>")
    slug = None
    for item in items:
        if item.post.slug != slug:
            slug = item.post.slug
            title = item.post.slug if names_code_name(item) else item.post.title
            parts.append(f"<h2>{e(title)}</h2><p class=meta>{e(item.post.url)} · "
                         f"{e(item.post.audience)}</p>")
        over = item.limit and item.length > item.limit
        parts.append(
            f"<div class=card><div class=meta>{e(label(item.channel))} · "
            f"<span class=status>{e(item.status)}</span>"
            f"{' — ' + e(item.reason) if item.reason else ''} · "
            f"<span class={'over' if over else 'ok'}>{item.length} / {item.limit}</span></div>"
            + ("</div>" if names_code_name(item)
               else f"<div class=text>{e(item.text)}</div>{card(item)}</div>")
        )
    parts.append("</html>\n")
    return "\n".join(parts)


def card(item: Item) -> str:
    e = html.escape
    post = item.post
    image = f"<img src='{e(post.image)}' alt=''>" if post.image else ""
    return (f"<div class=link>{image}<strong>{e(post.title)}</strong><br>{e(post.summary)}<br>"
            f"<span class=meta>{e(item.link or post.url)}</span></div>")
