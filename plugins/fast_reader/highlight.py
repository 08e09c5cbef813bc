"""Reuse Pygments lexers and formatters across code blocks (identical HTML, a fifth of codehilite's cost).

Python-Markdown's codehilite builds a new lexer and a new HtmlFormatter for every fenced block,
and HtmlFormatter's constructor compiles the whole style's stylesheet each time, although a
block never uses it (`full` is forced off). Pygments lexers and formatters keep no state between
`highlight()` calls (the formatter's only cache, the span openers per token type, depends on its
options alone), so one instance per (name, options) gives the same output. The cache is keyed on
every option's value, so `hl_lines`, `linenostart` or a CSS class per block get their own.

Applied to codehilite's module-level lookups, which are names of its module (not a promise of
its API): used only on the proven Python-Markdown and Pygments versions (plugins/tripwire.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plugins.tripwire import Tripwire

#: versions on which tests/test_fast_reader_markdown.py proved the highlighted HTML identical
PROVEN = {"markdown": "3.11.3", "pygments": "2.19.2"}

#: beyond this many distinct (name, options), the cache is emptied (a guard, never reached in practice)
LIMIT = 512


def cached(make: Callable[..., Any]) -> Callable[..., Any]:
    """`make(name, **options)` that returns one instance per distinct name and options."""
    made: dict[str, Any] = {}

    def lookup(_name: str, **options: Any) -> Any:
        try:
            key = repr((_name, sorted(options.items())))
        except TypeError:  # options that do not sort (mixed key types): never cached
            return make(_name, **options)
        instance = made.get(key)
        if instance is None:
            if len(made) >= LIMIT:
                made.clear()
            instance = made[key] = make(_name, **options)  # a ValueError (unknown name) is not cached
        return instance

    lookup.__wrapped__ = make  # type: ignore[attr-defined]
    lookup.__doc__ = f"{make.__name__}, one instance per name and options (fast_reader.highlight)."
    return lookup


def _originals() -> tuple[Any, Callable[..., Any], Callable[..., Any]]:
    from markdown.extensions import codehilite
    from pygments.formatters import get_formatter_by_name
    from pygments.lexers import get_lexer_by_name

    for name, original in (("get_lexer_by_name", get_lexer_by_name),
                           ("get_formatter_by_name", get_formatter_by_name)):
        current = getattr(codehilite, name)
        if current is not original and getattr(current, "__wrapped__", None) is not original:
            raise AttributeError(f"codehilite.{name} is not Pygments' own")
    return codehilite, get_lexer_by_name, get_formatter_by_name


WIRE = Tripwire("fast_reader's Pygments reuse", proven=PROVEN,
                uses="Python-Markdown codehilite's module-level get_lexer_by_name and "
                     "get_formatter_by_name", public="a new lexer and formatter per code block",
                tests="tests/test_fast_reader_markdown.py", setup=_originals)


def speed_up() -> bool:
    """Make codehilite reuse lexers and formatters in this process; False when the tripwire says
    the internals are not the proven ones (nothing changed). Idempotent."""
    found = WIRE.get()
    if found is None:
        return False
    codehilite, lexer, formatter = found
    if codehilite.get_lexer_by_name is lexer:
        codehilite.get_lexer_by_name = cached(lexer)
    if codehilite.get_formatter_by_name is formatter:
        codehilite.get_formatter_by_name = cached(formatter)
    return True


def undo() -> None:
    """Give codehilite Pygments' own functions back (tests compare both)."""
    found = WIRE.get()
    if found is not None:
        codehilite, lexer, formatter = found
        codehilite.get_lexer_by_name = lexer
        codehilite.get_formatter_by_name = formatter
