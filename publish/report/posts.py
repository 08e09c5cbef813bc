"""The posts a report is about, read from their headers (no build): who wrote what, when, and its address.

Why headers and not a build: `make report` must be quick and must see scheduled posts and drafts,
which a build leaves out. "Is this post out yet?" is `plugins.post_contract.facts` (the one rule the
build, the feeds and the publish plan use, in the site's TIMEZONE), so the report can never call a
post out that the site does not show. A post's web address is the build's own answer when a
manifest is there (`build/manifest.json`, keyed by source path); without one it is derived from
ARTICLE_URL and Pelican's slug function, which is right for the usual `{date:%Y}/{slug}` patterns.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from plugins.post_contract.facts import display_path, is_out, parse_header, to_datetime

EXTENSIONS = (".md", ".markdown", ".mkd", ".mdown")


@dataclass(frozen=True)
class PostInfo:
    path: Path
    source: str  # relative to the content folder's parent, as the manifest writes it
    title: str
    authors: tuple[str, ...]
    date: datetime | None  # aware, in the site's TIMEZONE; None when unreadable
    status: str  # published | draft | hidden
    audience: str  # public | internal
    state: str  # out | scheduled | draft | hidden | undated
    slug: str = ""
    url_path: str = ""  # below the site, e.g. "posts/2026/slug/"


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _state(status: str, date: datetime | None, now: datetime, zone) -> str:
    if status in ("draft", "hidden"):
        return status
    if date is None:
        return "undated"
    return "out" if is_out(_Dated(status, date), now, zone) else "scheduled"


@dataclass(frozen=True)
class _Dated:
    status: str
    date: datetime


def read_posts(
    content: Path,
    article_paths: Sequence[str],
    settings: dict,
    now: datetime,
    manifest: dict[str, dict] | None = None,
) -> tuple[list[PostInfo], list[Problem]]:
    """Every post under `content`'s article folders, oldest first, and files that cannot be read."""
    zone = settings.get("TIMEZONE")
    default_author = str(settings.get("AUTHOR") or "").strip()
    manifest = manifest or {}
    posts, problems = [], []
    seen: set[Path] = set()
    for folder in article_paths or [""]:
        for path in sorted((content / folder).rglob("*")):
            if path.suffix.lower() not in EXTENSIONS or not path.is_file() or path in seen:
                continue
            seen.add(path)
            shown = display_path(str(path))
            try:
                fields, _ = parse_header(path.read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(
                    Problem(shown, f"cannot be read ({type(exc).__name__}) — re-save it as UTF-8")
                )
                continue
            value = {key: f.value for key, f in fields.items()}
            status = (value.get("status") or "published").strip().lower()
            audience = (value.get("audience") or "public").strip().lower()
            date = to_datetime(value["date"], zone) if value.get("date") else None
            if value.get("date") and date is None:
                problems.append(
                    Problem(
                        f"{shown}:{fields['date'].line}",
                        f'the date {value["date"]!r} cannot be read — write it as "YYYY-MM-DD HH:MM"',
                    )
                )
            names = value.get("authors") or value.get("author") or default_author
            authors = tuple(a.strip() for a in names.replace(";", ",").split(",") if a.strip()) or (
                "(no author)",
            )
            source = os.path.relpath(path.resolve(), content.resolve().parent).replace(os.sep, "/")
            known = manifest.get(source) or {}
            slug = known.get("slug") or ""
            url_path = known.get("path") or ""
            if not url_path and date is not None:
                slug, url_path = derive_address(value, date, settings)
            posts.append(
                PostInfo(
                    path,
                    source,
                    value.get("title") or path.stem,
                    authors,
                    date,
                    status,
                    audience if audience in ("public", "internal") else "public",
                    _state(status, date, now, zone),
                    slug,
                    url_path,
                )
            )
    posts.sort(key=lambda p: (p.date is None, p.date or now, p.source))
    return posts, problems


def derive_address(header: dict[str, str], date: datetime, settings: dict) -> tuple[str, str]:
    """(slug, path below the site) the way Pelican makes them, for a post no manifest lists."""
    try:
        from plugins.post_contract import names
    except ImportError:  # Pelican not installed: no address, the post just gets no visits
        return "", ""
    slug = (header.get("slug") or "").strip()
    if not slug:
        source = str(settings.get("SLUGIFY_SOURCE") or "title")
        base = list(settings.get("SLUG_REGEX_SUBSTITUTIONS") or names._PELICAN_DEFAULT_SUBS)
        capped = {
            **settings,
            "SLUG_REGEX_SUBSTITUTIONS": base + names.cap_substitutions(names.slug_max(settings)),
        }
        slug = names.slug_of(header.get(source) or header.get("title") or "", capped)
    pattern = str(settings.get("ARTICLE_URL") or "{slug}.html")
    try:
        path = pattern.format(slug=slug, date=date, lang=settings.get("DEFAULT_LANG", "en"))
    except (KeyError, AttributeError, IndexError, ValueError):
        return slug, ""  # a pattern with {category} etc.: only a build knows
    return slug, path if slug else ""


def load_manifest(path: Path) -> tuple[dict[str, dict], str]:
    """source path → manifest entry, and why it could not be read ("" when it was)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        posts = data["posts"]
        return {p["source_path"]: p for p in posts if isinstance(p, dict) and p.get("source_path")}, ""
    except FileNotFoundError:
        return {}, f"no {display_path(str(path))} (run `make html` or `make build-prod` for exact addresses)"
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return {}, f"{display_path(str(path))} cannot be read ({type(exc).__name__}) — build again"


def by_slug(posts: Iterable[PostInfo]) -> dict[str, PostInfo]:
    return {p.slug: p for p in posts if p.slug}
