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
`md.toc_tokens` are made as before, a plain heading's name without serializing it
(`plain_heading_ids`: toc's `run` step for step otherwise).

Applied to fast_reader's own instances, on toc's own treeprocessor class only (instance
attributes over its `run`, `build_toc_div` and `replace_marker`); on the proven Python-Markdown
versions only (plugins/tripwire.py), since what they do is toc's internal behaviour.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

from markdown import Markdown, postprocessors, serializers, util
from markdown.extensions import footnotes, md_in_html, toc

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


#: what a heading's text (or tail) must not hold for `plain_heading_ids`: what the serializer
#: escapes, and STX, with which every placeholder the postprocessors replace starts
NOT_PLAIN = re.compile(f"[&<>{util.STX}]")
#: postprocessor classes that change no text without an STX (each replaces only placeholders)
STX_ONLY = (postprocessors.RawHtmlPostprocessor, md_in_html.MarkdownInHTMLPostprocessor,
            postprocessors.AndSubstitutePostprocessor, footnotes.FootnotePostprocessor)
#: serializers that write a plain heading as `<hN>text</hN>tail`
PLAIN_SERIALIZERS = (serializers.to_html_string, serializers.to_xhtml_string)


def plain_heading_ids(processor: toc.TocTreeprocessor) -> Callable:
    """toc's `run` (Python-Markdown 3.11.3's, step for step), with a plain heading's name found
    without serializing it.

    For each heading toc serializes it (`render_inner_html`), unescapes, cuts the tags off, runs
    every postprocessor, strips tags again and unescapes entities, only to get the text back
    when the heading is a childless `<hN>` without attributes whose text and tail hold none of
    `&<>` and no STX and the postprocessors are those that only replace STX placeholders: its
    name is then its text with runs of whitespace made one space (`strip_tags`), and the HTML its
    stripped text. Any other heading (or serializer) takes toc's own path.
    """
    render, strip, slug_unescape, unique = toc.render_inner_html, toc.strip_tags, html.unescape, toc.unique
    not_plain = NOT_PLAIN.search

    def run(doc) -> None:
        used_ids = set()
        for el in doc.iter():
            if "id" in el.attrib:
                used_ids.add(el.attrib["id"])
        id_counters: dict[str, int] = {}
        md = processor.md
        plain_posts = (all(type(pp) in STX_ONLY for pp in md.postprocessors)
                       and getattr(md.serializer, "__wrapped__", md.serializer) in PLAIN_SERIALIZERS)

        toc_tokens = []
        for el in doc.iter():
            if isinstance(el.tag, str) and processor.header_rgx.match(el.tag):
                processor.set_level(el)
                text, tail = el.text or "", el.tail or ""
                if (plain_posts and not len(el) and not el.attrib and type(text) is str
                        and type(tail) is str and not not_plain(text) and not not_plain(tail)):
                    innerhtml = text.strip()
                    name = " ".join(innerhtml.split())
                else:
                    innerhtml = render(toc.remove_fnrefs(el), md)
                    name = strip(innerhtml)

                if "id" not in el.attrib:
                    el.attrib["id"] = unique(processor.slugify(slug_unescape(name), processor.sep),
                                             used_ids, id_counters)

                data_toc_label = ''
                if 'data-toc-label' in el.attrib:
                    data_toc_label = toc.run_postprocessors(toc.unescape(el.attrib['data-toc-label']), md)
                    name = toc.escape_cdata(strip(data_toc_label))
                    del el.attrib['data-toc-label']

                if int(el.tag[-1]) >= processor.toc_top and int(el.tag[-1]) <= processor.toc_bottom:
                    toc_tokens.append({
                        'level': int(el.tag[-1]),
                        'id': toc.unescape(el.attrib["id"]),
                        'name': name,
                        'html': innerhtml,
                        'data-toc-label': data_toc_label
                    })

                if processor.use_anchors:
                    processor.add_anchor(el, el.attrib["id"])
                if processor.use_permalinks not in [False, None]:
                    processor.add_permalink(el, el.attrib["id"])

        toc_tokens = toc.nest_toc_tokens(toc_tokens)
        div = processor.build_toc_div(toc_tokens)
        if processor.marker:
            processor.replace_marker(doc, div)

        toc_html = md.serializer(div)
        for pp in md.postprocessors:
            toc_html = pp.run(toc_html)
        md.toc_tokens = toc_tokens
        md.toc = toc_html

    run.__wrapped__ = processor.run  # type: ignore[attr-defined]
    return run


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
    for name in ("render_inner_html", "remove_fnrefs", "strip_tags", "unique", "unescape",
                 "run_postprocessors", "escape_cdata", "nest_toc_tokens"):
        getattr(toc, name)
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
    processor.run = plain_heading_ids(processor)
    processor.run, processor.build_toc_div = table_if_used(processor)
    md.serializer = serialize_unless_unused(md.serializer, processor.unused_table)
    return True
