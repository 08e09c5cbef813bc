"""Skip toc's search for its `[TOC]` marker when no text holds it, and the table it would put
there (identical HTML).

Python-Markdown's toc extension walks the whole tree after every conversion to replace a
paragraph reading exactly `[TOC]` with the table of contents, joining every element's text on
the way. A paragraph can only read `[TOC]` when some element's text contains it, which one pass
over the texts tells far more cheaply; without it the walk changes nothing and is skipped.

Without a marker in the page, the table (a `<div>` of nested lists, prettified, serialized and
run through every postprocessor) only ends up in `md.toc`, which fast_reader never reads (Pelican
does not either: only the HTML and `Meta` are used), so an empty `<div>` stands in for it,
serialized as "" without a call to the serializer (`md.toc` is then ""). The headings' ids and
`md.toc_tokens` are made as before.

Applied to fast_reader's own instances, on toc's own treeprocessor class only (instance
attributes over its `run`, `build_toc_div` and `replace_marker`); on the proven Python-Markdown
versions only (plugins/tripwire.py), since what they do is toc's internal behaviour.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

from markdown import Markdown, serializers
from markdown.extensions import toc

from plugins.tripwire import Tripwire

#: Python-Markdown versions on which tests/test_fast_reader_markdown.py proved the HTML identical
PROVEN = {"markdown": "3.11.3"}


def _marker_in(root, marker: str) -> bool:
    for element in root.iter():
        text = element.text
        if text and marker in text:
            return True
    return False


def guarded(processor: toc.TocTreeprocessor) -> Callable:
    """`processor.replace_marker`, skipped when no element's text contains the marker."""
    replace = processor.replace_marker

    def replace_marker_if_present(root, elem):
        if _marker_in(root, processor.marker):
            return replace(root, elem)
        return None

    replace_marker_if_present.__wrapped__ = replace  # type: ignore[attr-defined]
    return replace_marker_if_present


def table_if_used(processor: toc.TocTreeprocessor) -> tuple[Callable, Callable]:
    """(`run`, `build_toc_div`) of `processor`, the table built only when the document being run
    holds the marker. `build_toc_div` is called once the headings are done and just before
    `replace_marker`, so the texts it checks are the ones `replace_marker` looks at."""
    run, build = processor.run, processor.build_toc_div
    running: list = []  # the document `run` is working on
    unused = processor.unused_table = etree.Element("div")  # what `serialize_unless_unused` skips

    def run_remembering(doc):
        running.append(doc)
        try:
            return run(doc)
        finally:
            running.pop()

    def build_toc_div_if_used(toc_list):
        if running and not (processor.marker and _marker_in(running[-1], processor.marker)):
            return unused  # for `md.toc` only, never read
        return build(toc_list)

    run_remembering.__wrapped__ = run  # type: ignore[attr-defined]
    build_toc_div_if_used.__wrapped__ = build  # type: ignore[attr-defined]
    return run_remembering, build_toc_div_if_used


#: heading tags whose plain serialization `serialize_unless_unused` writes itself
HEADINGS = frozenset(f"h{level}" for level in range(1, 7))
#: characters Python-Markdown's serializer escapes in text and tails (`&`, `<`, `>`)
ESCAPED = re.compile("[&<>]")


def serialize_unless_unused(serializer: Callable, unused) -> Callable:
    """`md.serializer`, giving "" at once for the stand-in table (it would serialize an empty div,
    for `md.toc` only), and writing a plain heading itself.

    toc serializes every heading on its own to compute its id (`render_inner_html`); most are a
    childless `<hN>` without attributes whose text and tail need no escaping, which
    Python-Markdown's HTML serializer writes as `<hN>text</hN>tail` (the ElementTree, its
    deque walk and escape tests are the cost). Anything else goes to the serializer. Only for
    `to_html_string` (html5 output).
    """
    plain_html = serializer is serializers.to_html_string
    escaped = ESCAPED.search

    def serialize(element):
        if element is unused:
            return ""
        if plain_html and element.tag in HEADINGS and not len(element) and not element.attrib:
            text, tail = element.text or "", element.tail or ""
            if type(text) is str and type(tail) is str and not escaped(text) and not escaped(tail):
                tag = element.tag
                return f"<{tag}>{text}</{tag}>{tail}"
        return serializer(element)

    serialize.__wrapped__ = serializer  # type: ignore[attr-defined]
    return serialize


def _internals() -> bool:
    processor = Markdown(extensions=["toc"]).treeprocessors["toc"]
    processor.replace_marker  # noqa: B018
    processor.build_toc_div  # noqa: B018
    processor.marker  # noqa: B018
    return True


WIRE = Tripwire("fast_reader's toc marker check", proven=PROVEN,
                uses="Python-Markdown toc's TocTreeprocessor.run, build_toc_div and replace_marker",
                public="toc's full walk for the marker and its table for md.toc",
                tests="tests/test_fast_reader_markdown.py", setup=_internals)


def speed_up(md: Markdown) -> bool:
    """Guard `md`'s toc marker search; False when there is no toc (or the tripwire is tripped)."""
    if WIRE.get() is None or "toc" not in md.treeprocessors:
        return False
    processor = md.treeprocessors["toc"]
    if type(processor) is not toc.TocTreeprocessor or "replace_marker" in vars(processor):
        return False
    processor.replace_marker = guarded(processor)
    processor.run, processor.build_toc_div = table_if_used(processor)
    md.serializer = serialize_unless_unused(md.serializer, processor.unused_table)
    return True
