"""Skip inline patterns that cannot match a text (identical HTML, a good part of Markdown's cost).

Python-Markdown's inline passes (the main one, and smarty's second pass) try every pattern's
regex on every text node, one after another. Almost every pattern needs a particular character
inside its match — a link needs `[`, emphasis `*` or `_`, smarty's quotes `'` or `"` — so when
that character is not in the text, the pattern would find nothing and the pass would move on with
the text unchanged. A substring test answers that far faster than the regex scan.

Applied only to fast_reader's own worker instances. Patterns we do not know (other extensions)
are always tried, exactly as before. It overrides a private method of InlineProcessor and reads
the inline registry's private order, so it is applied only on the Python-Markdown versions in
`PROVEN`; on any other the tripwire (plugins/tripwire.py) logs once and Markdown runs unfiltered.
"""

from __future__ import annotations

import inspect

from markdown import Markdown
from markdown.treeprocessors import InlineProcessor

from plugins.tripwire import Tripwire

#: Python-Markdown versions on which tests/test_fast_reader.py proved the filtered HTML identical
PROVEN = {"markdown": "3.11.3"}

#: pattern name → substrings of which at least one must be in the text for the pattern to match
TRIGGERS: dict[str, tuple[str, ...]] = {
    # main inline pass (Python-Markdown 3.x names; `extra` adds `footnote`)
    "backtick": ("`",),
    "escape": ("\\",),
    "footnote": ("[^",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_reference": ("[",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n",),
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
    "em_strong2": ("_",),
    "strong_em": ("*", "_"),
    "not_strong": ("*", "_"),
    # smarty's pass
    **{f"smarty-quotes-{i}": ("'", '"') for i in range(15)},
    "smarty-em-dashes": ("---",),
    "smarty-en-dashes": ("--",),
    "smarty-ellipses": ("...",),
    "smarty-left-angle-quotes": ("<<",),
    "smarty-right-angle-quotes": (">>",),
}
#: the regexes the triggers above were derived from; a different regex under a known name
#: (another Markdown version, an extension re-registering it) disables the filter for it
EXPECTED = {
    "backtick": r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)",
    "escape": r"\\(.)",
    "footnote": r"\[\^([^\]]*)\]",
    "reference": r"(?<!\!)\[",
    "link": r"(?<!\!)\[",
    "image_link": r"\!\[",
    "image_reference": r"\!\[",
    "short_reference": r"(?<!\!)\[",
    "short_image_ref": r"\!\[",
    "autolink": r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>",
    "automail": r"<([^<> !]+@[^@<> ]+)>",
    "linebreak": r"  \n",
    "entity": r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)",
    "em_strong": r"\*|_",
    "smarty-em-dashes": r"(?<!-)---(?!-)",
    "smarty-en-dashes": r"(?<!-)--(?!-)",
    "smarty-ellipses": r"(?<!\.)\.{3}(?!\.)",
    "smarty-left-angle-quotes": r"\<\<",
    "smarty-right-angle-quotes": r"\>\>",
}


class FilteredInlineProcessor(InlineProcessor):
    """Python-Markdown's InlineProcessor; a pattern whose trigger is absent is reported as no match."""

    triggers: dict[int, tuple[str, ...]]

    def _InlineProcessor__applyPattern(self, pattern, data, patternIndex, startIndex=0):  # noqa: N802
        needed = self.triggers.get(id(pattern))
        if needed is not None and not any(part in data for part in needed):
            return data, False, 0  # exactly what the method returns when the regex finds nothing
        return super()._InlineProcessor__applyPattern(pattern, data, patternIndex, startIndex)  # type: ignore[misc]


def _known(name: str, pattern) -> bool:
    if name not in TRIGGERS:
        return False
    if name.startswith("smarty-quotes-"):
        return "'" in pattern.pattern or '"' in pattern.pattern  # every quote regex has a literal quote
    if name == "html":
        return pattern.pattern.startswith("(<")
    return EXPECTED.get(name) == pattern.pattern


def _markdown_internals() -> bool:
    """The private method FilteredInlineProcessor overrides must exist with the arguments it passes."""
    method = InlineProcessor._InlineProcessor__applyPattern  # type: ignore[attr-defined]
    inspect.signature(method).bind(None, "pattern", "data", 0, 0)
    for item in Markdown().treeprocessors["inline"].inlinePatterns._priority:
        item.name  # noqa: B018 — (name, priority) items, read by `speed_up`
    return True


WIRE = Tripwire("fast_reader's inline prefilter", proven=PROVEN,
                uses="Python-Markdown's private InlineProcessor.__applyPattern and Registry._priority",
                public="Python-Markdown's unfiltered inline passes", tests="tests/test_fast_reader.py",
                setup=_markdown_internals)


def speed_up(md: Markdown) -> int:
    """Filter the inline passes of `md`; returns how many patterns got a trigger (0: the tripwire
    says Markdown's internals are not the proven ones, nothing is changed)."""
    if WIRE.get() is None:
        return 0
    plan = []
    try:  # plan first, change nothing until every lookup worked
        for name in ("inline", "smarty"):
            if name not in md.treeprocessors:
                continue
            proc = md.treeprocessors[name]
            if type(proc) is not InlineProcessor:
                continue
            registry = proc.inlinePatterns
            triggers = {}
            for item in list(registry._priority):  # (name, priority) pairs, the registry's own order
                pattern = registry[item.name]
                if _known(item.name, pattern):
                    triggers[id(pattern)] = TRIGGERS[item.name]
            plan.append((proc, triggers))
    except (AttributeError, KeyError, TypeError) as exc:
        WIRE.trip(exc)
        return 0
    for proc, triggers in plan:
        proc.__class__ = FilteredInlineProcessor
        proc.triggers = triggers
    return sum(len(triggers) for _, triggers in plan)
