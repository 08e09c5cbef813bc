"""encoding: mojibake (UTF-8 read as Windows-1252/Latin-1, once or twice) and lost characters.

Text that went through Windows-1252 shows "â€™" for "’" and "Ã©" for "é". Five bytes have no
Windows-1252 character (81 8D 8F 90 9D); converters turn them into an invisible C1 control, drop
them or write U+FFFD, so "”" (E2 80 9D) arrives as "â€\\x9d", "â€" or "â€\\ufffd". Run twice, "’"
becomes "Ã¢â‚¬â„¢".

Nothing here is hand-listed: `table()` encodes every character a writer plausibly meant (Latin
letters of European orthographies, Greek, Cyrillic, typographic punctuation, currency and other
symbols, emoji) as UTF-8 and decodes the bytes with each of those behaviours, once and twice. A
finding is the longest table entry at a place, so its suggestion is the exact character; when
several characters share a mangled form (a lost last byte) the context decides, and the finding
carries a `replacement` only when one candidate is left.

Correct text in any script is left alone: a mangled form always pairs a lead character (Â Ã Å Ð
â ð …) with a character no orthography puts right after it ("Ã©", "â€"); the one real collision —
an all-caps word ending in Ã, Å, Ñ… before a closing quote or dash ("IRMÃ”") — is skipped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..findings import Hit

#: What a writer plausibly meant (code point ranges; invisible and control characters dropped).
_MEANT = (
    (0x00A0, 0x017F),  # no-break space, Latin-1 supplement and Latin Extended-A (European orthographies)
    (0x0192, 0x0192), (0x0218, 0x021B),  # ƒ; Romanian Ș ș Ț ț
    (0x0386, 0x03CE),  # Greek
    (0x0400, 0x045F), (0x0490, 0x0491),  # Cyrillic (with Ukrainian Ґ ґ)
    (0x2010, 0x205E),  # dashes, quotes, bullets, ellipsis, per mille, primes
    (0x20A0, 0x20C0), (0x2100, 0x215F), (0x2190, 0x21FF), (0x2200, 0x22FF),  # currency, №, ™, arrows, maths
    (0x2300, 0x23FF), (0x25A0, 0x27BF),  # technical, shapes, symbols, dingbats (✓ ★ ☐)
    (0x1F000, 0x1FAFF),  # emoji
)

_CP1252 = {}
for _b in range(0x80, 0x100):
    try:
        _CP1252[_b] = bytes([_b]).decode("cp1252")
    except UnicodeDecodeError:
        pass
#: The bytes Windows-1252 leaves undefined.
UNDEFINED = frozenset(range(0x80, 0xA0)) - frozenset(_CP1252)


def _decoder(undefined: str | None):
    """Bytes -> text as Windows-1252, an undefined byte becoming `undefined` (None: its C1 control).

    The plain form of `_ONCE`'s decoders (tests compare them): Latin-1 gives every byte its own
    code point, a translation table turns 80-9F into Windows-1252's characters."""
    mapping: dict[int, str | None] = {b: _CP1252[b] for b in range(0x80, 0xA0) if b in _CP1252}
    if undefined is not None:
        mapping.update(dict.fromkeys(UNDEFINED, undefined or None))  # None deletes

    def decode(data: bytes) -> str:
        return data.decode("latin-1").translate(mapping)
    return decode


#: An undefined byte as the "surrogateescape" error handler writes it -> its C1 control.
_ESCAPED_C1 = tuple((chr(0xDC00 + b), chr(b)) for b in sorted(UNDEFINED))


def _c1(data: bytes) -> str:
    """Windows-1252, an undefined byte kept as its C1 control (as WHATWG decoders do).

    The codec's own decoders (with "surrogateescape", "ignore", "replace" for the undefined bytes)
    run in C from bytes to text: `str.translate` with a dict looked each character up, a third of
    every brand.yml load (its specs hold mojibake, so `table()` is built). The codec maps 00-7F
    and A0-FF to the same code points as Latin-1, 80-9F as `_CP1252`; a surrogate escape appears
    only for an undefined byte and is then turned into that byte's C1 control."""
    text = data.decode("cp1252", "surrogateescape")
    for escaped, control in _ESCAPED_C1:
        if escaped in text:
            text = text.replace(escaped, control)
    return text


def _dropped(data: bytes) -> str:
    return data.decode("cp1252", "ignore")


def _fffd(data: bytes) -> str:
    return data.decode("cp1252", "replace")


def _latin1(data: bytes) -> str:
    return data.decode("latin-1")


#: How a converter treats the undefined bytes: C1 control (WHATWG), dropped, U+FFFD.
_ONCE = {"c1": _c1, "dropped": _dropped, "fffd": _fffd, "latin-1": _latin1}
_TWICE = ("c1", "dropped", "fffd")


def _meant() -> list[str]:
    out = []
    for low, high in _MEANT:
        for code in range(low, high + 1):
            char = chr(code)
            if char == "\u00a0" or unicodedata.category(char)[0] not in "CZ" and unicodedata.name(char, ""):
                out.append(char)
    return out


@lru_cache(maxsize=1)
def table() -> dict[str, tuple[str, ...]]:
    """Every mangled form -> the characters it can stand for, most likely first.

    A form that one character produces without loss (every byte kept, as a character or a C1
    control) stands for that character only; forms with a lost byte may stand for several. Built
    on first use, only for texts that contain a candidate at all — and by every brand.yml load
    (its specs hold mojibake), so in a handful of C passes: each decoding runs once over all the
    characters' UTF-8 joined by newlines (every decoding maps byte by byte and keeps a newline,
    which no UTF-8 of a non-ASCII character contains nor any decoding of it produces), then splits
    per character. The dicts are then filled in the order a loop per character fills them.
    """
    chars = _meant()
    joined = "\n".join(chars).encode("utf-8")
    once = {name: decode(joined) for name, decode in _ONCE.items()}
    twice = {(first, name): _ONCE[name](once[first].encode("utf-8")).split("\n")
             for first in ("c1", "dropped") for name in _TWICE}
    columns = [once[name].split("\n") for name in ("c1", "latin-1", "dropped", "fffd")]
    columns += [twice[key] for key in (("c1", "c1"), ("c1", "dropped"), ("c1", "fffd"),
                                       ("dropped", "c1"), ("dropped", "dropped"), ("dropped", "fffd"))]
    if any(len(column) != len(chars) for column in columns):  # a decoding made a newline after all
        return _table_by_char(chars)
    exact: dict[str, str] = {}
    lossy: dict[str, dict[str, None]] = {}
    add = lossy.setdefault
    for char, c1, latin1, dropped, fffd, cc, cd, cf, dc, dd, df in zip(chars, *columns, strict=True):
        exact[cc] = char  # twice (c1, c1) keeps every byte; the other twice forms may lose one
        add(cd, {})[char] = None
        add(cf, {})[char] = None
        add(dc, {})[char] = None
        add(dd, {})[char] = None
        add(df, {})[char] = None
        exact[c1] = exact[latin1] = char
        add(dropped, {})[char] = None
        add(fffd, {})[char] = None
    return _forms(exact, lossy)


def _table_by_char(chars: list[str]) -> dict[str, tuple[str, ...]]:
    """`table()` one character at a time (the plain form of the batched passes; tests compare)."""
    exact: dict[str, str] = {}
    lossy: dict[str, dict[str, None]] = {}
    for char in chars:
        data = char.encode("utf-8")
        once = {name: decode(data) for name, decode in _ONCE.items()}
        for first in ("c1", "dropped"):
            again = once[first].encode("utf-8")
            for name in _TWICE:
                twice = _ONCE[name](again)
                if first == "c1" and name == "c1":
                    exact[twice] = char
                else:
                    lossy.setdefault(twice, {})[char] = None
        exact[once["c1"]] = exact[once["latin-1"]] = char
        for name in ("dropped", "fffd"):
            lossy.setdefault(once[name], {})[char] = None
    return _forms(exact, lossy)


def _forms(exact: dict[str, str], lossy: dict[str, dict[str, None]]) -> dict[str, tuple[str, ...]]:
    forms = {form: (char,) for form, char in exact.items()}
    for form, chars in lossy.items():
        if form not in forms:  # one candidate needs no order (`_likely` costs a lookup each)
            forms[form] = tuple(chars) if len(chars) == 1 else tuple(sorted(chars, key=_likely))
    return {form: chars for form, chars in forms.items() if len(form) >= 2 and form not in chars}


#: Which of several candidates to name first: quotes, then other punctuation, letters, symbols.
_ORDER = {"Pf": 0, "Pi": 1, "Po": 2, "Pd": 3, "Ll": 4, "Lu": 5}


def _likely(char: str) -> tuple[int, int]:
    return _ORDER.get(unicodedata.category(char), 9), ord(char)


@lru_cache(maxsize=1)
def _lengths() -> tuple[int, ...]:
    return tuple(sorted({len(form) for form in table()}, reverse=True))


#: What a UTF-8 continuation byte (80-BF) looks like: its Windows-1252 character or C1 control.
_CONT = "".join(sorted({re.escape(_CP1252[b]) for b in range(0x80, 0xC0) if b in _CP1252}
                       | {re.escape(chr(b)) for b in range(0x80, 0xC0)}))
#: A lead (Â-ô: what a UTF-8 lead byte looks like in Windows-1252) before a continuation character
#: or an invisible C1 control; "Â"/"Ã" before a (no-break) space or a-z (a lost or normalised
#: byte: "10Â km", "voilÃ ", "MarÃa"); U+FFFD. "café " is no candidate: no table is built for it.
_CANDIDATE = re.compile(rf"[\u00c2-\u00f4](?=[{_CONT}\ufffd])|[\u00c2\u00c3](?=[ \u00a0a-z])|\ufffd")
_LEAD = re.compile("[\u00c2-\u00f4\ufffd]")
_CLOSING = frozenset("Pf Pe Pd".split())
_OPENING = frozenset("\"'(«‹“‘„‚")


def check_encoding(text: str, severity: str = "warning") -> list[Hit]:
    """Hits for mojibake (with the intended character) and U+FFFD replacement marks."""
    if text.isascii() or not _LEAD.search(text):  # mojibake is never ASCII; then one class, in C
        return []
    hits: list[Hit] = []
    group: list[Hit] = []  # adjacent fixable hits: "ÐŸÑ€Ð¸Ð²ÐµÑ‚" is one word, one finding
    end = 0
    for match in _CANDIDATE.finditer(text):
        start = match.start()
        if start < end:
            continue
        hit = _at(text, start, severity)
        if hit is None:
            continue
        if not (group and group[-1].end == hit.start and group[-1].suggestion and hit.suggestion):
            hits.append(_joined(text, group))
            group = []
        group.append(hit)
        end = hit.end
    hits.append(_joined(text, group))
    return [hit for hit in hits if hit is not None]


def _joined(text: str, group: list[Hit]) -> Hit | None:
    """One finding for a run of adjacent hits, built once (joining pairwise re-copied the run for
    every character: a 50,000-character mangled line took minutes)."""
    if len(group) < 2:
        return group[0] if group else None
    first, last = group[0], group[-1]
    seen = text[first.start:last.end]
    meant = "".join(hit.suggestion for hit in group)
    sure = all(hit.replacement is not None for hit in group)
    message = f"'{_printable(seen)}' looks like mis-decoded text for '{meant}'"
    return Hit(first.start, last.end, "encoding", first.severity,
               message + ("" if sure else ": check it"), meant, replacement=meant if sure else None)


def _at(text: str, start: int, severity: str) -> Hit | None:
    forms = table()
    for length in _lengths():
        seen = text[start:start + length]
        if len(seen) == length and seen in forms:
            fit = _fit(forms[seen], text, start, start + length)
            if fit is None:
                return None
            chars, sure = fit
            return _hit(start, start + length, seen, chars, severity, certain=sure)
    return _remnant(text, start, severity)


def _fit(chars: tuple[str, ...], text: str, start: int, end: int) -> tuple[tuple[str, ...], bool] | None:
    """The candidates ordered by how well they fit where the form stands, and whether exactly one
    letter or punctuation mark fits (then the fix is certain); None: correct text, not mojibake."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    seen = text[start:end]
    if (len(seen) == 2 and (before.isupper() or before in _OPENING) and not after.isalnum()
            and (unicodedata.category(seen[1]) in _CLOSING or seen[1] in "…\u00a0")):
        return None  # "IRMÃ”", "“PÅ”": an all-caps word or a quoted letter before a closing mark
    if (len(seen) == 2 and before.isupper() and seen[1] in "’'" and after in "sS"
            and not text[end + 1:end + 2].isalnum()):
        return None  # "ÅBENRÅ’s", "IRMÃ’s": an all-caps name's possessive, not "Œ" or "Ò"
    if len(chars) == 1:
        return chars, True
    fitting = [c for c in chars if unicodedata.category(c) in _ORDER and _fits(c, before, after)]
    rest = [c for c in chars if c not in fitting]
    return tuple(fitting + rest), len(fitting) == 1


def _fits(char: str, before: str, after: str) -> bool:
    kind = unicodedata.category(char)
    if kind == "Pd":  # a hyphen joins two words
        return before.isalnum() and after.isalnum()
    if kind in ("Pf", "Pe"):  # a closing mark follows a word and precedes a space or punctuation
        return not before.isspace() and not after.isalnum()
    return True


def _remnant(text: str, start: int, severity: str) -> Hit | None:
    """What is left when a converter also normalised the byte after the lead: a lone "Â" before a
    space (a no-break space, "10Â km"), or "Ã" inside a lower-case word ("voilÃ ", "LÃa")."""
    lead = text[start]
    before = text[start - 1] if start else " "
    after = text[start + 1] if start + 1 < len(text) else " "
    if lead == "\ufffd":
        return Hit(start, start + 1, "encoding", severity,
                   "replacement character '\ufffd': a character was lost in a conversion; retype it", None)
    if lead == "\u00c3" and before.islower() and after == " ":  # "à" whose no-break space became a space
        return _hit(start, start + 1, "Ã", ("à",), severity, certain=False)
    if lead == "\u00c3" and before.isalpha() and after.islower():
        # "í" whose soft hyphen (AD) was stripped: no word in any language has "Ã" before a-z
        return _hit(start, start + 1, "Ã", ("í",), severity, certain=False)
    if before.isupper():
        return None  # an all-caps word ("SÃO", "IRMÃ ", "CÂ")
    if lead == "\u00c2" and after == " " and (before.isspace() or not before.isalpha() or before.islower()):
        if before.isspace() and start + 2 < len(text) and text[start + 2].isupper():
            return None  # "Â" as a word of its own before a capital (a name, a Vietnamese initial)
        return _hit(start, start + 2, "Â ", ("\u00a0",), severity)
    return None


def _printable(seen: str) -> str:
    """`seen` with invisible characters (C1 controls, no-break spaces) written as escapes."""
    return "".join(c if c == " " or unicodedata.category(c)[0] not in "CZ" else f"\\x{ord(c):02x}"
                   if ord(c) < 0x100 else f"\\u{ord(c):04x}" for c in seen)


def _show(char: str) -> str:
    return {"\u00a0": "a no-break space"}.get(char, f"'{char}'")


def _hit(start: int, end: int, seen: str, chars: tuple[str, ...], severity: str, *,
         certain: bool = True) -> Hit:
    shown = _printable(seen)
    meant = chars[0]
    chars = chars[:3]  # the likeliest few
    if len(chars) == 1:
        message = f"'{shown}' looks like mis-decoded text for {_show(meant)}"
    else:
        others = ", ".join(_show(c) for c in chars[1:])
        message = f"'{shown}' looks like mis-decoded text for {_show(meant)} (or {others})"
    sure = certain
    return Hit(start, end, "encoding", severity, message + ("" if sure else ": check it"), meant,
               replacement=meant if sure else None)
