"""Regexes written by users in brand.yml, run in linear time with RE2 (google-re2).

Python's `re` backtracks: a pattern such as `(a+)+b` takes exponential time on a long run of
"a"s, so one careless `avoid:` entry could stall every build. RE2 guarantees time linear in the
text for every pattern it accepts; it refuses backreferences and lookaround, which need
backtracking — such a pattern is rejected when brand.yml loads, with its line and a hint.

Our own generated patterns (word-list tries, word boundaries with lookbehind) stay in `re`: they
are built from escaped literals and cannot backtrack badly. User patterns get the same letter
boundaries, expressed without lookaround: the boundary character before and after a match is
consumed, and the next search starts at the character after the matched group, so two matches
separated by a single space are both found.
"""

from __future__ import annotations

from dataclasses import dataclass

import re2

#: Not a letter, as in patterns.NON_LETTER: anything outside letters and letter-like numbers,
#: and CJK/kana/hangul (written without spaces). `^`/`$` stand for the ends of the text.
_NON_LETTER = (r"(?:[^\p{L}\p{Nl}\p{No}]"
               r"|[\x{3000}-\x{9fff}\x{ac00}-\x{d7af}\x{f900}-\x{faff}\x{ff00}-\x{ffef}])")
_START = rf"(?:^|{_NON_LETTER})"
_END = rf"(?:{_NON_LETTER}|$)"


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # RE2 would print parse errors to stderr; we report them ourselves
    return options


_OPTIONS = _options()


def _python_reason(pattern: str) -> str | None:
    """What in `pattern` needs backtracking (backreference, lookaround, atomic group), if any."""
    try:
        from re import _parser  # private: any surprise just means "no detail"

        todo = [_parser.parse(pattern)]
    except Exception:  # noqa: BLE001
        return None
    names = {
        "GROUPREF": "a backreference", "GROUPREF_EXISTS": "a conditional backreference",
        "GROUPREF_IGNORE": "a backreference", "ASSERT": "a lookahead or lookbehind",
        "ASSERT_NOT": "a negative lookahead or lookbehind", "ATOMIC_GROUP": "an atomic group",
        "POSSESSIVE_REPEAT": "a possessive quantifier",
    }
    while todo:
        item = todo.pop()
        for op, value in getattr(item, "data", item):
            name = str(op)
            if name in names:
                return names[name]
            stack = [value]
            while stack:
                part = stack.pop()
                if isinstance(part, _parser.SubPattern):
                    todo.append(part)
                elif isinstance(part, (list, tuple)):
                    stack.extend(part)
    return None


def problem(pattern: str) -> str | None:
    """Why `pattern` cannot be a brand.yml pattern (a writer-facing sentence), or None if it can."""
    reason = _python_reason(pattern)
    if reason:
        return (f"pattern {pattern!r} uses {reason}, which cannot be checked in linear time — "
                "rewrite it without one (list the variants with |; word boundaries are added for you)")
    try:
        compiled = re2.compile(f"(?i){pattern}", _OPTIONS)
    except re2.error as exc:
        detail = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) \
            else str(exc)
        return f"pattern {pattern!r} is not a valid regex: {detail}"
    if compiled.groupindex:
        return f"pattern {pattern!r}: named groups are not allowed, use (?:...)"
    if compiled.fullmatch("") is not None:
        return f"pattern {pattern!r} matches empty text"
    return None


@dataclass(frozen=True)
class UserPatterns:
    """Several user patterns as one RE2 regex (leftmost match wins; earlier entries on a tie)."""

    regex: re2._Regexp
    names: tuple[str, ...]  # group i+1 is names[i]

    def finditer(self, text: str) -> list[tuple[str, int, int]]:
        """(name, start, end) of every whole-word match in `text`, left to right, no overlaps."""
        data = text.encode("utf-8", "surrogatepass")  # a lone surrogate (from JSON) matches nothing
        ascii_only = len(data) == len(text)
        groups = range(1, len(self.names) + 1)
        found = []
        pos = 0
        while pos <= len(data):
            match = self.regex.search(data, pos)
            if match is None:
                break
            index = next(i for i in groups if match.span(i)[0] >= 0)
            start, end = match.span(index)
            found.append((self.names[index - 1], start, end))
            pos = end if end > pos else pos + 1  # next search: from the boundary after the group
        if ascii_only or not found:
            return found
        return [(name, _chars(data, start), _chars(data, end)) for name, start, end in found]


def _chars(data: bytes, offset: int) -> int:
    return len(data[:offset].decode("utf-8", "surrogatepass"))


def compile_patterns(patterns: dict[str, str]) -> UserPatterns | None:
    """One RE2 regex for `patterns` (name -> pattern, already validated by `problem`)."""
    if not patterns:
        return None
    body = "|".join(f"({_noncapturing(pattern)})" for pattern in patterns.values())
    regex = re2.compile(f"(?i){_START}(?:{body}){_END}", _OPTIONS)
    if regex.groups != len(patterns):  # group i must be entry i
        raise ValueError(f"cannot number the groups of {list(patterns.values())!r}")
    return UserPatterns(regex, tuple(patterns))


def _noncapturing(pattern: str) -> str:
    """Turn plain `(` groups into `(?:` so the combined regex has one group per entry."""
    out, escaped, in_class = [], False, False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]" or pattern[i - 1] == "["
        elif ch == "[":
            in_class = True
        elif ch == "(" and pattern[i + 1:i + 2] != "?":
            out.append("(?:")
            continue
        out.append(ch)
    return "".join(out)
