"""Skip Python-Markdown passes that cannot change a document (identical HTML).

Several of Python-Markdown's passes run over every document although, for most of them, they
only act on something that is not there:

- `normalize_whitespace` empties lines made of spaces only with a regex whose lookbehind is
  tested at every character of the document; such a line needs a space just before a newline,
  so without `" \\n"` in the text the regex would change nothing (`normalize_whitespace`, below,
  does the same steps and skips only that one).
- `html_block` (md_in_html's) feeds the whole document to an HTML parser to take raw HTML out;
  a text with neither `<` nor `&` is all data to it, handed back as it was.
- `attr_list` searches the text or tail of every element for a `{: ...}` list; all its regexes
  need a `{`.
- `unescape` turns `STX digits ETX` (backslash escapes) back into characters in every text and
  tail; without an STX there is none.

And one lookup asked for nearly every element: `is_block_level`, which the prettify pass (and
the raw HTML postprocessor) call about 70 times per post, searches `md.block_level_elements`, a
list of ~60 tags, after lowering and stripping the tag. `block_level` answers from a dict of the
tags already seen, built from the same list, and asks the original whenever that list is no longer
the one (or the length) it was built from.

Each check is one pass over the text (or the elements' texts) far cheaper than the pass itself.
Applied to fast_reader's own instances, on exactly those processor classes (instance attributes
over their `run`); what they do on such documents is Python-Markdown's internal behaviour, so only
on the proven versions (plugins/tripwire.py); tests/test_fast_reader_markdown.py proves them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown import Markdown, preprocessors, treeprocessors, util
from markdown.extensions import attr_list, md_in_html

from plugins.tripwire import Tripwire

#: Python-Markdown versions on which tests/test_fast_reader_markdown.py proved the HTML identical
PROVEN = {"markdown": "3.11.3"}

#: `NormalizeWhitespace`'s regex for lines of spaces only
BLANK_SPACES = re.compile(r"(?<=\n) +\n")


def normalize_whitespace(md: Markdown) -> Callable[[list[str]], list[str]]:
    """`NormalizeWhitespace.run` with its regex applied only when a space precedes a newline."""
    tab_length = md.tab_length

    def run(lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        source = source.replace(util.STX, "").replace(util.ETX, "")
        source = source.replace("\r\n", "\n").replace("\r", "\n") + "\n\n"
        source = source.expandtabs(tab_length)
        if " \n" in source:
            source = BLANK_SPACES.sub("\n", source)
        return source.split("\n")

    return run


def html_blocks_if_any(run: Callable[[list[str]], list[str]]) -> Callable[[list[str]], list[str]]:
    """The HTML block preprocessor's `run`, skipped for a text without `<` or `&`."""
    def run_if_html(lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        if "<" not in source and "&" not in source:
            return source.split("\n")
        return run(lines)

    run_if_html.__wrapped__ = run  # type: ignore[attr-defined]
    return run_if_html


def if_in_texts(run: Callable, char: str) -> Callable:
    """A treeprocessor's `run`, skipped when no element's text or tail contains `char`."""
    def run_if_present(root):
        for element in root.iter():
            text = element.text
            if text and char in text:
                return run(root)
            text = element.tail
            if text and char in text:
                return run(root)
        return None

    run_if_present.__wrapped__ = run  # type: ignore[attr-defined]
    return run_if_present


def block_level(md: Markdown) -> Callable[[object], bool]:
    """`md.is_block_level`, answered from a memo of the tags already seen (same answers).

    The answer for a tag depends only on the tag and `md.block_level_elements`; extensions add
    to that list when they are loaded, before this is applied, and nothing changes it during a
    conversion. Should the list still be replaced or grow or shrink, every call goes to the
    original from then on.
    """
    original = md.is_block_level
    elements = md.block_level_elements
    size = len(elements)
    memo: dict = {}

    def is_block_level(tag) -> bool:
        answer = memo.get(tag) if type(tag) is str else None  # QName('div') == 'div': str only
        if answer is None or md.block_level_elements is not elements or len(elements) != size:
            answer = original(tag)
            if type(tag) is str and md.block_level_elements is elements and len(elements) == size:
                memo[tag] = answer
        return answer

    is_block_level.__wrapped__ = original  # type: ignore[attr-defined]
    return is_block_level


def _internals() -> bool:
    treeprocessors.UnescapeTreeprocessor.run  # noqa: B018
    preprocessors.NormalizeWhitespace.run  # noqa: B018
    md_in_html.HtmlBlockPreprocessor.run  # noqa: B018
    attr_list.AttrListTreeprocessor.run  # noqa: B018
    if treeprocessors.UnescapeTreeprocessor.RE.pattern != f"{util.STX}(\\d+){util.ETX}":
        raise AttributeError("UnescapeTreeprocessor no longer looks for STX digits ETX")
    if not isinstance(Markdown().block_level_elements, list):
        raise AttributeError("Markdown.block_level_elements is no longer a list")
    return True


WIRE = Tripwire("fast_reader's pass skips", proven=PROVEN,
                uses="what Python-Markdown's normalize_whitespace, html_block, attr_list and unescape "
                     "passes do on documents without what they look for",
                public="every pass on every document", tests="tests/test_fast_reader_markdown.py",
                setup=_internals)


def speed_up(md: Markdown) -> list[str]:
    """Skip `md`'s passes where they cannot change the document; returns the names of those
    guarded (none when the tripwire is tripped). Idempotent."""
    if WIRE.get() is None:
        return []
    done = []
    pre, tree = md.preprocessors, md.treeprocessors
    if "normalize_whitespace" in pre:
        processor = pre["normalize_whitespace"]
        if type(processor) is preprocessors.NormalizeWhitespace and "run" not in vars(processor):
            processor.run = normalize_whitespace(md)
            done.append("normalize_whitespace")
    if "html_block" in pre:
        processor = pre["html_block"]
        if (type(processor) in (preprocessors.HtmlBlockPreprocessor, md_in_html.HtmlBlockPreprocessor)
                and "run" not in vars(processor)):
            processor.run = html_blocks_if_any(processor.run)
            done.append("html_block")
    for name, cls, char in (("attr_list", attr_list.AttrListTreeprocessor, "{"),
                            ("unescape", treeprocessors.UnescapeTreeprocessor, util.STX)):
        if name in tree:
            processor = tree[name]
            if type(processor) is cls and "run" not in vars(processor):
                processor.run = if_in_texts(processor.run, char)
                done.append(name)
    if "is_block_level" not in vars(md):
        md.is_block_level = block_level(md)
        done.append("is_block_level")
    return done
