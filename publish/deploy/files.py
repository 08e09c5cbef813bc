"""The site as a deploy sees it: every file under output/ with its size, MD5, headers and upload tier.

Pure (reads files, no network), so every target plans the same way and the rules are tested once:

- `Content-Type` per file: our table first (feeds are `application/atom+xml` / `application/rss+xml`,
  `.webmanifest`, text types with `; charset=utf-8`), then `mimetypes`, then octet-stream.
- `Cache-Control` by glob, first match wins (`DEPLOY_CACHE_CONTROL`, like `hugo deploy`'s matchers).
  The theme's assets are not fingerprinted (`theme/css/main.css` keeps its name when it changes), so
  they get a medium max-age, not `immutable`: a reader would otherwise keep an old stylesheet for a year.
- Upload tier (`DEPLOY_ORDER`): pages and assets first, then listings (index pages, tags, categories,
  authors, archives), then feeds, then `sitemap.xml`/`robots.txt`; deletes come after every upload.
  So no listing, feed or sitemap that a reader or crawler fetches mid-deploy links to a page that
  is not there yet.
"""

from __future__ import annotations

import fnmatch
import hashlib
import mimetypes
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

#: First match wins. Globs are matched against the path relative to the site root ("*" spans "/").
DEFAULT_CACHE_CONTROL: tuple[tuple[str, str], ...] = (
    ("*.html", "public, max-age=300"),
    ("feeds/*", "public, max-age=300"),
    ("*.xml", "public, max-age=300"),
    ("robots.txt", "public, max-age=300"),
    # Not fingerprinted (same name after a change): a day, never immutable. If you fingerprint
    # theme assets, put ("theme/*", "public, max-age=31536000, immutable") first in your setting.
    ("theme/*", "public, max-age=86400"),
    ("images/*", "public, max-age=86400"),
    ("*", "public, max-age=3600"),
)

#: Upload tiers after "pages and assets" (tier 0): each later tier links to files of earlier ones.
DEFAULT_ORDER: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("listings", ("index.html", "page/*", "tag/*", "tags/*", "category/*", "categories/*",
                  "author/*", "authors/*", "archives/*")),
    ("feeds", ("feeds/*", "*.atom.xml", "*.rss.xml")),
    ("sitemap", ("sitemap.xml", "sitemap*.xml", "robots.txt")),
)
TIER_NAMES = ("pages and assets",) + tuple(name for name, _ in DEFAULT_ORDER)

TEXT = "; charset=utf-8"
#: Checked before `mimetypes` (which misses some, and differs between machines).
DEFAULT_CONTENT_TYPES: tuple[tuple[str, str], ...] = (
    ("*.atom.xml", "application/atom+xml" + TEXT),
    ("*.rss.xml", "application/rss+xml" + TEXT),
    ("*.html", "text/html" + TEXT),
    ("*.htm", "text/html" + TEXT),
    ("*.css", "text/css" + TEXT),
    ("*.js", "text/javascript" + TEXT),
    ("*.mjs", "text/javascript" + TEXT),
    ("*.json", "application/json" + TEXT),
    ("*.webmanifest", "application/manifest+json" + TEXT),
    ("*.xml", "application/xml" + TEXT),
    ("*.txt", "text/plain" + TEXT),
    ("*.md", "text/markdown" + TEXT),
    ("*.svg", "image/svg+xml"),
    ("*.ico", "image/x-icon"),
    ("*.png", "image/png"),
    ("*.jpg", "image/jpeg"),
    ("*.jpeg", "image/jpeg"),
    ("*.gif", "image/gif"),
    ("*.webp", "image/webp"),
    ("*.avif", "image/avif"),
    ("*.woff2", "font/woff2"),
    ("*.woff", "font/woff"),
    ("*.pdf", "application/pdf"),
)
#: Never uploaded from inside the output folder.
EXCLUDE = (".git/*", ".git", "*/.DS_Store", ".DS_Store")


@dataclass(frozen=True)
class LocalFile:
    path: str  # relative, "/"-separated: the object key below the target's prefix
    size: int
    md5: str  # hex
    content_type: str
    cache_control: str
    tier: int

    @property
    def source(self) -> str:
        return self.path


def match(path: str, rules: Iterable[tuple[str, str]], default: str = "") -> str:
    """The value of the first (glob, value) rule whose glob matches `path`."""
    for glob, value in rules:
        if fnmatch.fnmatchcase(path, glob):
            return value
    return default


def content_type(path: str, extra: Iterable[tuple[str, str]] = ()) -> str:
    found = match(path, [*extra, *DEFAULT_CONTENT_TYPES])
    if found:
        return found
    guessed, encoding = mimetypes.guess_type(path, strict=False)
    if not guessed or encoding:
        return "application/octet-stream"  # a .gz is bytes to the browser unless we set Content-Encoding
    return guessed + TEXT if guessed.startswith("text/") else guessed


def tier(path: str, order: Sequence[tuple[str, Sequence[str]]] = DEFAULT_ORDER) -> int:
    """0 for pages and assets; 1.. for each later group in `order` (the last group that matches wins,
    so a feed under tag/ still waits for the listings)."""
    found = 0
    for number, (_, globs) in enumerate(order, start=1):
        if any(fnmatch.fnmatchcase(path, glob) for glob in globs):
            found = number
    return found


def md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def walk(root: Path, *, skip: Iterable[Path] = (), cache_control=DEFAULT_CACHE_CONTROL,
         content_types: Iterable[tuple[str, str]] = (), order=DEFAULT_ORDER) -> list[LocalFile]:
    """Every regular file under `root` (symlinked folders are not followed; folders in `skip`, e.g.
    build/ or preview/ when they sit inside root, are left out), sorted by tier then path."""
    root = Path(root)
    skipped = {os.path.realpath(p) for p in skip}
    content_types = list(content_types)
    found: list[LocalFile] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if os.path.realpath(os.path.join(folder, d)) not in skipped
                         and not os.path.islink(os.path.join(folder, d)))
        for name in names:
            full = Path(folder) / name
            rel = full.relative_to(root).as_posix()
            if any(fnmatch.fnmatchcase(rel, glob) for glob in EXCLUDE) or not full.is_file():
                continue
            found.append(LocalFile(rel, full.stat().st_size, md5_of(full), content_type(rel, content_types),
                                   match(rel, cache_control, "public, max-age=3600"), tier(rel, order)))
    return sorted(found, key=lambda f: (f.tier, f.path))
