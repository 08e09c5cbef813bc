"""Skip inline patterns that cannot match a text (identical HTML, a good part of Markdown's cost).

Python-Markdown's inline passes (the main one, and smarty's second pass) try every pattern's
regex on every text node, one after another. Almost every pattern needs a particular character
inside its match — a link needs `[`, emphasis `*` or `_`, smarty's quotes `'` or `"` — so when
that character is not in the text, the pattern would find nothing and the pass would move on with
the text unchanged. A substring test answers that far faster than the regex scan.

Applied only to fast_reader's own worker instances. Patterns we do not know (other extensions)
are always tried, exactly as before.
"""

from __future__ import annotations

from markdown import Markdown
from markdown.treeprocessors import InlineProcessor

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


def speed_up(md: Markdown) -> int:
    """Filter the inline passes of `md`; returns how many patterns got a trigger."""
    filtered = 0
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
        proc.__class__ = FilteredInlineProcessor
        proc.triggers = triggers
        filtered += len(triggers)
    return filtered
