"""Skip block processors whose regex cannot match a block (identical HTML, less regex scanning).

Python-Markdown's block parser asks every block processor, in priority order, whether it takes
the next block; several answer with a regex search over the whole block (a block quote, an
ATX heading, a definition list, a horizontal rule on any line), and the footnote, abbreviation
and link-reference processors always say yes, search the block in `run`, put it back and return
False when nothing matched. For a paragraph of prose every one of those scans fails. Each regex
needs a particular character or pair inside its match (`>`, `#`, `:`, `[^`, `*[`, `]:`, `|`,
three of one of `-_*`), so when the block lacks it the answer is already known: "not mine".
A substring test answers that far faster than the regex scan. And since asking 17 processors
about every block is itself a cost, the parser's loop is planned too (`planned`): the processors
that may take a block holding a given set of those characters are worked out once, and only
they are asked, in the same order.

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


#: registry name → the characters a block must hold for that processor to take it: all of one
#: alternative (a weaker form of the guards above, by characters only, plus the two list
#: processors), for the planned parser: `planned`
NEEDS: dict[str, tuple[str, ...]] = {
    "table": ("|",), "hashheader": ("#",), "setextheader": ("\n=", "\n-"), "hr": ("-", "_", "*"),
    "deflist": (":",), "quote": (">",), "footnote": ("[^",), "abbr": ("*[",), "reference": ("]:",),
    "markdown_block": (util.STX,), "olist": (".",), "ulist": ("*", "+", "-"),
}
#: the list processors' classes and regexes (a number and a dot, or a bullet, at the start)
LISTS: dict[str, tuple[type, str]] = {
    "olist": (blockprocessors.OListProcessor, r"^[ ]{0,3}\d+\.[ ]+(.*)"),
    "ulist": (blockprocessors.UListProcessor, r"^[ ]{0,3}[*+-][ ]+(.*)"),
}


def _regex_of(processor) -> str | None:
    compiled = getattr(processor, "SEARCH_RE", None) or getattr(processor, "RE", None)
    return getattr(compiled, "pattern", compiled)


def _expected(name: str, processor) -> bool:
    """`processor` registered as `name` is exactly the one its guard and needs were derived from."""
    cls, regex = LISTS[name] if name in LISTS else EXPECTED[name][:2] if name in EXPECTED else (None, None)
    return cls is not None and type(processor) is cls and (regex is None or _regex_of(processor) == regex)


def _known(name: str, processor) -> Callable[[str], bool] | None:
    """The guard for `processor` registered as `name`, when it is exactly the one it was derived from."""
    if name not in EXPECTED or not _expected(name, processor):
        return None
    if "test" in vars(processor):  # already guarded (or replaced by someone else): leave it
        return None
    return EXPECTED[name][2]


def guarded(test: Callable, guard: Callable[[str], bool]) -> Callable:
    """`test`, answered "no" without running it when `guard(block)` is false."""
    def test_if_possible(parent, block):
        return guard(block) and test(parent, block)
    test_if_possible.__wrapped__ = test  # type: ignore[attr-defined]
    return test_if_possible


def planned(parser, needs: dict[object, tuple[str, ...]]) -> Callable:
    """`parser.parseBlocks` asking, for each block, only the processors that may take it.

    Python-Markdown's loop asks every processor in priority order (17 with pelicanconf's
    extensions) whether it takes the next block; most can only take a block holding some
    character (`NEEDS`). Here the block's characters among those are looked up once and the
    processors worth asking for that set are planned once and cached (unknown processors are
    always asked, `needs` holds only the known ones); they are asked in the same order, with the
    same block. A processor that says no leaves the block list as it was (`run` returning False
    puts the very block back); should one ever change it, the remaining processors are asked
    unplanned, as the original loop does.

    The nested parses of one document (list items, quotes, footnotes: about four per post) reuse
    the processors the outermost parse took from the registry rather than sorting and copying it
    again, when all of them are Python-Markdown's own, which never register or deregister block
    processors while parsing; with any other processor the registry is read on every call.
    """
    registry = parser.blockprocessors
    chars = tuple(sorted({char for alternatives in needs.values() for part in alternatives for char in part}))
    plans: dict[tuple, dict[tuple[str, ...], tuple[tuple[int, object], ...]]] = {}
    steady: dict[tuple, bool] = {}  # processors → all Python-Markdown's own (never change the registry)

    def plan_for(processors: tuple, present: tuple[str, ...]) -> tuple[tuple[int, object], ...]:
        have = set(present)
        return tuple((index, processor) for index, processor in enumerate(processors)
                     if processor not in needs or any(have.issuperset(part) for part in needs[processor]))

    def parse(parent, blocks: list[str], processors: tuple, by_chars: dict) -> None:
        while blocks:
            block = blocks[0]
            present = tuple(filter(block.__contains__, chars))
            plan = by_chars.get(present)
            if plan is None:
                plan = by_chars[present] = plan_for(processors, present)
            for index, processor in plan:
                if processor.test(parent, block):
                    if processor.run(parent, blocks) is not False:
                        break  # run returns True or None
                    if blocks[0] is not block:  # never seen: the original loop from here
                        for processor in processors[index + 1:]:  # noqa: B007, B020
                            if processor.test(parent, blocks[0]):
                                if processor.run(parent, blocks) is not False:
                                    break
                        break

    outer: list[tuple[tuple, dict]] = []  # the processors of the outermost parse, while it runs

    def parse_blocks(parent, blocks: list[str]) -> None:
        if outer:  # a nested block (list item, quote, footnote...): the same processors
            processors, by_chars = outer[-1]
            return parse(parent, blocks, processors, by_chars)
        processors = tuple(registry)
        by_chars = plans.get(processors)
        if by_chars is None:
            by_chars = plans[processors] = {}
            steady[processors] = all(type(processor).__module__.startswith("markdown.")
                                     for processor in processors)
        if not steady[processors]:
            return parse(parent, blocks, processors, by_chars)
        outer.append((processors, by_chars))
        try:
            return parse(parent, blocks, processors, by_chars)
        finally:
            outer.pop()

    parse_blocks.__wrapped__ = parser.parseBlocks  # type: ignore[attr-defined]
    return parse_blocks


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
    """Guard the known block processors of `md` and plan its parser's loop over them; returns how
    many were guarded (0: the tripwire is tripped, or they were already)."""
    if WIRE.get() is None:
        return 0
    registry = md.parser.blockprocessors
    count = 0
    needs = {}
    for item in list(registry._priority):
        processor = registry[item.name]
        guard = _known(item.name, processor)
        if guard is not None:
            processor.test = guarded(processor.test, guard)
            count += 1
        if item.name in NEEDS and _expected(item.name, processor):
            needs[processor] = NEEDS[item.name]
    if "parseBlocks" not in vars(md.parser):
        md.parser.parseBlocks = planned(md.parser, needs)
    return count
