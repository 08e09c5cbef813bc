"""What a ledger line must look like, checked before any code trusts it.

Why a check and not `json.loads` alone: the ledger is a text file in git that people merge,
edit and occasionally damage. A list where a slug belongs, a number where a time belongs, a
non-UTF-8 byte or a lone surrogate used to crash `make html` and `python -m publish` deep inside
the fold. Every line now passes through `decode()`: it returns the record, or says in plain words
what is wrong, and the caller skips the line and reports it (never crashes, never guesses).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

#: Every event the ledger knows (see publish/ledger.py for their meaning).
EVENTS = frozenset({"pending", "posted", "failed", "not-sent", "attention", "deferred", "torn"})
#: Optional fields and the JSON types they may hold (None means the key may be null).
TEXT_FIELDS = ("time", "key", "hash", "url", "remote_id", "remote_url", "error", "reason", "via",
               "reset", "fragment", "kind")
FLAG_FIELDS = ("uncertain", "marked", "accepted")
_CHANNEL_IN_TEXT = re.compile(r'"channel"\s*:\s*"([^"\\]{1,40})"')


@dataclass(frozen=True)
class Unreadable:
    """A line the ledger could not use, and what it may have been about.

    `post`/`channel` are set only when the line itself says so (a JSON object with a text `post`
    or `channel`); otherwise `text` (the line decoded leniently) is searched for post slugs.
    """

    line: int
    text: str
    why: str
    post: str | None = None
    channel: str | None = None
    #: The line says it is a `deferred` or `torn` record: about a channel or the file, no post.
    postless: bool = False


def decode(raw: bytes, line: int) -> tuple[dict | None, Unreadable | None]:
    """One ledger line → (record, None) or (None, what is wrong with it)."""
    text = raw.decode("utf-8", errors="replace")
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start:exc.start + 1].hex().upper()
        return None, _unreadable(line, text, f"byte 0x{bad} at column {exc.start + 1} is not UTF-8")
    try:
        record = json.loads(decoded)
    except (ValueError, RecursionError):
        return None, _unreadable(line, text, "not a ledger record (invalid JSON)")
    if not isinstance(record, dict):
        return None, _unreadable(line, text, f"not a ledger record (a JSON {_kind(record)}, not an object)")
    try:
        why = problem(record)
    except RecursionError:
        why = "nested too deeply to be a ledger record"
    if why:
        return None, _unreadable(line, text, why, record)
    return record, None


def problem(record: dict) -> str | None:
    """What is wrong with a decoded record, in plain words (None: it can be trusted)."""
    event = record.get("event")
    if not isinstance(event, str):
        return "no `event`" if event is None else f"`event` is {_a(event)}, expected text"
    if event not in EVENTS:
        return f"unknown event {event[:40]!r}"
    if event == "torn":
        if not isinstance(record.get("line"), int) or isinstance(record.get("line"), bool):
            return "`line` of a torn record must be a whole number"
    elif event == "deferred":
        if not _text(record.get("channel")):
            return _want(record, "channel")
        if record.get("post") is not None:
            return f"`post` of a deferred record must be null, not {_a(record['post'])}"
    else:
        for name in ("post", "channel"):
            if not _text(record.get(name)):
                return _want(record, name)
    for name in TEXT_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            return f"`{name}` is {_a(value)}, expected text"
    media = record.get("media")
    if media is not None:
        if not isinstance(media, dict):
            return f"`media` is {_a(media)}, expected an object"
        for key, value in media.items():
            if not isinstance(value, str):
                return f"`media.{key[:40]}` is {_a(value)}, expected text"
    for name in FLAG_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, bool):
            return f"`{name}` is {_a(value)}, expected true or false"
    if _has_surrogate(record):
        return "a value holds a lone surrogate (\\udXXX), which is not text"
    return None


def mentions(unreadable: Unreadable, slugs: set[str]) -> set[str]:
    """The posts an unreadable line may be about: the one it names, else every known slug in it."""
    if unreadable.post is not None:
        return {unreadable.post}
    escaped = {slug: json.dumps(slug)[1:-1] for slug in slugs}
    return {slug for slug in slugs if slug in unreadable.text or escaped[slug] in unreadable.text}


def channel_of(unreadable: Unreadable) -> str | None:
    """The channel an unreadable line names, if it names exactly one (None: it could be any)."""
    if unreadable.channel is not None:
        return unreadable.channel
    found = set(_CHANNEL_IN_TEXT.findall(unreadable.text))
    return found.pop() if len(found) == 1 else None


def _unreadable(line: int, text: str, why: str, record: dict | None = None) -> Unreadable:
    post = record.get("post") if record else None
    channel = record.get("channel") if record else None
    postless = bool(record) and record.get("event") in ("deferred", "torn")
    return Unreadable(line, text, why, post if _text(post) else None, channel if _text(channel) else None,
                      postless)


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _want(record: dict, name: str) -> str:
    value = record.get(name)
    if value is None:
        return f"no `{name}`"
    return f"`{name}` is {_a(value)}, expected text" if not isinstance(value, str) else f"`{name}` is empty"


def _kind(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    return {list: "list", str: "string", int: "number", float: "number", type(None): "null",
            dict: "object"}.get(type(value), type(value).__name__)


def _a(value) -> str:
    kind = _kind(value)
    return {"list": "a list", "number": "a number", "null": "null", "object": "an object",
            "string": "a string", "true/false": "true/false"}.get(kind, kind)


def _has_surrogate(value) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False
