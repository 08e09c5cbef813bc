"""Skip toc's search for its `[TOC]` marker when no text holds it (identical HTML).

Python-Markdown's toc extension walks the whole tree after every conversion to replace a
paragraph reading exactly `[TOC]` with the table of contents, joining every element's text on
the way. A paragraph can only read `[TOC]` when some element's text contains it, which one pass
over the texts tells far more cheaply; without it the walk changes nothing and is skipped.

Applied to fast_reader's own instances, on toc's own treeprocessor class only (an instance
attribute over its `replace_marker`); on the proven Python-Markdown versions only
(plugins/tripwire.py), since what `replace_marker` does is toc's internal behaviour.
"""

from __future__ import annotations

from collections.abc import Callable

from markdown import Markdown
from markdown.extensions import toc

from plugins.tripwire import Tripwire

#: Python-Markdown versions on which tests/test_fast_reader_markdown.py proved the HTML identical
PROVEN = {"markdown": "3.11.3"}


def guarded(processor: toc.TocTreeprocessor) -> Callable:
    """`processor.replace_marker`, skipped when no element's text contains the marker."""
    replace = processor.replace_marker

    def replace_marker_if_present(root, elem):
        marker = processor.marker
        for element in root.iter():
            text = element.text
            if text and marker in text:
                return replace(root, elem)
        return None

    replace_marker_if_present.__wrapped__ = replace  # type: ignore[attr-defined]
    return replace_marker_if_present


def _internals() -> bool:
    processor = Markdown(extensions=["toc"]).treeprocessors["toc"]
    processor.replace_marker  # noqa: B018
    processor.marker  # noqa: B018
    return True


WIRE = Tripwire("fast_reader's toc marker check", proven=PROVEN,
                uses="Python-Markdown toc's TocTreeprocessor.replace_marker",
                public="toc's full walk for the marker", tests="tests/test_fast_reader_markdown.py",
                setup=_internals)


def speed_up(md: Markdown) -> bool:
    """Guard `md`'s toc marker search; False when there is no toc (or the tripwire is tripped)."""
    if WIRE.get() is None or "toc" not in md.treeprocessors:
        return False
    processor = md.treeprocessors["toc"]
    if type(processor) is not toc.TocTreeprocessor or "replace_marker" in vars(processor):
        return False
    processor.replace_marker = guarded(processor)
    return True
