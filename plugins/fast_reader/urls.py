"""Each post's (and tag's, category's, author's) URLs, computed once per build while pages are written.

Pelican's `Content.url` and `.save_as` are properties: every access copies the metadata, finds the
relative source path, formats the date and the `*_URL` pattern again. The theme asks for a post's
URL on its own page and on every listing, tag, category and author page that shows it — tens of
thousands of times at 1,000 posts, about 4% of a build's CPU. While pages are written nothing a URL
depends on changes (metadata, status, settings are final once every generator has finished), so
from `get_writer` (after `all_generators_finalized` and its receivers) until `finalized`,
`Content.get_url_setting` answers from a per-build memo; outside that window — reading, plugins'
changes to metadata, a resident dev process editing objects between two builds — it computes as
Pelican does. Each build starts an empty memo, held by this module (never on the objects, which
Pelican may pickle into its content cache), and drops it at `finalized`. Tags, categories and
authors (`URLWrapper`) format their `url`, `save_as` and `page_name` from the settings at every
access too — once per card on every listing page, in the byline and tag list: the same memo
answers them in the same window.

It replaces Pelican's `Content.get_url_setting` (the one place both properties go through) and
`URLWrapper`'s three URL properties, so it is used only on the Pelican versions in `PROVEN`; on any
other the tripwire logs once and every URL is computed by Pelican. `FAST_URL_MEMO = False` turns it
off.

`Content.get_relative_source_path` (a source file's path relative to PATH: two `abspath`, a
`relpath`, ~5 µs) is asked ~7 times per post and build — at reading, by the validity checks,
post_contract's name check, the syndication manifest and every URL computed. It depends on nothing
but the two paths (and the working directory when one is relative), so from `initialized` to
`finalized` it is remembered for the whole build, keyed by those; the memo is used only while
Pelican's method is the one it repeats (`_RELATIVE_SOURCE_SHA256`).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os

from pelican import signals
from pelican.contents import Content
from pelican.urlwrappers import URLWrapper

from plugins.settings import value_of
from plugins.tripwire import Tripwire

#: Pelican versions on which tests/test_fast_reader.py proved sites byte-identical with the memo
PROVEN = {"pelican": "4.12.0"}

#: id(content) → (content, {key: value}) while a build writes; None outside that window. The entry
#: holds the object, so its id cannot be reused by another object before the memo is dropped.
_MEMO: list[dict[int, tuple[object, dict[str, str]]] | None] = [None]


def _remembered(obj: object, key: str, compute, *args) -> str:
    """`compute(obj, *args)`, from this build's memo while pages are written."""
    memo = _MEMO[0]
    if memo is None:
        return compute(obj, *args)
    entry = memo.get(id(obj))
    if entry is None:
        entry = memo[id(obj)] = (obj, {})
    values = entry[1]
    try:
        return values[key]
    except KeyError:
        value = values[key] = compute(obj, *args)
        return value


def _memo_get_url_setting(self: Content, key: str) -> str:
    return _remembered(self, key, _PELICAN_GET_URL_SETTING, key)


_PELICAN_GET_URL_SETTING = Content.get_url_setting
#: URLWrapper's URL properties as Pelican defines them: `functools.partial(_from_settings, ...)`
_WRAPPER_PROPERTIES = ("url", "save_as", "page_name")
_PELICAN_WRAPPER_GETTERS = {name: getattr(URLWrapper, name).fget for name in _WRAPPER_PROPERTIES}


def _wrapper_property(name: str) -> property:
    getter = _PELICAN_WRAPPER_GETTERS[name]
    key = f"wrapper:{name}"  # never a Content key: each object has its own entry anyway

    def fget(self):
        return _remembered(self, key, getter)

    fget.__name__ = name
    return property(fget)


_MEMO_WRAPPER_PROPERTIES = {name: _wrapper_property(name) for name in _WRAPPER_PROPERTIES}


_PELICAN_RELATIVE_SOURCE_PATH = Content.get_relative_source_path
#: sha256 of Pelican 4.12.0's `Content.get_relative_source_path` source, which `_relative_source_path`
#: remembers (it must stay a function of PATH, the source path and the working directory only)
_RELATIVE_SOURCE_SHA256 = "6c1f5107e08bf7eaf5bc3b05b246a3187e7be458752bd2826eff0fcb6e9d32bc"
#: (PATH, source path, working directory or None) → relative path, from `initialized` to `finalized`
_RELATIVE: list[dict[tuple, str | None] | None] = [None]


def _relative_source_path(self: Content, source_path: str | None = None) -> str | None:
    """Pelican's `get_relative_source_path`, remembered for the build (see the module docstring)."""
    memo = _RELATIVE[0]
    path = source_path or self.source_path
    if memo is None or type(path) is not str:  # None (no file) or a path-like: as Pelican does
        return _PELICAN_RELATIVE_SOURCE_PATH(self, source_path)
    root = self.settings["PATH"]
    # abspath() reads the working directory only for a relative path
    key = (root, path, None if os.path.isabs(root) and os.path.isabs(path) else os.getcwd())
    try:
        return memo[key]
    except KeyError:
        value = memo[key] = _PELICAN_RELATIVE_SOURCE_PATH(self, source_path)
        return value
    except TypeError:  # a PATH that cannot be a key
        return _PELICAN_RELATIVE_SOURCE_PATH(self, source_path)


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
    # URLWrapper's properties must be Pelican's partials of `_from_settings` (the wrapper's name,
    # slug and settings are all they read) and nobody else's replacement.
    for name, getter in _PELICAN_WRAPPER_GETTERS.items():
        if not (isinstance(getter, functools.partial) and getter.func is URLWrapper._from_settings):
            raise AttributeError(f"URLWrapper.{name} is no longer a partial of _from_settings")
        current = getattr(URLWrapper, name)
        if current is not _MEMO_WRAPPER_PROPERTIES[name] and current.fget is not getter:
            raise AttributeError(f"URLWrapper.{name} was replaced by someone else")
    for cls in URLWrapper.__subclasses__():
        if any(name in vars(cls) for name in _WRAPPER_PROPERTIES):
            raise AttributeError(f"{cls.__name__} defines its own URL properties")
    source = inspect.getsource(_PELICAN_RELATIVE_SOURCE_PATH)
    if hashlib.sha256(source.encode()).hexdigest() != _RELATIVE_SOURCE_SHA256:
        raise AttributeError("Content.get_relative_source_path is not the one the memo repeats")
    if Content.get_relative_source_path not in (_PELICAN_RELATIVE_SOURCE_PATH, _relative_source_path):
        raise AttributeError("Content.get_relative_source_path was replaced by someone else")
    for cls in Content.__subclasses__():
        if "get_relative_source_path" in vars(cls):
            raise AttributeError(f"{cls.__name__} defines its own get_relative_source_path")
    return True


WIRE = Tripwire("fast_reader's URL memo", proven=PROVEN,
                uses="Pelican's Content.get_url_setting and URLWrapper's URL properties, replaced "
                     "for the writing phase",
                public="Pelican's URL properties, computed at every access",
                tests="tests/test_fast_reader.py", setup=_pelican_internals)


def start_writing(pelican) -> None:
    """get_writer (every generator and `all_generators_finalized` receiver is done): memo on."""
    _MEMO[0] = None
    if not value_of(pelican.settings, "FAST_URL_MEMO") or WIRE.get() is None:
        return
    Content.get_url_setting = _memo_get_url_setting
    for name, prop in _MEMO_WRAPPER_PROPERTIES.items():
        setattr(URLWrapper, name, prop)
    _MEMO[0] = {}


def stop(*_args, **_kwargs) -> None:
    """finalized: compute as Pelican does, and forget this build's values."""
    _MEMO[0] = None
    _RELATIVE[0] = None


def start_build(pelican) -> None:
    """initialized: no URL memo yet (see `start_writing`); relative source paths remembered from now."""
    stop()
    if not value_of(pelican.settings, "FAST_URL_MEMO") or WIRE.get() is None:
        return
    Content.get_relative_source_path = _relative_source_path
    _RELATIVE[0] = {}


def register() -> None:
    signals.initialized.connect(start_build)
    signals.get_writer.connect(start_writing)
    signals.finalized.connect(stop)
