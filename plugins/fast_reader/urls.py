"""Each post's `url` and `save_as`, computed once per build while pages are written.

Pelican's `Content.url` and `.save_as` are properties: every access copies the metadata, finds the
relative source path, formats the date and the `*_URL` pattern again. The theme asks for a post's
URL on its own page and on every listing, tag, category and author page that shows it — tens of
thousands of times at 1,000 posts, about 4% of a build's CPU. While pages are written nothing a URL
depends on changes (metadata, status, settings are final once every generator has finished), so
from `get_writer` (after `all_generators_finalized` and its receivers) until `finalized`,
`Content.get_url_setting` answers from a per-build memo; outside that window — reading, plugins'
changes to metadata, a resident dev process editing objects between two builds — it computes as
Pelican does. Each build starts an empty memo, held by this module (never on the objects, which
Pelican may pickle into its content cache), and drops it at `finalized`.

It replaces Pelican's `Content.get_url_setting` (the one place both properties go through), so it
is used only on the Pelican versions in `PROVEN`; on any other the tripwire logs once and every
URL is computed by Pelican. `FAST_URL_MEMO = False` turns it off.
"""

from __future__ import annotations

import inspect

from pelican import signals
from pelican.contents import Content

from plugins.settings import value_of
from plugins.tripwire import Tripwire

#: Pelican versions on which tests/test_fast_reader.py proved sites byte-identical with the memo
PROVEN = {"pelican": "4.12.0"}

#: id(content) → (content, {key: value}) while a build writes; None outside that window. The entry
#: holds the object, so its id cannot be reused by another object before the memo is dropped.
_MEMO: list[dict[int, tuple[Content, dict[str, str]]] | None] = [None]


def _memo_get_url_setting(self: Content, key: str) -> str:
    memo = _MEMO[0]
    if memo is None:
        return _PELICAN_GET_URL_SETTING(self, key)
    entry = memo.get(id(self))
    if entry is None:
        entry = memo[id(self)] = (self, {})
    values = entry[1]
    try:
        return values[key]
    except KeyError:
        value = values[key] = _PELICAN_GET_URL_SETTING(self, key)
        return value


_PELICAN_GET_URL_SETTING = Content.get_url_setting


def _pelican_internals() -> bool:
    """`url` and `save_as` must still be computed by `get_url_setting(key)` alone, and nothing
    else may have replaced it (another plugin's patch would be bypassed)."""
    for name in ("url", "save_as"):
        source = inspect.getsource(getattr(Content, name).fget)
        if f'get_url_setting("{name}")' not in source:
            raise AttributeError(f"Content.{name} no longer goes through get_url_setting")
    inspect.signature(_PELICAN_GET_URL_SETTING).bind(None, "url")
    if Content.get_url_setting not in (_PELICAN_GET_URL_SETTING, _memo_get_url_setting):
        raise AttributeError("Content.get_url_setting was replaced by someone else")
    return True


WIRE = Tripwire("fast_reader's URL memo", proven=PROVEN,
                uses="Pelican's Content.get_url_setting, replaced for the writing phase",
                public="Pelican's URL properties, computed at every access",
                tests="tests/test_fast_reader.py", setup=_pelican_internals)


def start_writing(pelican) -> None:
    """get_writer (every generator and `all_generators_finalized` receiver is done): memo on."""
    _MEMO[0] = None
    if not value_of(pelican.settings, "FAST_URL_MEMO") or WIRE.get() is None:
        return
    Content.get_url_setting = _memo_get_url_setting
    _MEMO[0] = {}


def stop(*_args, **_kwargs) -> None:
    """initialized / finalized: compute as Pelican does, and forget this build's values."""
    _MEMO[0] = None


def register() -> None:
    signals.initialized.connect(stop)
    signals.get_writer.connect(start_writing)
    signals.finalized.connect(stop)
