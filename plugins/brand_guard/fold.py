"""A normalised view of text, for finding code names however they are disguised.

`Project **Bluefin**`, `Blue<span>fin</span>`, `Blue&#102;in`, `Blue\u00adfin` (soft hyphen),
`Blue\u200bfin` (zero-width space), `Ｂｌｕｅｆｉｎ` (full-width) and `Bluеfin` (Cyrillic е) all read
as "Bluefin" on a page. The view undoes each disguise before matching:

- Markdown emphasis, code and link marks (`*`, `_`, `~`, backticks, `[`, `]`) and backslash
  escapes are dropped
  (`Tide[water](…)` reads as one word on the page);
- HTML comments and inline tags are dropped from the running text (so `Blue<b>fin</b>` joins
  up, and so does `<wbr>`, which shows nothing; a block or line-break tag such as `<p>` or `<br>`
  becomes a line break), and their insides
  — attribute values, comment text — are appended as separate segments, so a name in `alt="…"`,
  `title="…"` or a comment is still seen;
- character references (`&#102;`, `&#x66;`, `&shy;`, also without the final `;` as browsers
  accept them), JSON escapes (`\\u0066`) and URL escapes (`%66`, `%D0%B5`) are decoded, then
  folded like any other character;
- format characters (Unicode category Cf: soft hyphen, zero-width space/joiners, word joiner,
  BOM, bidi controls) and other default-ignorable characters (variation selectors, Hangul
  fillers) are dropped, and so are combining marks (`Tide\u0301water` and `Tidéwater` read as
  Tidewater);
- every other non-ASCII character goes through NFKC (full-width, ligatures, math letters,
  no-break and thin spaces) and then Unicode's confusables table (UTS #39, as shipped by the
  `confusable-homoglyphs` package): a letter from another script that looks like a Latin letter
  or digit becomes that letter. Case is left to the (case-insensitive) matcher.

Every character of the view remembers the span of the original text it came from, so a match in
the view is reported at the original line and column. Spaces and hyphens are *not* removed: a
word split by a visible space ("blue fin") is two words to a reader as well.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

#: Characters that render as nothing but are not in category Cf (Unicode Default_Ignorable_Code_Point).
_IGNORABLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
    + "".join(chr(c) for c in range(0xE0100, 0xE01F0))
)

#: Anything that can hide or change a letter. The pattern starts with one character class, so `re`
#: skips in C to the next candidate; each alternative then checks which character it was.
_REF = r"(?<=&)(?P<ref>(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?)"
_ESCAPE = r"(?<=\\)(?P<esc>u[0-9a-fA-F]{4}(?:\\u[0-9a-fA-F]{4})?)"  # JSON \u0066 (JSON-LD, manifest)
_PERCENT = r"(?<=%)(?P<pct>[0-9a-fA-F]{2}(?:%[0-9a-fA-F]{2})*)"  # URL escapes (%66, %D0%B5)
_WIDE = r"(?<=[^\x00-\x7f])(?P<wide>[^\x00-\x7f]*)"
#: An element a reader never sees in the running text: ruby annotations (`<rt>`, `<rp>`) and elements
#: hidden by the `hidden` attribute or an inline `display:none` / `visibility:hidden` style.
#: `Tide<span style="display:none">zq</span>water` reads "Tidewater": the element is taken out of
#: the running text like a comment (its inside is still scanned on its own).
_HIDDEN = (r"(?i:(?P<hname>rt|rp|[a-z][a-z0-9]*(?=[^<>]*?\s(?:hidden(?=[\s=/>])|style\s*=[^<>]*?"
           r"(?:display\s*:\s*none|visibility\s*:\s*hidden))))(?=[\s/>])[^<>]*>.{0,2000}?</(?P=hname)\s*>)")
#: A Markdown backslash escape (`Tide\_water` shows "Tide_water"): the backslash shows nothing.
_BACKSLASH = r"(?<=\\)(?P<bslash>)(?=[!-/:-@\[-`{-~])"
_SPECIAL = re.compile(
    r"[<&*_~`\[\]\\%\x80-\U0010ffff](?:"
    rf"(?<=<)(?:(?P<comment>!--.*?-->)|(?P<hidden>{_HIDDEN})|(?P<tag>/?[A-Za-z][^<>]*>))"
    rf"|{_REF}|{_ESCAPE}|{_BACKSLASH}|{_PERCENT}"
    r"|(?<=[*_~`\[\]])(?P<mark>[*_~`\[\]]*)"
    rf"|{_WIDE})",
    re.DOTALL,
)
_SPECIAL_IN_TAG = re.compile(
    rf"[&\\%*_~`\[\]\x80-\U0010ffff](?:{_REF}|{_ESCAPE}|{_BACKSLASH}|{_PERCENT}"
    r"|(?<=[*_~`\[\]])(?P<mark>[*_~`\[\]]*)"
    rf"|{_WIDE})")
#: Tags that end a line or a block: to a reader they separate words (`Tide<br>water`); every
#: other tag (`b`, `em`, `span`, `a`, …) can sit inside a word.
_BREAKING = re.compile(
    r"</?(?:address|article|aside|blockquote|br|caption|dd|details|dialog|div|dl|dt|fieldset|figcaption|"
    r"figure|footer|form|h[1-6]|header|hgroup|hr|li|main|nav|ol|p|pre|section|summary|table|tbody|td|"
    r"tfoot|th|thead|tr|ul|img|input|select|textarea|button|option|title|head|body|html|meta|link|"
    r"script|style|noscript|iframe|video|audio|source|track|svg|math)(?=[\s/>])",
    re.IGNORECASE,
)

_TABLE: dict[str, str] = {}


def _confusables() -> dict[str, str]:
    """Non-ASCII character -> the ASCII letters or digits it is confusable with (UTS #39).

    The package stores each confusables.txt line both ways (source -> prototype and back); a
    non-ASCII source whose prototype is ASCII has exactly one ASCII entry. Loaded on first use
    (about 30 ms): text that is plain ASCII never needs it.
    """
    if not _TABLE:
        for char, entries in _confusables_data().items():
            if len(char) != 1 or char.isascii():
                continue
            targets = {e["c"] for e in entries if e["c"].isascii() and e["c"].isalnum()}
            if len(targets) == 1:
                _TABLE[char] = targets.pop()
        _TABLE.setdefault("\x00", "")  # loaded, even if the package had nothing
    return _TABLE


def _confusables_data() -> dict:
    """The package's confusables.json, read directly (20 ms); importing its `confusables` module
    would also load its script-categories table (another 150 ms) that we do not need."""
    try:
        from importlib.resources import files

        return json.loads(files("confusable_homoglyphs").joinpath("confusables.json").read_bytes())
    except (OSError, ValueError, ModuleNotFoundError):
        from confusable_homoglyphs import confusables  # the package's own loader, if its layout changed

        return confusables.confusables_data


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    """The folded form of one non-ASCII character ("" for one that renders as nothing)."""
    if char in _IGNORABLE or unicodedata.category(char) in ("Cf", "Mn"):  # Mn: a combining mark
        return ""
    table = None
    out = []
    for part in unicodedata.normalize("NFKC", char):
        if part.isascii():
            out.append(part)
            continue
        if unicodedata.category(part) in ("Cf", "Mn"):
            continue
        base = unicodedata.normalize("NFD", part)  # é -> e + U+0301, ё -> е + U+0308: the bare letter
        if len(base) > 1 and all(unicodedata.category(c) == "Mn" for c in base[1:]):
            part = base[0]
            if part.isascii():
                out.append(part)
                continue
        table = table or _confusables()
        out.append(_look_alike(part, table))
    return "".join(out)


def _look_alike(char: str, table: dict[str, str]) -> str:
    """The Latin letters `char` passes for, decided by its lower-case form only, so that a code
    name and a text fold alike whatever their case: capital І (Cyrillic) has the prototype "l"
    but its small і has "i"; small т has no entry but capital Т passes for "T"."""
    lower = char.lower()
    if len(lower) != 1:
        return table.get(char, char).lower() if char in table else char
    if lower in table:
        return table[lower].lower()
    upper = lower.upper()
    if len(upper) == 1 and upper in table:
        return table[upper].lower()
    return table[char].lower() if char in table else lower


def fold_text(text: str) -> str:
    """NFKC + ignorables + confusables for plain text (no markup handling), e.g. a code name."""
    if text.isascii():
        return text
    return "".join(c if c.isascii() else fold_char(c) for c in text)


@dataclass
class View:
    """The normalised text and, per character of it, the original span it stands for."""

    text: str
    changed: bool
    _pieces: list[tuple[int, int, str | None]]  # (orig start, orig end, replacement or None = copy)
    _origin: list[int] | None = None
    _origin_end: list[int] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original (start, end) of view[start:end] (end > start)."""
        if self._origin is None:
            self._build_map()
        return self._origin[start], self._origin_end[end - 1]

    def _build_map(self) -> None:
        origin: list[int] = []
        origin_end: list[int] = []
        for a, b, replacement in self._pieces:
            if replacement is None:
                origin.extend(range(a, b))
                origin_end.extend(range(a + 1, b + 1))
            else:
                origin.extend([a] * len(replacement))
                origin_end.extend([b] * len(replacement))
        self._origin, self._origin_end = origin, origin_end


def view(text: str) -> View:
    """The normalised view of `text` (a post source, a social text, a rendered page)."""
    pieces: list[tuple[int, int, str | None]] = []
    segments: list[tuple[int, int, bool]] = []  # tag or comment insides, scanned after the text
    _fold_into(text, 0, len(text), _SPECIAL, pieces, segments)
    for start, end, markup in segments:
        pieces.append((start, start, "\n"))  # a segment never runs into what comes before it
        _fold_into(text, start, end, _SPECIAL if markup else _SPECIAL_IN_TAG, pieces, None)
    changed = any(r is not None for _, _, r in pieces)
    folded = "".join(text[a:b] if r is None else r for a, b, r in pieces) if changed else text
    return View(folded, changed, pieces)


def _fold_into(text: str, lo: int, hi: int, pattern: re.Pattern, pieces: list,
               segments: list | None) -> None:
    pos = lo
    for match in pattern.finditer(text, lo, hi):
        start, end = match.span()
        if start > pos:
            pieces.append((pos, start, None))
        kind = match.lastgroup
        if kind == "wide":
            for i in range(start, end):
                folded = fold_char(text[i])
                if folded != text[i] or folded == "":
                    pieces.append((i, i + 1, folded))
                else:
                    pieces.append((i, i + 1, None))
        elif kind in ("ref", "esc", "pct"):
            decoded = _decode(kind, match.group())
            folded = "".join(c if c.isascii() else fold_char(c) for c in decoded)
            pieces.append((start, end, folded))
        elif kind in ("mark", "bslash"):
            pieces.append((start, end, ""))
        else:  # a tag or a comment: out of the running text, its inside scanned on its own
            breaking = kind == "tag" and _BREAKING.match(text, start, end)
            pieces.append((start, end, "\n" if breaking else ""))
            if segments is not None:
                if kind == "comment":
                    segments.append((start + 4, end - 3, True))
                elif kind == "hidden":
                    segments.append((start + 1, end, True))
                else:
                    segments.append((start + 1, end - 1, False))
        pos = end
    if hi > pos or not pieces:
        pieces.append((pos, hi, None))


def _decode(kind: str, token: str) -> str:
    """A character reference, JSON escape or run of URL escapes, decoded (as is when invalid)."""
    if kind == "ref":
        return html.unescape(token)
    try:
        if kind == "esc":
            return token.encode("ascii").decode("unicode_escape").encode("utf-16", "surrogatepass") \
                .decode("utf-16")
        return bytes.fromhex(token.replace("%", "")).decode("utf-8")
    except (UnicodeError, ValueError):
        return token


def shown(text: str) -> str:
    """Original text for a message: whitespace collapsed, invisible characters made visible."""
    out = []
    for char in " ".join(text.split()):
        if char in _IGNORABLE or unicodedata.category(char) in ("Cf", "Cc"):
            out.append(f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}")
        else:
            out.append(char)
    return "".join(out)


def lookalikes(text: str, limit: int = 3) -> str:
    """Which characters of `text` pass for others, for a message: "U+0435 CYRILLIC SMALL LETTER
    IE for 'e'" ("" when none): a look-alike letter is invisible to the writer otherwise."""
    notes = []
    for char in dict.fromkeys(text):
        if char.isascii() or char.isspace():
            continue
        folded = fold_char(char)
        if folded and folded != char and folded.isascii():
            name = unicodedata.name(char, "character")
            notes.append(f"U+{ord(char):04X} {name} for '{folded}'")
    more = f" and {len(notes) - limit} more" if len(notes) > limit else ""
    return ", ".join(notes[:limit]) + more


# ---------------------------------------------------------------- the same view, fast, no offsets

_TAG_OR_COMMENT = re.compile(r"<!--(.*?)-->|<(/?[A-Za-z][^<>]*)>", re.DOTALL)
_HIDDEN_ELEMENT = re.compile("<" + _HIDDEN, re.DOTALL)
_BREAKING_TAG = re.compile(_BREAKING.pattern + r"[^<>]*>", re.IGNORECASE)
_ANY_REF = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")
_ANY_ESCAPE = re.compile(r"\\u[0-9a-fA-F]{4}(?:\\u[0-9a-fA-F]{4})?")
_ANY_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~])")
_ANY_PERCENT = re.compile(r"%[0-9a-fA-F]{2}(?:%[0-9a-fA-F]{2})*")


def quick(text: str, low: str | None = None) -> str:
    """The text `view` produces, up to the order of segments, without an offset map.

    For large volumes (the last gate reads a whole site): C-level substitutions and one
    `str.replace` per *distinct* entity or non-ASCII character, so a page full of tags and
    entities costs a few passes instead of a Python step per tag. Use it to decide *whether* a
    text names a code name; `view` then says where. (`low`: `text.lower()`, if the caller has it.)
    """
    cut = ""
    if "&" in text and _REF_THEN_CUT.search(text):
        # `Blue&#x75<b>e</b>fin`: cutting the tag first would make `&#x75e` of it. A character
        # the text does not hold ends each such reference until references are decoded.
        cut = next((c for c in _ENDS if c not in text), "")
        if cut:
            text, low = _REF_THEN_CUT.sub(r"\g<0>" + cut, text), None
    if "<" in text:
        text = _untag(text, low=low)
    if "\\" in text:
        text = _ANY_BACKSLASH.sub("", text)
    for mark in "*_~`[]":  # before decoding: `&#42;` shows a real asterisk
        if mark in text:
            text = text.replace(mark, "")
    if "&" in text:
        text = _replace_each(text, _ANY_REF, "ref")
    if cut:
        text = text.replace(cut, "")
    if "\\u" in text:
        text = _replace_each(text, _ANY_ESCAPE, "esc")
    if "%" in text:
        text = _replace_each(text, _ANY_PERCENT, "pct")
    if not text.isascii():
        for char in set(_ASCII_RUN.sub("", text)):
            folded = fold_char(char)
            if folded != char:
                text = text.replace(char, folded)
    return text


_ASCII_RUN = re.compile(r"[\x00-\x7f]+")
#: A reference without its `;` right before what `quick` cuts out ahead of decoding (a tag, a mark,
#: a backslash), and control characters (not white space) to end it with.
_REF_THEN_CUT = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31})"
                           r"(?=[<\\*_~`\[\]])")
_ENDS = "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10"


def _untag(text: str, depth: int = 2, low: str | None = None) -> str:
    """Tags and comments out of the running text, their insides appended (a comment's inside
    may hold tags of its own: one level more)."""
    hidden: list[str] = []
    if _may_hide(text, text.lower() if low is None else low):
        text = _HIDDEN_ELEMENT.sub(lambda m: hidden.append(m.group()[1:]) or "", text)
    inside = "\n".join([*hidden, *(a or b for a, b in _TAG_OR_COMMENT.findall(text))])
    if depth > 1 and "<" in inside:
        inside = _untag(inside, depth - 1)
    return _TAG_OR_COMMENT.sub("", _BREAKING_TAG.sub("\n", text)) + "\n" + inside


def _replace_each(text: str, pattern: re.Pattern, kind: str) -> str:
    """Decode every distinct token once (longest first, `&amp;` last: one level of escaping per pass)."""
    tokens = sorted(set(pattern.findall(text)), key=lambda t: (t.startswith("&amp"), -len(t)))
    for token in tokens:
        decoded = _decode(kind, token)
        if decoded != token:
            text = text.replace(token, decoded)
    return text



# ---------------------------------------------------------------- proof that `view` shows no word

#: `_SPECIAL` reduced to tags, Markdown marks and backslash escapes, for a text without `<!--` and
#: without a hidden element (`_may_hide`), whose other alternatives could not match in it. Every
#: other alternative starts at a character (`&`, `%`, a backslash before `u`, non-ASCII) at which
#: none of these can start, so what these match is exactly what `view` matches with them.
_SKELETON = re.compile(
    r"[<*_~`\[\]\\](?:(?<=<)(?P<tag>/?[A-Za-z][^<>]*>)|" + _BACKSLASH
    + r"|(?<=[*_~`\[\]])(?P<mark>[*_~`\[\]]*))",
    re.DOTALL,
)
_SKELETON_IN_TAG = re.compile(r"[\\*_~`\[\]](?:" + _BACKSLASH + r"|(?<=[*_~`\[\]])(?P<mark>[*_~`\[\]]*))")
_ESCAPE_RUN = re.compile(r"\\u[0-9a-fA-F]{4}(?:\\u[0-9a-fA-F]{4})*")  # a literal first: `re` skips to it fast
_DISPLAY_NONE = re.compile(r"display\s*:\s*none")
_VISIBILITY_HIDDEN = re.compile(r"visibility\s*:\s*hidden")
#: Characters that lower-case to, or match case-insensitively in `re`, an ASCII letter
#: (dotless ı, dotted İ, long ſ, Kelvin K).
_CASE_TWINS = "\u0131\u0130\u017f\u212a"


def skeletons(text: str, alphabet: frozenset[str], low: str | None = None) -> tuple[str, str] | None:
    """Two lower-case strings holding every run of `alphabet` characters of `view(text).lower()`,
    or None.

    For the last gate: most pages of a site name no code name, and `view`/`quick` cost a dozen
    passes over each. Here: a word made of `alphabet` characters (the anchor words of the code
    names) that is in `view(text).lower()` is in `running` or in `inside` (`low`: `text.lower()`).

    Why. `view` cuts the text into pieces: copied characters, and matches replaced by an output.
    References, JSON escapes and URL escapes are kept here as they are written, so each must show
    as written or as something non-empty without an `alphabet` character (checked; else None): a
    word of the view then never includes one, and no empty one joins two parts of a word.
    Non-ASCII characters are replaced by what `view` shows for them. Tags, marks and backslash
    escapes are cut exactly where `view` cuts them (`_SKELETON`; comments and hidden elements,
    which it does not know, give None) and deleted — `view` replaces a tag by "" or a line break,
    never by a letter. So the characters of a word of the view are here, in the same order, and
    nothing is left between two of them that the view does not show between them: `running`
    for the running text; `inside`, with every tag kept, for a tag's inside, which no piece
    crosses (no reference, escape, mark or non-ASCII character contains `<` or `>`). Deleting a
    tag or a non-empty output only joins more characters: a superset, never a miss. All of it is
    done on the lower-cased text, whose ASCII letters are where the text's are (checked).
    """
    low = text.lower() if low is None else low
    if len(low) != len(text) or "<!--" in text or ("<" in text and _may_hide(text, low)):
        return None
    if "&" in text and not all(_shows_apart("ref", t, alphabet) for t in set(_ANY_REF.findall(text))):
        return None
    if "\\u" in text and not all(_shows_apart("esc", t, alphabet) for t in _escape_tokens(text)):
        return None
    if "%" in text and not all(_shows_apart("pct", t, alphabet) for t in _percent_tokens(text)):
        return None
    changed: dict[str, str] = {}
    if not text.isascii():
        if "\u03a3" in text:
            return None  # capital sigma: lower() makes it σ or ς depending on its neighbours
        shown: dict[str, str] = {}
        for char in set(_ASCII_RUN.sub("", text)):
            out = fold_char(char).lower()
            lowered = char.lower()  # where `char` is in `low` (one character: the lengths match)
            if lowered.isascii() or shown.setdefault(lowered, out) != out:
                return None  # Kelvin K, or two characters lower-cased alike that fold apart
        changed = {char: out for char, out in shown.items() if out != char}
        if any(c in changed for out in changed.values() for c in out):
            return None  # an output that would be replaced again
    running = _SKELETON.sub("", low)
    inside = _SKELETON_IN_TAG.sub("", low)
    for char, out in changed.items():
        running = running.replace(char, out)
        inside = inside.replace(char, out)
    return running, inside


def _escape_tokens(text: str) -> set[str]:
    """Every JSON escape `view` may decode: each `\\uXXXX`, alone and with the one right after it."""
    out = set()
    for run in set(_ESCAPE_RUN.findall(text)):
        units = [run[i:i + 6] for i in range(0, len(run), 6)]
        out.update(units)
        out.update(a + b for a, b in zip(units, units[1:], strict=False))
    return out


def _percent_tokens(text: str) -> set[str]:
    """Every run of URL escapes `view` may decode: from each `%` of each run to the run's end."""
    out = set()
    for run in set(_ANY_PERCENT.findall(text)):
        out.update(run[i:] for i in range(0, len(run), 3))
    return out


def _may_hide(text: str, low: str) -> bool:
    """Could `_HIDDEN` match in `text`? (`low`: `text.lower()`.) It needs `<rt`, `<rp`, a white
    space before "hidden", or an inline style hiding: searched in `low` with `str` methods, or,
    when `text` holds a character `re` matches to an ASCII letter without lower-casing to it,
    with `re` itself."""
    if not text.isascii() and any(c in text for c in _CASE_TWINS):
        return re.search(r"<r[tp]|\shidden|display\s*:\s*none|visibility\s*:\s*hidden", text,
                         re.IGNORECASE) is not None
    if "<rt" in low or "<rp" in low:
        return True
    if "display" in low and _DISPLAY_NONE.search(low):
        return True
    if "visibility" in low and _VISIBILITY_HIDDEN.search(low):
        return True
    if low.count("hidden") == low.count("-hidden"):  # aria-hidden, in every themed page
        return False
    at = low.find("hidden")
    while at >= 0:
        if at and low[at - 1].isspace():
            return True
        at = low.find("hidden", at + 1)
    return False


@lru_cache(maxsize=65536)
def _shows_apart(kind: str, token: str, alphabet: frozenset[str]) -> bool:
    """Does `view` show this reference or escape as written, or as something non-empty that no
    word of `alphabet` characters can include?"""
    out = "".join(c if c.isascii() else fold_char(c) for c in _decode(kind, token))
    return out == token or (out != "" and not any(_twins(c) & alphabet for c in out))


def _twins(char: str) -> set[str]:
    """The characters `char` may stand for in a case-insensitive search."""
    return {*char, *char.lower(), *char.upper().lower(), *char.casefold()}
