"""Turn Pelican articles into manifest entries (what the publish step needs, nothing more)."""

from __future__ import annotations

import hashlib
import os

from publish.channels.registry import IDS as CHANNEL_IDS
from publish.text import one_line, plain_text


def read_source(article) -> bytes | None:
    """The post's source file as bytes (read once for the hash and the code-name scan)."""
    try:
        with open(article.source_path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def content_hash(article, source: bytes | None) -> str:
    """Hash of the source file: a post edited after sharing is reported, not silently re-posted."""
    if source is not None:
        data = source.replace(b"\r\n", b"\n")
    else:
        data = (article.title + "\n" + (article.content or "")).encode("utf-8")
    return "sha256:" + hashlib.sha256(data).hexdigest()


def confidential_names(article, finder, source: bytes | None) -> list[str]:
    """Code names anywhere in the post's raw source (body, code blocks, metadata), as written.

    The publish step holds such a post on every channel, whatever its social texts say, so a
    stale manifest or a skipped brand check can never carry a code name to a network.
    """
    if source is not None:  # as text-mode open() reads it: UTF-8 with replacement, universal newlines
        raw = source.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    else:
        raw = f"{article.title}\n{article.content or ''}"
    return finder(raw)


def scaffold_placeholders(source: bytes | None) -> list[str]:
    """Placeholder sentences of `make new` still in the post's source: the publish step holds it."""
    from plugins.post_contract.new import find_placeholders

    if source is None:
        return []
    raw = source.decode("utf-8", errors="replace")
    return sorted({found.sentence for found in find_placeholders(raw)})


def _name(value) -> str | None:
    return getattr(value, "name", None) or (str(value) if value else None)


def entry(article, settings: dict, finder=None) -> dict:
    """One manifest post. Every text in it is plain text (the publish step never parses it again):
    header fields are already text (post_contract), the summary is Pelican's HTML made text."""
    meta = article.metadata
    siteurl = str(settings.get("SITEURL", "")).rstrip("/")
    social = {"default": one_line(meta.get("social")) or None}
    for channel in CHANNEL_IDS:
        social[channel] = one_line(meta.get(f"social_{channel}")) or None
    content_root = os.path.dirname(os.path.abspath(settings.get("PATH", ".")))
    channels = getattr(article, "channels", None)
    source = read_source(article)
    audience = getattr(article, "audience", None) or str(meta.get("audience", "public")).lower()
    path = article.url  # a property Pelican recomputes at every access
    return {
        "slug": article.slug,
        "url": f"{siteurl}/{path}",
        "path": path,
        "title": one_line(article.title),
        "summary": plain_text(getattr(article, "summary", "") or meta.get("summary")),
        "social": social,
        "tags": [_name(tag) for tag in getattr(article, "tags", []) or []],
        "category": _name(getattr(article, "category", None)),
        "author": _name(getattr(article, "author", None)),
        "image": getattr(article, "card_image", None),
        "audience": audience,
        # Internal posts: the body as text, for Slack/Teams when no internal edition is configured.
        "text": plain_text(article.content) if audience == "internal" else "",
        "channels": list(channels) if channels is not None else None,
        "status": article.status,
        "date": article.date.isoformat(),
        "hash": content_hash(article, source),
        "source_path": os.path.relpath(article.source_path, content_root).replace(os.sep, "/"),
        "confidential": confidential_names(article, finder, source) if finder else [],
        "placeholders": scaffold_placeholders(source),
    }
