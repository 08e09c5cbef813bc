"""avoid: off-brand phrases, each reported with its reason, severity and suggested alternative.

Literal phrases are case-insensitive with spaces and hyphens interchangeable and plurals accepted;
an entry may give a `pattern` instead when inflections matter ("leverag(e|es|ed|ing)"). Patterns
are the writer's own regexes, so they run in RE2 (linear time, see userregex); the literal phrases
stay one generated trie regex in `re`.
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
from ..userregex import UserPatterns, compile_patterns


@dataclass(frozen=True)
class AvoidMatcher:
    regex: re.Pattern | None  # the literal phrases
    by_key: dict[str, AvoidEntry]
    by_group: dict[str, AvoidEntry]
    anchors: Anchors = Anchors()
    patterns: UserPatterns | None = None  # the `pattern` entries, in RE2

    @property
    def empty(self) -> bool:
        return self.regex is None and self.patterns is None


def compile_avoid(entries: tuple[AvoidEntry, ...]) -> AvoidMatcher:
    """Literal phrases share one trie regex; patterns share one RE2 regex (one group each)."""
    by_key = {key(e.phrase): e for e in entries if e.phrase}
    by_group = {f"p{i}": e for i, e in enumerate(entries) if e.pattern}
    literal = trie_regex([e.phrase for e in entries if e.phrase], sep=PHRASE_SEP, fold=True)
    regex = re.compile(word_pattern(f"(?:{literal}){SUFFIX}"), re.IGNORECASE) if literal else None
    patterns = compile_patterns({name: e.pattern for name, e in by_group.items()})
    if regex is None and patterns is None:
        return AvoidMatcher(None, by_key, by_group)
    found = anchors([e.phrase for e in entries if e.phrase], fold=True)
    for entry in by_group.values():
        prefix = literal_prefix(entry.pattern).lower()
        found |= Anchors(folded=((prefix,),)) if len(prefix) >= 3 else Anchors(always=True)
    return AvoidMatcher(regex, by_key, by_group, found, patterns)


def check_avoid(text: str, matcher: AvoidMatcher, low: str | None = None,
                found: Found | None = None) -> list[Hit]:
    """One hit per off-brand phrase in `text` (`low`: the text lower-cased, if already made)."""
    if matcher.empty or not matcher.anchors.present(text, low, found):
        return []
    spans = []  # (start, end, order, entry): literals win a tie, as the first alternative did
    if matcher.regex is not None:
        for match in matcher.regex.finditer(text):
            entry = next((matcher.by_key[k] for k in strip_suffix_keys(match.group())
                          if k in matcher.by_key), None)
            if entry is not None:
                spans.append((match.start(), match.end(), 0, entry))
    if matcher.patterns is not None:
        spans += [(start, end, 1, matcher.by_group[name])
                  for name, start, end in matcher.patterns.finditer(text)]
    spans.sort(key=lambda s: (s[0], s[2]))
    hits, last = [], 0
    for start, end, _, entry in spans:
        if start < last:  # one match per stretch of text, as one combined regex gave
            continue
        last = end
        seen = " ".join(text[start:end].split())
        hits.append(Hit(start, end, "avoid", entry.severity, f"avoid '{seen}': {entry.reason}",
                        entry.suggest or None))
    return hits
