"""Secrets never leave the process: one redaction function for every place text goes out.

What counts as a secret: the value of every secret variable in the channel registry (and of any
token-like `*_TOKEN`, `*_SECRET`, `*_PASSWORD`, `*_API_KEY`, `*_ACCESS_KEY`, `*_WEBHOOK_URL`
variable), as a whole and in meaningful fragments, because servers echo *parts* of what they were
sent: a Slack webhook that answers 400 repeats its path (`/services/T…/B…/<secret>`), a Teams
workflow URL carries its signature in `?sig=`, an atproto session string holds two JWTs. Each of
those is replaced by `***` in raw, URL-encoded, JSON-escaped and HTML-escaped form, and inside
base64 text (an echoed `Authorization: Basic …` header).

Servers and libraries also change what they echo, so the forms are a class, not a list of cases:
upper- or lower-cased (an error page that shouts, a proxy that lower-cases a path), URL escapes
with lower-case hex (`%2d`) or `+` for a space, escaped twice (`%252F`), a `+` the server decoded
as a space, JSON with every `&`, `<`, `>` escaped (`\u0026`), HTML numeric references, and a long
value wrapped across lines (MIME bodies, folded headers, wrapped log lines). Case is ignored only
for a value that still looks like a token in any case (a digit or 20+ characters: `T01ABCDEF`,
`Xy9AbC…`), so a path segment such as `Update` never masks the word "update"; base64 text is
matched exactly (its case is its content).

Where it is applied (the boundaries): ledger records (`ledger.Writer`), the preview files,
everything written to stdout/stderr while the publish step runs (`redacting()` wraps both
streams), every log record (a record factory), and the error messages kept in items.
Messages are clipped only *after* redaction (`clip`), so a cut can never leave half a secret.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import re
import sys
import traceback
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

from .channels.registry import env_names, secret_env_names

MASK = "***"
#: A whole secret shorter than this is still redacted (a short token is still a token)...
MIN_WHOLE = 4
#: ...but a fragment must be at least this long and look like a token, or we would mask words.
MIN_FRAGMENT = 6
#: A long secret cut short by a library ("eyJ0eXAiOiJ…") is still masked from this many characters.
MIN_HEAD = 12
#: Variable names that hold secrets whatever the registry says (deploy targets, future channels).
SECRET_NAME = re.compile(r"(?:_TOKEN|_SECRET|_PASSWORD|_API_KEY|_ACCESS_KEY|_WEBHOOK_URL)$")
#: Query parameters that describe a request rather than authorise it (Teams workflow URLs).
PUBLIC_QUERY = frozenset({"api-version", "sv", "sp"})
_SPLIT = re.compile(r":::|[\s,;|]+")  # atproto session strings, lists of tokens
_HOST = re.compile(r"[a-z0-9.-]+\.[a-z]{2,}")
#: A line break with the indentation around it (wrapped text, folded headers), also as a JSON
#: escape (`\n` in an error body a library quotes unparsed).
_WRAP = re.compile(r"[ \t]*(?:\r?\n|\\r\\n|\\n)[ \t]*")


def token_like(part: str) -> bool:
    """A URL fragment worth masking: long enough and not a plain word like `services`."""
    return len(part) >= MIN_FRAGMENT and (len(part) >= 20 or any(c.isdigit() or c.isupper() for c in part))


def opaque(piece: str) -> bool:
    """A piece of a compound secret (a session string) that is itself a credential (a JWT), not
    the handle, DID or server URL stored beside it — those also appear in post URLs and ids."""
    return (len(piece) >= 20 and "://" not in piece and not piece.startswith("did:")
            and not _HOST.fullmatch(piece))


def fragments(value: str) -> tuple[set[str], set[str]]:
    """(parts, atoms): the whole secret plus the parts a server could echo on their own; atoms are
    the single tokens among them (path ids, query values, JWTs), whose cut-short heads count too."""
    atoms: set[str] = set()
    url = urlsplit(value) if "://" in value else None
    if url and url.netloc:
        atoms.add(url.password or "")
        atoms.update(seg for seg in url.path.split("/") if token_like(seg))
        pairs = parse_qsl(url.query, keep_blank_values=True)  # decoded...
        pairs += [tuple(pair.partition("=")[::2]) for pair in url.query.split("&")]  # ...and as written
        atoms.update(v for k, v in pairs if k.lower() not in PUBLIC_QUERY and len(v) >= MIN_FRAGMENT)
        parts = set(atoms)
        if len(url.path) > 1:
            parts.update({url.path, url.netloc + url.path})
        if url.query:
            parts.update({url.query, f"{url.path}?{url.query}"})
    else:
        pieces = [piece for piece in _SPLIT.split(value) if piece]
        atoms.update(piece for piece in pieces if opaque(piece))
        if len(pieces) == 1:
            atoms.add(value)  # a plain token
        parts = set(atoms)
    if len(value) >= MIN_WHOLE:
        parts.add(value)
    return {p for p in parts if p}, {a for a in atoms if len(a) >= MIN_WHOLE}


def caseless(part: str) -> bool:
    """May `part` be masked in any case? Only when no casing of it is an ordinary word: it holds a
    digit or is 20+ characters long (`token_like` without its capitals test, which casing undoes:
    `Update` or `AbcDefGhi` are masked as written, never "update" or "ABCDEFGHI")."""
    return len(part) >= MIN_WHOLE and (len(part) >= 20 or any(c.isdigit() for c in part))


_HEX = re.compile(r"%[0-9A-F]{2}")
#: What JSON encoders that are safe to embed in HTML (Go's, .NET's) escape besides the usual.
_JSON_HTML = str.maketrans({"&": "\\u0026", "<": "\\u003c", ">": "\\u003e", "'": "\\u0027",
                            "+": "\\u002b", "=": "\\u003d"})


def forms(part: str) -> set[str]:
    """The ways `part` shows up in text: raw, URL-encoded (either hex case, `+` or `%20` for a space,
    twice), a `+` decoded as a space, JSON-escaped (also HTML-safe JSON), HTML-escaped (named or
    numeric references)."""
    encoded = {quote(part, safe=""), quote(part, safe="/"), quote_plus(part), quote(part, safe="/:=&?")}
    encoded |= {quote(e, safe="") for e in list(encoded)}  # escaped twice: %2F -> %252F
    encoded |= {_HEX.sub(lambda m: m[0].lower(), e) for e in encoded}
    found = {part, part.replace("+", " "), html.escape(part), *encoded,
             "".join(c if c.isalnum() else f"&#{ord(c)};" for c in part),
             "".join(c if c.isalnum() else f"&#x{ord(c):x};" for c in part),
             html.escape(part).replace("/", "&#x2F;")}
    escaped = json.dumps(part, ensure_ascii=False)[1:-1]
    found |= {escaped, escaped.replace("/", "\\/"), json.dumps(part)[1:-1], escaped.translate(_JSON_HTML)}
    return {f for f in found if f}


def base64_cores(secret: str) -> set[str]:
    """The base64 text a secret turns into wherever it sits in an encoded blob (`Basic dXNlcjpwYXNz`
    echoed back, a token inside a base64 JSON): for each of the three byte alignments, the run of
    characters that depends on the secret's bytes alone, standard and URL-safe alphabets."""
    data = secret.encode("utf-8")
    if len(data) < MIN_FRAGMENT + 2:  # a short core could occur in any base64 text by chance
        return set()
    cores = set()
    for shift in range(3):  # characters [start, end) of the encoding hold the secret's bits only
        start, end = (8 * shift + 5) // 6, 8 * (shift + len(data)) // 6
        core = base64.b64encode(b"\0" * shift + data + b"\0\0").decode()[start:end]
        cores |= {core, core.translate(_URLSAFE)}
    return cores


_URLSAFE = str.maketrans("+/", "-_")

#: Credentials obtained while running (a Bluesky session's JWTs): as secret as the variables.
_RUNTIME: set[str] = set()


def remember(*values: str | None) -> None:
    """Treat these values as secrets from now on, in every Redactor of this process."""
    _RUNTIME.update(v for v in values if v and len(v) >= MIN_WHOLE)


def secret_names(env: Mapping[str, str], names: Iterable[str] | None = None) -> list[str]:
    listed = set(secret_env_names() if names is None else names)
    return sorted(n for n in env if n in listed or SECRET_NAME.search(n))


class Redactor:
    """Replaces every secret from the environment, and its fragments, with *** in any text."""

    def __init__(self, env: Mapping[str, str], names: Iterable[str] | None = None):
        secret = secret_names(env, names)
        # Identity values (handle, author URN, instance URL) are public and appear in post URLs.
        public = {env[n].strip() for n in env_names() if n not in secret and env.get(n)}
        exact: set[str] = set()
        anycase: set[str] = set()
        self._atoms: set[str] = set()
        listed = set(secret_env_names() if names is None else names)
        for name in secret:
            value = (env.get(name) or "").strip()
            if name not in listed and "://" not in value and not token_like(value):
                continue  # e.g. CI_TOKEN=true: masking "true" everywhere would only mangle text
            parts, atoms = fragments(value)
            for part in parts:
                if part == value or part not in public:
                    (anycase if caseless(part) else exact).update(forms(part))
            for atom in {value, *atoms} - public:
                exact.update(base64_cores(atom))
            self._atoms |= atoms - public
        self._static = (exact, anycase)
        self._known = -1
        self._refresh()

    def _refresh(self) -> None:
        if self._known == len(_RUNTIME):
            return
        exact, anycase = set(self._static[0]), set(self._static[1])
        for value in _RUNTIME:
            (anycase if caseless(value) else exact).update(forms(value))
        self.secrets = sorted(exact | anycase, key=len, reverse=True)
        # Token-like forms are matched in the lower-cased text (a literal alternation stays fast;
        # re.IGNORECASE over hundreds of literals is ten times slower); the rest exactly.
        lowered = sorted({s.lower() for s in anycase}, key=len, reverse=True)
        self._lower = re.compile("|".join(map(re.escape, lowered))) if lowered else None
        self._anycase = re.compile("|".join(map(re.escape, lowered)), re.IGNORECASE) if lowered else None
        exact = sorted(exact, key=len, reverse=True)
        self._exact = re.compile("|".join(map(re.escape, exact))) if exact else None
        # Libraries shorten what they quote ("Bearer eyJ0eXAi…"): a long token's head is masked too.
        self._heads: dict[str, list[str]] = {}
        for atom in self._atoms | _RUNTIME:
            for form in forms(atom):
                if len(form) >= MIN_HEAD + 4:
                    self._heads.setdefault(form[:MIN_HEAD], []).append(form)
        self._head_pattern = re.compile("|".join(map(re.escape, self._heads))) if self._heads else None
        self._known = len(_RUNTIME)

    def __call__(self, text: str) -> str:
        self._refresh()
        if not self.secrets or not text:
            return text
        if "\n" in text or "\\n" in text:
            spans = self._wrapped_spans(text)
        else:
            spans = self._spans(text)
        if spans:
            text = _masked(text, spans)
        return self._mask_heads(text) if self._head_pattern is not None else text

    def _spans(self, text: str) -> list[tuple[int, int]]:
        """Where a secret stands in `text`: token-like forms in any case, the others as written."""
        spans = []
        if self._lower is not None:
            low = text.lower()
            if len(low) == len(text):  # one character per character (not so for "İ"): same offsets
                spans += [m.span() for m in self._lower.finditer(low)]
            else:
                spans += [m.span() for m in self._anycase.finditer(text)]
        if self._exact is not None:
            spans += [m.span() for m in self._exact.finditer(text)]
        return spans

    def _wrapped_spans(self, text: str) -> list[tuple[int, int]]:
        """`_spans` for text with line breaks, also finding secrets a wrap cut in two
        (`Xy9AbCd\n  EfGh…`): matched on the text with every line break and the indentation
        around it taken out, masked at the original place."""
        starts, origins = [0], [0]  # each line's start in the joined text and in `text`
        pieces, at = [], 0
        for brk in _WRAP.finditer(text):
            pieces.append(text[origins[-1]:brk.start()])
            at += brk.start() - origins[-1]
            starts.append(at)
            origins.append(brk.end())
        pieces.append(text[origins[-1]:])
        spans = []
        for start, end in self._spans("".join(pieces)):
            first = bisect_right(starts, start) - 1
            last = bisect_right(starts, end - 1) - 1
            if first != last and end - start < MIN_FRAGMENT + 2:
                continue  # a short match across a line break could be chance
            spans.append((origins[first] + start - starts[first], origins[last] + end - starts[last]))
        return spans

    def _mask_heads(self, text: str) -> str:
        """Mask each head of a long secret left in `text`, with as much of the rest as follows it."""
        out, pos = [], 0
        for match in self._head_pattern.finditer(text):
            start = match.start()
            if start < pos:
                continue
            end = start + MIN_HEAD
            for form in self._heads[match.group()]:
                stop = start + MIN_HEAD
                while stop < len(text) and stop - start < len(form) and text[stop] == form[stop - start]:
                    stop += 1
                end = max(end, stop)
            out += [text[pos:start], MASK]
            pos = end
        out.append(text[pos:])
        return "".join(out)



def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span (merged where they overlap) replaced by MASK."""
    out, pos = [], 0
    for start, end in sorted(spans):
        if end <= pos:
            continue
        out += [text[pos:max(start, pos)], "" if start < pos else MASK]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def scrub(value, redact):
    """Redact every string inside a JSON-like value (a ledger record, a preview row) before it is
    serialised: masking serialised JSON could cut an escape sequence in half."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact(k) if isinstance(k, str) else k: scrub(v, redact) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v, redact) for v in value]
    return value


def clip(text: str, limit: int = 300) -> str:
    """Shorten a (redacted) message for the ledger and the preview."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def error_text(redact, exc: BaseException | str, limit: int = 300) -> str:
    """An exception's text as it may be stored or shown: redacted first, then clipped."""
    return clip(redact(str(exc)), limit)


class RedactingStream:
    """A text stream that redacts every write before passing it on (stdout/stderr)."""

    def __init__(self, stream, redact):
        self._stream, self._redact = stream, redact

    def write(self, text: str) -> int:
        self._stream.write(self._redact(text))
        return len(text)

    def __getattr__(self, name):  # isatty, fileno, flush, encoding... as the real stream
        return getattr(self._stream, name)


@contextmanager
def redacting(redact: Redactor) -> Iterator[None]:
    """While the publish step runs: redact stdout, stderr and every log record."""
    old_factory = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = old_factory(*args, **kwargs)
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken log call must not break publishing
            text = str(record.msg)
        record.msg, record.args = redact(text), None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return record

    old_out, old_err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = RedactingStream(old_out, redact), RedactingStream(old_err, redact)
    logging.setLogRecordFactory(factory)
    try:
        yield
    finally:
        logging.setLogRecordFactory(old_factory)
        sys.stdout, sys.stderr = old_out, old_err
