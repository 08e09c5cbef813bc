"""Turn Pelican articles into manifest entries (what the publish step needs, nothing more)."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache

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


def source_text(source: bytes | None) -> str | None:
    """The source as text-mode open() would read it, before newline translation: UTF-8 with
    replacement (decoded once for the code-name scan and the placeholder scan)."""
    return None if source is None else source.decode("utf-8", errors="replace")


def confidential_names(article, finder, source: bytes | None, text: str | None = None) -> list[str]:
    """Code names anywhere in the post's raw source (body, code blocks, metadata), as written.

    The publish step holds such a post on every channel, whatever its social texts say, so a
    stale manifest or a skipped brand check can never carry a code name to a network.
    `text`: `source_text(source)`, when the caller has it.
    """
    if source is not None:  # as text-mode open() reads it: UTF-8 with replacement, universal newlines
        raw = source_text(source) if text is None else text
        if "\r" in raw:
            raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    else:
        raw = f"{article.title}\n{article.content or ''}"
    return finder(raw)


def scaffold_placeholders(source: bytes | None, text: str | None = None) -> list[str]:
    """Placeholder sentences of `make new` still in the post's source: the publish step holds it.
    `text`: `source_text(source)`, when the caller has it."""
    from plugins.post_contract.new import placeholder_sentences

    if source is None:
        return []
    return sorted(placeholder_sentences(source_text(source) if text is None else text))


@lru_cache(maxsize=8)
def _content_root(path: str) -> tuple[str, str]:
    """The folder manifest paths are relative to (PATH's parent), and it with a separator."""
    root = os.path.dirname(os.path.abspath(path))
    return root, root if root.endswith(os.sep) else root + os.sep  # "/" itself ends with one


def _relative(source_path: str, settings: dict) -> str:
    """`os.path.relpath(source_path, content root)` with "/" separators. A post's source path is
    absolute and inside the root: then the relative path is what follows the root's prefix
    (relpath compares normalised path components; a normalised path that starts with the
    normalised root and a separator has exactly the root's components first)."""
    root, prefix = _content_root(settings.get("PATH", "."))
    full = os.path.abspath(source_path)
    if full.startswith(prefix):
        rel = full[len(prefix):]
    else:
        rel = os.path.relpath(source_path, root)
    return rel.replace(os.sep, "/")


def _name(value) -> str | None:
    return getattr(value, "name", None) or (str(value) if value else None)


def entry(article, settings: dict, finder=None, *, url: bool = True) -> dict:
    """One manifest post. Every text in it is plain text (the publish step never parses it again):
    header fields are already text (post_contract), the summary is Pelican's HTML made text.

    `url=False` leaves "url" and "path" None for `fill_url` to set later (the plugin does that
    once the pages are written, when fast_reader's URL memo already holds each post's URL)."""
    meta = article.metadata
    social = {"default": one_line(meta.get("social")) or None}
    for channel in CHANNEL_IDS:
        social[channel] = one_line(meta.get(f"social_{channel}")) or None
    channels = getattr(article, "channels", None)
    source = read_source(article)
    text = source_text(source)
    audience = getattr(article, "audience", None) or str(meta.get("audience", "public")).lower()
    post = {
        "slug": article.slug,
        "url": None,
        "path": None,
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
        "source_path": _relative(article.source_path, settings),
        "confidential": confidential_names(article, finder, source, text) if finder else [],
        "placeholders": scaffold_placeholders(source, text),
    }
    if url:
        fill_url(post, article, settings)
    return post


def fill_url(post: dict, article, settings: dict) -> None:
    """Set an entry's "path" (Pelican's `article.url`, a property it formats anew at every access
    unless fast_reader's URL memo is on) and "url" (the site URL and that path)."""
    path = article.url
    post["url"] = f"{str(settings.get('SITEURL', '')).rstrip('/')}/{path}"
    post["path"] = path
