"""avoid: off-brand phrases, each reported with its reason, severity and suggested alternative.

Literal phrases are case-insensitive with spaces and hyphens interchangeable and plurals accepted;
an entry may give a `pattern` instead when inflections matter ("leverag(e|es|ed|ing)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..findings import Hit
from ..model import AvoidEntry
from ..patterns import (
    PHRASE_SEP,
    SUFFIX,
    Anchors,
    Found,
    anchors,
    key,
    literal_prefix,
    strip_suffix_keys,
    trie_regex,
    word_pattern,
)


@dataclass(frozen=True)
class AvoidMatcher:
    regex: re.Pattern | None
    by_key: dict[str, AvoidEntry]
    by_group: dict[str, AvoidEntry]
    anchors: Anchors = Anchors()


def compile_avoid(entries: tuple[AvoidEntry, ...]) -> AvoidMatcher:
    """Literal phrases share one trie; patterns join the same regex as named alternatives."""
    by_key = {key(e.phrase): e for e in entries if e.phrase}
    by_group = {f"p{i}": e for i, e in enumerate(entries) if e.pattern}
    parts = []
    literal = trie_regex([e.phrase for e in entries if e.phrase], sep=PHRASE_SEP, fold=True)
    if literal:
        parts.append(f"(?P<lit>{literal}){SUFFIX}")
    parts += [f"(?P<{name}>{entry.pattern})" for name, entry in by_group.items()]
    if not parts:
        return AvoidMatcher(None, by_key, by_group)
    found = anchors([e.phrase for e in entries if e.phrase], fold=True)
    for entry in by_group.values():
        prefix = literal_prefix(entry.pattern).lower()
        found |= Anchors(folded=((prefix,),)) if len(prefix) >= 3 else Anchors(always=True)
    return AvoidMatcher(re.compile(word_pattern("|".join(parts)), re.IGNORECASE), by_key, by_group, found)


def check_avoid(text: str, matcher: AvoidMatcher, low: str | None = None,
                found: Found | None = None) -> list[Hit]:
    """One hit per off-brand phrase in `text` (`low`: the text lower-cased, if already made)."""
    if matcher.regex is None or not matcher.anchors.present(text, low, found):
        return []
    hits = []
    for match in matcher.regex.finditer(text):
        groups = match.groupdict()
        if groups.get("lit") is not None:
            entry = next((matcher.by_key[k] for k in strip_suffix_keys(groups["lit"])
                          if k in matcher.by_key), None)
        else:
            entry = next((e for name, e in matcher.by_group.items() if groups[name] is not None), None)
        if entry is None:
            continue
        seen = " ".join(match.group().split())
        hits.append(Hit(match.start(), match.end(), "avoid", entry.severity,
                        f"avoid '{seen}': {entry.reason}", entry.suggest or None))
    return hits
