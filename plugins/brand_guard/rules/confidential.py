"""confidential: code names, found in the raw source everywhere.

Unlike the style rules this one reads the file as bytes-on-disk text: code blocks, inline code,
link targets, image alt text, HTML comments, metadata values and the slug, because a leak in a
code block is still a leak. Matching ignores case and survives spacing, hyphens, underscores,
dots, URL escapes and invisible characters between the words of a name ("project_bluefin",
"Project%20Bluefin"), and camel-case joins ("ProjectBluefin"). It is always an error in anything
public; whether the text is public is the caller's decision (`audience`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    """One case-insensitive regex for every code name."""
    spaced = [_CAMEL.sub(" ", name) for name in names]
    source = trie_regex(spaced, sep=LEAK_SEP, fold=True)
    if not source:
        return LeakMatcher(None, {})
    regex = re.compile(word_pattern(source, SUFFIX), re.IGNORECASE)
    return LeakMatcher(regex, {key(name): name for name in names}, anchors(spaced, fold=True))


def find_leaks(text: str, matcher: LeakMatcher, low: str | None = None,
               found: Found | None = None) -> list[Hit]:
    """Every code name in `text` (raw source), as error-level hits."""
    if matcher.regex is None or not matcher.anchors.present(text, low, found):
        return []
    hits = []
    for match in matcher.regex.finditer(text):
        name = next((matcher.by_key[k] for k in strip_suffix_keys(match.group()) if k in matcher.by_key),
                    "a code name")
        hits.append(Hit(
            match.start(), match.end(), "confidential", "error",
            f"'{' '.join(match.group().split())}' is the code name '{name}': keep it out of public "
            "text (code, links and metadata too)",
            None,
        ))
    return hits
