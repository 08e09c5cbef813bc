"""A post's listing card rendered once per build, not once per listing page that shows it.

With 6 posts a page, the home, category, tag and author listings show every post about six times,
and each card is several macro calls (byline, reading time, tags). The theme's `post_card` asks the
Jinja global `lectern_fragment(macro, post, *args)`: while pages are written (from `get_writer`, when
every post is final, to `finalized` — the window of `urls`), the first render of a card is kept and
given again for the same post, arguments and page base (SITEURL, Pelican's `localsiteurl`: relative
URLs give each folder depth its own). Outside the window, or without this plugin (the theme checks
`lectern_fragment is defined`), the macro simply runs. Forked render workers each keep their own.

The theme (`m.memo` in _macros.html) also memoizes what is the same on many pages: the footer, feed
links, a post's reading time. A post subject is keyed by identity (the entry holds it); a plain value
(str, int, None: a year, a feed path) by value, as the other arguments always are.

A memoized macro's output may depend only on its arguments, those two values and the settings (fixed
for a build); the identity tests (tests/test_fast_reader.py, tests/test_plugins_inprocess.py build
with and without fast_reader) catch one that does not.
`FAST_FRAGMENT_MEMO = False` turns it off. Public Jinja and Pelican API only: no tripwire.
"""

from __future__ import annotations

from jinja2 import pass_context
from jinja2.runtime import missing
from pelican import signals

from plugins.settings import value_of

GLOBAL = "lectern_fragment"
#: (macro name, id(post) or (value,), args, page base) → (subject, output) while a build writes; None
#: outside. The entry holds the post, so its id cannot be reused by another object while the memo lives.
_MEMO: list[dict | None] = [None]
#: Subjects keyed by value: immutable, and equal values render alike (exact types: a Markup is not one).
_VALUE_TYPES = frozenset({str, int, type(None)})


@pass_context
def fragment(context, macro, subject, *args):
    """`macro(subject, *args)`, remembered for this build's writing phase."""
    memo = _MEMO[0]
    if memo is None:
        return macro(subject, *args)
    subject_key = (subject,) if type(subject) in _VALUE_TYPES else id(subject)
    # `context.get(name)` without its two layers of calls (~25,000 fragments per 1,000 posts)
    resolve = context.resolve_or_missing
    siteurl, localsiteurl = resolve("SITEURL"), resolve("localsiteurl")
    key = (macro.name, subject_key, args, None if siteurl is missing else siteurl,
           None if localsiteurl is missing else localsiteurl)
    try:
        hit = memo.get(key)
    except TypeError:  # an argument that cannot be a key: render every time
        return macro(subject, *args)
    if hit is None:
        hit = memo[key] = (subject, macro(subject, *args))
    return hit[1]


def add_global(generator) -> None:
    """generator_init: offer `lectern_fragment` to the theme (unless FAST_FRAGMENT_MEMO is off)."""
    if value_of(generator.settings, "FAST_FRAGMENT_MEMO"):
        generator.env.globals[GLOBAL] = fragment


def is_on() -> bool:
    """Whether fragments are remembered now (the writing phase of a build with the memo on)."""
    return _MEMO[0] is not None


def start_writing(pelican) -> None:
    """get_writer: every post is final; an empty memo for this build (none with FAST_FRAGMENT_MEMO off)."""
    _MEMO[0] = {} if value_of(pelican.settings, "FAST_FRAGMENT_MEMO") else None


def stop(*_args, **_kwargs) -> None:
    """initialized / finalized: no memo (a resident dev process changes posts between builds)."""
    _MEMO[0] = None


def register() -> None:
    signals.initialized.connect(stop)
    signals.generator_init.connect(add_global)
    signals.get_writer.connect(start_writing)
    signals.finalized.connect(stop)
