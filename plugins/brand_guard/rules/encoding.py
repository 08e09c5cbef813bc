"""encoding: mojibake (UTF-8 read as Windows-1252/Latin-1) and lost characters.

Text pasted from a mis-decoded email or CMS export shows "â€™" for "’" and "Ã©" for "é". We find
a lead character of a UTF-8 sequence followed by the right number of continuation characters,
re-encode them as Windows-1252 and decode as UTF-8: when that yields a plausible character it is
almost certainly what the writer meant, so the suggestion is exact.
"""

from __future__ import annotations

import re

from ..findings import Hit


def _byte_of() -> dict[str, int]:
    table = {chr(b): b for b in range(0x80, 0x100)}  # Latin-1 reading (incl. C1 controls)
    for b in range(0x80, 0x100):
        try:
            table[bytes([b]).decode("cp1252")] = b
        except UnicodeDecodeError:
            pass
    return table


_BYTE = _byte_of()
_CONT = "".join(re.escape(c) for c, b in sorted(_BYTE.items()) if 0x80 <= b <= 0xBF)
_MOJIBAKE = re.compile(
    rf"[\u00c2-\u00df][{_CONT}]|[\u00e0-\u00ef][{_CONT}]{{2}}|[\u00f0-\u00f4][{_CONT}]{{3}}|\ufffd"
)
_LEAD = re.compile("[\u00c2-\u00f4\ufffd]")
#: Characters a writer plausibly meant: Latin, Greek, Cyrillic, punctuation, symbols, emoji.
_PLAUSIBLE = re.compile(r"[\u00a0-\u02ff\u0370-\u04ff\u2000-\u22ff\U0001f000-\U0001faff]")


def check_encoding(text: str, severity: str = "warning") -> list[Hit]:
    """Hits for mojibake sequences (with the intended character) and U+FFFD replacement marks."""
    if text.isascii() or not _LEAD.search(text):  # mojibake is never ASCII; then one class, in C
        return []
    hits = []
    for match in _MOJIBAKE.finditer(text):
        seen = match.group()
        if seen == "\ufffd":
            hits.append(Hit(match.start(), match.end(), "encoding", severity,
                            "replacement character '\ufffd': a character was lost in a conversion; "
                            "retype it", None))
            continue
        try:
            meant = bytes(_BYTE[c] for c in seen).decode("utf-8")
        except UnicodeDecodeError:
            continue
        if not _PLAUSIBLE.fullmatch(meant):
            continue
        hits.append(Hit(match.start(), match.end(), "encoding", severity,
                        f"'{seen}' looks like mis-decoded text for '{meant}'", meant))
    return hits
