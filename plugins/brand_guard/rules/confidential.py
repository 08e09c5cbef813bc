"""confidential: code names, found in the raw source everywhere.

Unlike the style rules this one reads the file as bytes-on-disk text: code blocks, inline code,
link targets, image alt text, HTML comments, metadata values and the slug, because a leak in a
code block is still a leak. Matching ignores case and survives spacing, hyphens, underscores,
dots, URL escapes and invisible characters between the words of a name ("project_bluefin",
"Project%20Bluefin"), and camel-case joins ("ProjectBluefin"). It is always an error in anything
public; whether the text is public is the caller's decision (`audience`).

Disguises a reader would not notice are undone first (`fold.view`): emphasis and code marks,
inline tags and comments, character references, invisible format characters, compatibility forms
and look-alike letters from other scripts. The raw text is matched as well (word boundaries that
only the raw text has, such as `x_Tidewater`, still count); positions always point at the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import fold
from ..findings import Hit
from ..patterns import (
    LEAK_SEP,
    SUFFIX,
    Anchors,
    Found,
    anchors,
    key,
    strip_suffix_keys,
    trie_regex,
    word_pattern,
)

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


@dataclass(frozen=True)
class LeakMatcher:
    regex: re.Pattern | None
    by_key: dict[str, str]
    anchors: Anchors = Anchors()


def compile_confidential(names: tuple[str, ...]) -> LeakMatcher:
    """One case-insensitive regex for every code name (written in any script: folded like text)."""
    spaced = [fold.fold_text(_CAMEL.sub(" ", name)) for name in names]
    source = trie_regex(spaced, sep=LEAK_SEP, fold=True)
    if not source:
        return LeakMatcher(None, {})
    regex = re.compile(word_pattern(source, SUFFIX), re.IGNORECASE)
    by_key = {key(fold.fold_text(name)): name for name in names}
    return LeakMatcher(regex, by_key, anchors(spaced, fold=True))


def find_leaks(text: str, matcher: LeakMatcher, low: str | None = None,
               found: Found | None = None) -> list[Hit]:
    """Every code name in `text` (raw source, or any text about to be published), as error hits.

    `low`/`found`: the text lower-cased and its anchor words located, when the caller has them.
    """
    return [_hit(text[start:end], seen, start, end, matcher)
            for start, end, seen in leak_spans(text, matcher, low, found)]


def leak_spans(text: str, matcher: LeakMatcher, low: str | None = None,
               found: Found | None = None) -> list[tuple[int, int, str]]:
    """(start, end, matched normalised text) of every code name in `text`, in order."""
    if matcher.regex is None:
        return []
    spans = []
    if matcher.anchors.present(text, low, found):
        spans = [(m.start(), m.end(), m.group()) for m in matcher.regex.finditer(text)]
    quick = fold.quick(text)  # C-level passes: is there anything to locate at all?
    if quick == text or not matcher.anchors.present(quick) or not matcher.regex.search(quick):
        return spans
    folded = fold.view(text)
    if not folded.changed:
        return spans
    raw = len(spans)
    for match in matcher.regex.finditer(folded.text):
        start, end = folded.span(match.start(), match.end())
        if any(start < b and a < end for a, b, _ in spans):
            continue  # the raw text already shows this one
        spans.append((start, max(end, start + 1), match.group()))
    return sorted(spans) if len(spans) > raw and raw else spans


def raw_leaky(text: str, matcher: LeakMatcher) -> bool:
    """Does `text` name a code name as it stands (no normalisation)?"""
    return matcher.regex is not None and matcher.anchors.present(text) and bool(matcher.regex.search(text))


def is_leaky(text: str, matcher: LeakMatcher) -> bool:
    """Does `text` name a code name in any disguise? (Cheaper than `find_leaks`: no positions.)"""
    if matcher.regex is None:
        return False
    if raw_leaky(text, matcher):
        return True
    quick = fold.quick(text)
    if quick == text or not raw_leaky(quick, matcher):
        return False  # `quick` finds whatever `view` finds (and sometimes more)
    folded = fold.view(text)
    return folded.changed and raw_leaky(folded.text, matcher)


def name_of(seen: str, matcher: LeakMatcher) -> str:
    """The configured code name a match stands for."""
    return next((matcher.by_key[k] for k in strip_suffix_keys(seen) if k in matcher.by_key), "a code name")


def _hit(written: str, seen: str, start: int, end: int, matcher: LeakMatcher) -> Hit:
    name = name_of(seen, matcher)
    disguise = fold.lookalikes(written) if not written.isascii() else ""
    return Hit(
        start, end, "confidential", "error",
        f"'{fold.shown(written)}' is the code name '{name}'{f' ({disguise})' if disguise else ''}: "
        "keep it out of public "
        "text (code, links and metadata too)",
        None,
    )
