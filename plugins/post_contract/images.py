"""The `Image:` card image must be a real image file under content/images/ (issue 9 point 4).

The value ends up in OpenGraph tags, the article's hero `<img>`, the RSS enclosure (whose byte
length is read from disk) and the link cards of every channel. So a value that leaves
`content/images/` (`../../etc/passwd`, `/etc/passwd`, a symlink to elsewhere) would read a host
file's size into the feed, and an external URL would make the no-external-requests theme load a
third-party image. Pure function: the value and the folders in, a URL or a writer-facing reason out.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from urllib.parse import quote

#: Card images live in this folder of content/ (Pelican copies it through STATIC_PATHS).
IMAGES_DIR = "images"
#: Extension → (MIME type, name, test of the file's first bytes). Cards on every network accept these.
CARD_TYPES = {
    ".png": ("image/png", "PNG", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ".jpg": ("image/jpeg", "JPEG", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".jpeg": ("image/jpeg", "JPEG", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".gif": ("image/gif", "GIF", lambda head: head[:6] in (b"GIF87a", b"GIF89a")),
    ".webp": ("image/webp", "WebP", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
}
_KINDS = "a PNG, JPEG, GIF or WebP image"
_PREFIXES = ("{static}", "{attach}", "{filename}")
_EXAMPLE = '"Image: images/close-calendar.png"'


@dataclass(frozen=True)
class CardImage:
    url: str | None  # absolute URL for the theme, feeds and manifest; None: no usable image
    problem: str = ""  # why the value was refused (empty when fine or absent)


def card_image(value: object, *, content_root: str, siteurl: str, allow_external: bool = False) -> CardImage:
    """Check an `Image:` value and return its public URL, or the reason it cannot be used.

    Nothing outside `content_root/images/` is opened: the lexical path must stay in the folder and
    so must its real path (symlinks resolved), before the file's first bytes are read for its type.
    """
    raw = str(value or "").strip()
    if not raw:
        return CardImage(None)
    shown = raw if len(raw) <= 120 else raw[:117] + "..."
    lowered = raw.lower()
    if lowered.startswith(("http://", "https://", "//")):
        if allow_external:
            return CardImage("https:" + raw if raw.startswith("//") else raw)
        return CardImage(None, (
            f'Image "{shown}" is on another site, and the theme makes no external requests — copy the '
            f'image into content/{IMAGES_DIR}/ and write e.g. {_EXAMPLE} '
            "(or set LECTERN_ALLOW_EXTERNAL_IMAGES = True)"))
    if ":" in raw.split("/", 1)[0] and not raw.startswith(_PREFIXES) and len(raw.split(":", 1)[0]) > 1:
        return CardImage(None, (
            f'Image "{shown}" is not a file under content/{IMAGES_DIR}/ — put the image there and '
            f"write e.g. {_EXAMPLE}"))
    path = raw
    for prefix in _PREFIXES:
        path = path.removeprefix(prefix)
    path = path.replace("\\", "/")
    if path.startswith("/") and not raw.startswith(_PREFIXES) and not path.startswith(f"/{IMAGES_DIR}/"):
        return CardImage(None, (
            f'Image "{shown}" is an absolute path — images come only from content/{IMAGES_DIR}/; write '
            f"the path from content/, e.g. {_EXAMPLE}"))
    if len(path) > 1 and path[1] == ":":  # C:\..., C:/...
        return CardImage(None, (
            f'Image "{shown}" is an absolute path — images come only from content/{IMAGES_DIR}/; write '
            f"the path from content/, e.g. {_EXAMPLE}"))
    rel = posixpath.normpath(path.lstrip("/"))
    if not rel.startswith(f"{IMAGES_DIR}/") or "/../" in f"/{path}/":
        return CardImage(None, (
            f'Image "{shown}" points outside content/{IMAGES_DIR}/ — put the image in '
            f"content/{IMAGES_DIR}/ and write e.g. {_EXAMPLE}"))
    folder = os.path.realpath(os.path.join(content_root, IMAGES_DIR))
    target = os.path.realpath(os.path.join(content_root, *rel.split("/")))
    if os.path.commonpath([folder, target]) != folder:
        return CardImage(None, (
            f'Image "{shown}" is a link to a file outside content/{IMAGES_DIR}/ — copy the image '
            f"itself into content/{IMAGES_DIR}/"))
    if not os.path.isfile(target):
        return CardImage(None, (
            f'Image "{shown}" does not exist: there is no file content/{rel} — put the image there '
            "or correct the name (names are case-sensitive)"))
    extension = posixpath.splitext(rel)[1].lower()
    kind = CARD_TYPES.get(extension)
    if kind is None:
        return CardImage(None, (
            f'Image "{shown}" is not {_KINDS} — convert it to one of those (1200×630 pixels works '
            "on every network)"))
    try:
        with open(target, "rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        return CardImage(None, f'Image "{shown}" cannot be read ({exc.strerror}) — check the file')
    if not kind[2](head):
        actual = next((name for _, name, test in CARD_TYPES.values() if test(head)), None)
        what = f"holds a {actual} image" if actual else "is not an image"
        return CardImage(None, (
            f'Image "{shown}" {what}, not the {kind[1]} its name says — re-export it as {_KINDS} '
            "with the matching extension"))
    return CardImage(f"{siteurl.rstrip('/')}/{quote(rel)}")


def mime_type(url: str) -> str | None:
    """The MIME type of a checked card image URL, from its extension (None: unknown)."""
    kind = CARD_TYPES.get(posixpath.splitext(url.split("?", 1)[0])[1].lower())
    return kind[0] if kind else None
