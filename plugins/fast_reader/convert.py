"""Worker side: Markdown file → (html, raw header, converted formatted fields), no Pelican objects.

Everything here runs in forked pool workers (or in-process for small batches), so it returns
plain picklable data and never touches Pelican's settings-dependent metadata processing, which
must stay in the main process (Tag/Category/Author objects, dates, the content cache).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from markdown import Markdown
from pelican.utils import pelican_open

from plugins.settings import value_of

from . import blockfilter, highlight, passes, prefilter, tocmarker


@dataclass(frozen=True)
class Converted:
    stamp: tuple[int, int]  # (mtime_ns, size) of the file when it was read: stale results are dropped
    html: str
    meta: dict[str, list[str]]  # Python-Markdown's `Meta`: lowercased key → list of raw lines
    formatted: dict[str, str]  # FORMATTED_FIELDS (e.g. summary) already converted to HTML


_STATE: dict[str, object] = {}


def init(settings) -> None:
    """Build this process's two reusable Markdown instances (same settings as Pelican's reader).

    Pelican converts formatted fields with the body's instance after deregistering the `meta`
    preprocessor; a second instance without `meta` gives the same result without re-registering.
    """
    markdown_settings = settings["MARKDOWN"]  # already normalised by MarkdownReader.__init__
    formatted_fields = list(settings["FORMATTED_FIELDS"])
    body = Markdown(**markdown_settings)
    fields = Markdown(**markdown_settings)
    fields.preprocessors.deregister("meta")
    if value_of(settings, "FAST_READER_PREFILTER"):
        prefilter.speed_up(body)
        prefilter.speed_up(fields)
        blockfilter.speed_up(body)
        blockfilter.speed_up(fields)
        tocmarker.speed_up(body)
        tocmarker.speed_up(fields)
        passes.speed_up(body)
        passes.speed_up(fields)
        highlight.speed_up()
    _STATE.update(body=body, fields=fields, formatted=frozenset(formatted_fields),
                  settings=markdown_settings)


def ensure_init(settings) -> None:
    """Initialise once per build in the main process; forked workers inherit the instances."""
    if _STATE.get("for") is not settings:
        init(settings)
        _STATE["for"] = settings


def forget() -> None:
    """Drop the instances (the next build may have other settings: `make regenerate`)."""
    _STATE.clear()


def file_stamp(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size


def stamp_or_none(path: str) -> tuple[int, int] | None:
    """`file_stamp`, or None when the file is gone: a stamped result for it is stale."""
    try:
        return file_stamp(path)
    except OSError:
        return None


def convert(path: str) -> tuple[str, Converted | None]:
    """Convert one file; None when anything goes wrong (the main process then reads it normally,
    so errors surface exactly as with Pelican's reader)."""
    try:
        stamp = file_stamp(path)
        with pelican_open(path) as text:
            body: Markdown = _STATE["body"]  # type: ignore[assignment]
            body.reset()
            html = body.convert(text)
        meta = {key: list(values) for key, values in getattr(body, "Meta", {}).items()}
        fields: Markdown = _STATE["fields"]  # type: ignore[assignment]
        formatted = {}
        for key, values in meta.items():
            if key.lower() in _STATE["formatted"]:  # type: ignore[operator]
                fields.reset()
                formatted[key] = fields.convert("\n".join(values))
    except Exception:  # noqa: BLE001 — deliberately deferred to the main process's own reader
        return path, None
    return path, Converted(stamp, html, meta, formatted)
