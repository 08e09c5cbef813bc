"""Signal receivers (module level: Pelican holds receivers weakly)."""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from json.encoder import encode_basestring
from pathlib import Path

from pelican import signals

from plugins.post_contract.facts import is_out
from plugins.settings import value_of
from publish import ledger as ledger_mod
from publish.buildinfo import identity

from .manifest import entry, fill_url

logger = logging.getLogger(__name__)
#: The manifest computed for the current build, written once the whole build succeeded.
_STATE: dict = {}


def manifest_path(settings: dict) -> Path:
    return value_of(settings, "SYNDICATION_MANIFEST")


def ledger_path(settings: dict) -> Path:
    return value_of(settings, "SYNDICATION_LEDGER")


def forget_stale_manifest(pelican) -> None:
    """A failed build must not leave the previous build's manifest for `python -m publish`."""
    _STATE.clear()
    path = manifest_path(pelican.settings)
    if path.exists():
        path.unlink()


def collect(generator) -> None:
    settings = generator.settings
    public = list(generator.articles)
    internal = list(getattr(generator, "internal_articles", []))
    links = _links(settings)
    everything = public + internal + [a for attr in ("translations", "hidden_articles", "drafts")
                                      for a in getattr(generator, attr, [])]
    for article in everything:
        article.syndication = links.get(article.slug, [])
    pending: list = []
    _STATE["manifest"] = manifest(public + internal, settings, datetime.now(UTC), _leak_finder(settings),
                                  pending=pending)
    _STATE["pending"] = (pending, settings)


def fill_urls(*_args, **_kwargs) -> None:
    """article_writer_finalized (and `write_manifest`, should a build not send it): each entry's
    URL. Pelican formats `article.url` anew at every access; once the articles are written,
    fast_reader's URL memo holds each post's URL, so asking here formats none a second time."""
    pending, settings = _STATE.pop("pending", ((), None))
    for post, article in pending:
        fill_url(post, article, settings)


def manifest(articles: list, settings: dict, now: datetime, finder=None, *,
             pending: list | None = None) -> dict:
    """The manifest of `articles` that are out at `now`: drafts, hidden and future-dated posts
    never reach a network. `pending`: a list that receives (entry, article) for every entry whose
    "url" and "path" are left for `fill_url` (None: every entry is complete)."""
    zone = settings.get("TIMEZONE")
    out = [a for a in articles if is_out(a, now, zone)]
    posts = [entry(a, settings, finder, url=pending is None) for a in out]
    if pending is not None:
        pending.extend(zip(posts, out, strict=True))
    return {
        "site_url": str(settings.get("SITEURL", "")),
        "generated": now.isoformat(timespec="seconds"),
        "build": identity(settings),  # publish refuses this manifest under other settings
        "posts": sorted(posts, key=lambda p: (p["date"], p["slug"])),
    }


def _leak_finder(settings: dict):
    """The brand guard's confidential matcher over raw text → the code names it finds."""
    from plugins.brand_guard.core import BrandConfigError, load_config
    from plugins.brand_guard.fold import shown
    from plugins.brand_guard.rules.confidential import find_leaks

    try:
        path = value_of(settings, "BRAND_CONFIG")
        if path is None:
            raise OSError('BRAND_CONFIG is ""')
        cfg = load_config(path)
    except (BrandConfigError, OSError) as exc:
        logger.error("syndication: cannot read the brand file (%s); every post is marked "
                     "confidential so nothing is shared", exc)
        return lambda raw: ["(brand file unreadable)"]

    def finder(raw: str) -> list[str]:
        # As written (invisible characters shown as \u escapes), disguises included (brand_guard.fold).
        return sorted({shown(raw[h.start:h.end]) for h in find_leaks(raw, cfg.leak_matcher)})

    return finder


def _links(settings: dict) -> dict:
    path = ledger_path(settings)
    parsed = ledger_mod.read(path)
    for problem in parsed.problems:
        logger.warning("%s: %s", problem.where(path), problem.message)
    return ledger_mod.syndication_links(parsed.records)


def write_manifest(pelican) -> None:
    fill_urls()
    data = _STATE.pop("manifest", None)
    if data is None:
        return
    path = manifest_path(pelican.settings)
    output = Path(pelican.settings.get("OUTPUT_PATH", "output")).resolve()
    target = path.resolve()
    if target == output or output in target.parents:
        logger.error(
            "Not writing the syndication manifest to %s: it is inside OUTPUT_PATH and lists internal "
            "posts — set SYNDICATION_MANIFEST to a path outside the deployed folder (e.g. build/).", path)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(dumps(data) + "\n", encoding="utf-8")
    os.replace(tmp, path)


class _Unusual(Exception):
    """A value `dumps` leaves to `json.dumps` (a float, a tuple, a non-str key, ...)."""


def dumps(data) -> str:
    """`json.dumps(data, ensure_ascii=False, indent=2)`, for the manifest's JSON types.

    With `indent`, `json` encodes in Python generators (the C encoder only runs without it): a
    third of a second per 10,000 posts. Here one recursive pass appends to a list, every string
    encoded by `json`'s own C `encode_basestring`, items joined by "," and a newline plus two spaces
    per level, "{}" and "[]" when empty — `json`'s format exactly. Any other type (floats, whose
    NaN/Infinity rules `json` owns, tuples, non-str keys, subclasses) makes it `json.dumps`'s job.
    """
    parts: list[str] = []
    add = parts.append
    encode = encode_basestring

    def value(item, indent: str) -> None:
        kind = type(item)
        if kind is str:
            add(encode(item))
        elif item is None:
            add("null")
        elif item is True:
            add("true")
        elif item is False:
            add("false")
        elif kind is int:
            add(int.__repr__(item))
        elif kind is dict:
            if not item:
                add("{}")
                return
            inner = indent + "  "
            opening = "{\n"
            for key, member in item.items():
                if type(key) is not str:
                    raise _Unusual
                add(opening + inner + encode(key) + ": ")
                opening = ",\n"
                value(member, inner)
            add("\n" + indent + "}")
        elif kind is list:
            if not item:
                add("[]")
                return
            inner = indent + "  "
            opening = "[\n"
            for member in item:
                add(opening + inner)
                opening = ",\n"
                value(member, inner)
            add("\n" + indent + "]")
        else:
            raise _Unusual

    try:
        value(data, "")
    except (_Unusual, RecursionError):
        return json.dumps(data, ensure_ascii=False, indent=2)
    return "".join(parts)


def register() -> None:
    signals.initialized.connect(forget_stale_manifest)
    signals.article_generator_finalized.connect(collect)
    signals.article_writer_finalized.connect(fill_urls)
    signals.finalized.connect(write_manifest)
