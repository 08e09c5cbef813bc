"""Skip block processors whose regex cannot match a block (identical HTML, less regex scanning).

Python-Markdown's block parser asks every block processor, in priority order, whether it takes
the next block; several answer with a regex search over the whole block (a block quote, an
ATX heading, a definition list, a horizontal rule on any line), and the footnote, abbreviation
and link-reference processors always say yes, search the block in `run`, put it back and return
False when nothing matched. For a paragraph of prose every one of those scans fails. Each regex
needs a particular character or pair inside its match (`>`, `#`, `:`, `[^`, `*[`, `]:`, `|`,
three of one of `-_*`), so when the block lacks it the answer is already known: "not mine".
A substring test answers that far faster than the regex scan.

Applied only to fast_reader's own worker instances, and only to processors whose class and regex
are the ones the guards were derived from (`EXPECTED`); any other processor runs as before. The
guards are instance attributes over the public `test` method, but which processors exist and
what their `run` does on no match is Python-Markdown's private behaviour, so it is applied only on
the versions in `PROVEN` (plugins/tripwire.py); tests/test_fast_reader_markdown.py proves it.
"""

from __future__ import annotations

from collections.abc import Callable

from markdown import Markdown, blockprocessors, util
from markdown.extensions import abbr, def_list, footnotes, md_in_html, tables

from plugins.tripwire import Tripwire

#: Python-Markdown versions on which tests/test_fast_reader_markdown.py proved the HTML identical
PROVEN = {"markdown": "3.11.3"}


def _has(*parts: str) -> Callable[[str], bool]:
    """A block may match only when it holds one of `parts`."""
    if len(parts) == 1:
        part = parts[0]
        return lambda block: part in block
    return lambda block: any(part in block for part in parts)


def _three_of_one(block: str) -> bool:
    """A horizontal rule is three or more of one of `-`, `_`, `*` (spaces between allowed)."""
    return block.count("-") >= 3 or block.count("_") >= 3 or block.count("*") >= 3


def _setext(block: str) -> bool:
    """A Setext heading is a first line, a newline, then `=` or `-` underlining."""
    return "\n" in block and ("=" in block or "-" in block)


def _reference(block: str) -> bool:
    """A link reference definition is `[id]: url`."""
    return "]:" in block


def _stashed(block: str) -> bool:
    """md_in_html takes (in `run`; its `test` says yes to every block) only a block starting with
    an HTML stash placeholder, STX first."""
    return block.startswith(util.STX)


#: registry name → (processor class, its regex pattern as derived from, guard on the block)
EXPECTED: dict[str, tuple[type, str | None, Callable[[str], bool]]] = {
    "table": (tables.TableProcessor, None, _has("|")),
    "hashheader": (blockprocessors.HashHeaderProcessor,
                   r"(?:^|\n)(?P<level>#{1,6})(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)",
                   _has("#")),
    "setextheader": (blockprocessors.SetextHeaderProcessor, r"^.*?\n(?:=+|-+)[ ]*(\n|$)", _setext),
    "hr": (blockprocessors.HRProcessor,
           r"^[ ]{0,3}(?=(?P<atomicgroup>(-+[ ]{0,2}){3,}|(_+[ ]{0,2}){3,}|(\*+[ ]{0,2}){3,}))"
           r"(?P=atomicgroup)[ ]*$", _three_of_one),
    "deflist": (def_list.DefListProcessor, r"(^|\n)[ ]{0,3}:[ ]{1,3}(.*?)(\n|$)", _has(":")),
    "quote": (blockprocessors.BlockQuoteProcessor, r"(^|\n)[ ]{0,3}>[ ]?(.*)", _has(">")),
    "footnote": (footnotes.FootnoteBlockProcessor, r"^[ ]{0,3}\[\^([^\]]*)\]:[ ]*(.*)$", _has("[^")),
    "abbr": (abbr.AbbrBlockprocessor, r"^[*]\[(?P<abbr>[^\\]*?)\][ ]?:[ ]*\n?[ ]*(?P<title>.*)$",
             _has("*[")),
    "reference": (blockprocessors.ReferenceProcessor,
                  r"^[ ]{0,3}\[([^\[\]]*)\]:[ ]*(?:\n[ ]*)?([^\s]+)[ ]*(?:\n[ ]*)?"
                  r'((["\'])(.*)\4[ ]*|\((.*)\)[ ]*)?$', _reference),
    "markdown_block": (md_in_html.MarkdownInHtmlProcessor, None, _stashed),
}


def _regex_of(processor) -> str | None:
    compiled = getattr(processor, "SEARCH_RE", None) or getattr(processor, "RE", None)
    return getattr(compiled, "pattern", compiled)


def _known(name: str, processor) -> Callable[[str], bool] | None:
    """The guard for `processor` registered as `name`, when it is exactly the one it was derived from."""
    expected = EXPECTED.get(name)
    if expected is None:
        return None
    cls, regex, guard = expected
    if type(processor) is not cls or (regex is not None and _regex_of(processor) != regex):
        return None
    if "test" in vars(processor):  # already guarded (or replaced by someone else): leave it
        return None
    return guard


def guarded(test: Callable, guard: Callable[[str], bool]) -> Callable:
    """`test`, answered "no" without running it when `guard(block)` is false."""
    def test_if_possible(parent, block):
        return guard(block) and test(parent, block)
    test_if_possible.__wrapped__ = test  # type: ignore[attr-defined]
    return test_if_possible


def _internals() -> bool:
    Markdown().parser.blockprocessors._priority  # noqa: B018 — (name, priority) items
    if util.HTML_PLACEHOLDER_RE.pattern != util.STX + "wzxhzdk:([0-9]+)" + util.ETX:
        raise AttributeError("the HTML stash placeholder no longer starts with STX")
    return True


WIRE = Tripwire("fast_reader's block prefilter", proven=PROVEN,
                uses="Python-Markdown's block processors' regexes and their `run` on no match",
                public="Python-Markdown's unfiltered block parser",
                tests="tests/test_fast_reader_markdown.py", setup=_internals)


def speed_up(md: Markdown) -> int:
    """Guard the known block processors of `md`; returns how many (0: the tripwire is tripped)."""
    if WIRE.get() is None:
        return 0
    registry = md.parser.blockprocessors
    count = 0
    for item in list(registry._priority):
        processor = registry[item.name]
        guard = _known(item.name, processor)
        if guard is not None:
            processor.test = guarded(processor.test, guard)
            count += 1
    return count
