"""Web-server access logs, streamed: nginx/Apache combined (and common), CloudFront standard logs,
S3 server access logs; plain or gzip, in any mix and order.

Why by hand and not a log library: the report must read a gigabyte at 200,000+ lines/s in bounded
memory and never crash on what a hostile client can put in a log. So:

- Lines are read with a length bound (`MAX_LINE`): a longer one is skipped without ever being held
  whole. A line that is not UTF-8 is skipped. A truncated or corrupt gzip file keeps the lines read
  before the damage and is reported. Every skipped line is counted with its reason.
- The fast path is `str.split('"')`, which takes a combined or S3 line apart in one C call; only a
  line with escaped quotes (`\\"` from Apache) falls back to a regular expression.
- CloudFront files announce their columns in a `#Fields:` header; tab-separated, URL-encoded.

`parse_line` returns a `Request` tuple: (time text, time kind, method, target, status, referrer,
user agent). Times stay text until the caller needs one (most lines are assets and never do).
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

#: A line longer than this is skipped (nginx's own default request-line buffer is 8 KiB).
MAX_LINE = 64 * 1024
#: Time kinds: "clf" is `10/Oct/2000:13:55:36 -0700` (combined, S3); "iso" is `2000-10-10T13:55:36` UTC.
CLF, ISO = "clf", "iso"

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1
    )
}
#: A combined/S3 line with escaped quotes inside a quoted field (Apache writes `\"`).
_QUOTED = r'"((?:[^"\\]|\\.)*)"'
_SLOW = re.compile(r'^(?P<head>[^"]*?)' + _QUOTED + r'(?P<mid>[^"]*)(?:' + _QUOTED + r"\s*" + _QUOTED + r")?")


class Request(NamedTuple):
    time: str
    kind: str
    method: str
    target: str  # path plus "?query" as requested (still percent-encoded)
    status: str
    referrer: str
    agent: str


class Stats:
    """What the reader saw: lines read, skipped (by reason), files and their problems."""

    def __init__(self) -> None:
        self.lines = 0
        self.headers = 0  # CloudFront's #Version / #Fields lines
        self.skipped: Counter[str] = Counter()
        self.files: list[str] = []
        self.problems: list[str] = []

    def as_json(self) -> dict:
        return {
            "lines": self.lines,
            "header_lines": self.headers,
            "skipped": sum(self.skipped.values()),
            "skipped_by_reason": dict(self.skipped),
            "files": self.files,
            "problems": self.problems,
        }


def open_log(path: Path):
    """The file as a binary stream, gunzipped when it starts with the gzip magic (not by name)."""
    raw = open(path, "rb")  # noqa: SIM115 - closed by the caller (read_lines)
    if raw.peek(2)[:2] == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw, mode="rb"), raw
    return raw, raw


BLOCK = 1 << 20  # bytes read at a time


def read_blocks(path: Path, stats: Stats) -> Iterator[list[str]]:
    """The decoded lines of one log, a block (about 1 MiB) at a time; no line longer than MAX_LINE
    is ever kept. Decoding and splitting a block at once is what makes the reader fast; a block
    that is not all UTF-8 is decoded line by line and the bad lines are skipped."""
    stats.files.append(str(path))
    try:
        stream, raw = open_log(path)
    except OSError as exc:
        stats.problems.append(f"{path}: cannot be read ({exc.strerror or type(exc).__name__}) — skipped")
        return
    skipped = stats.skipped
    carry = b""
    dropping = False  # inside a line that is too long: discard up to its newline
    try:
        while True:
            data = stream.read1(BLOCK)  # read1: a cut gzip file still yields what came before the cut
            if not data:
                break
            if dropping:
                cut = data.find(b"\n")
                if cut < 0:
                    continue
                data, dropping = data[cut + 1 :], False
            data = carry + data if carry else data
            end = data.rfind(b"\n")
            if end < 0:
                carry = data
            else:
                carry = data[end + 1 :]
                yield _decode(data[:end], stats)
            if len(carry) > MAX_LINE:
                stats.lines += 1
                skipped["longer than 64 KiB"] += 1
                carry, dropping = b"", True
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        why = "ends early (truncated)" if isinstance(exc, EOFError) else f"is damaged ({exc})"
        stats.problems.append(f"{path}: the gzip data {why} — the lines before the damage were counted")
    except OSError as exc:
        stats.problems.append(
            f"{path}: reading stopped ({exc.strerror or type(exc).__name__}) — the lines before were counted"
        )
    finally:
        stream.close()
        raw.close()
    if carry.strip():  # a last line without its newline (a log cut while being written)
        yield _decode(carry, stats)


def _decode(data: bytes, stats: Stats) -> list[str]:
    try:
        lines = data.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        lines = []
        for raw in data.split(b"\n"):
            try:
                lines.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                stats.lines += 1
                stats.skipped["not UTF-8"] += 1
    if max(map(len, lines), default=0) > MAX_LINE:
        long = [line for line in lines if len(line) > MAX_LINE]
        stats.lines += len(long)
        stats.skipped["longer than 64 KiB"] += len(long)
        lines = [line for line in lines if len(line) <= MAX_LINE]
    stats.lines += len(lines)
    return lines


def parse_line(line: str) -> Request | None:
    """A combined, common or S3 access-log line → Request (None: not one of those formats)."""
    parts = line.split('"')
    n = len(parts)
    if n == 7 and "\\" not in line:
        head, request, mid, referrer, agent = parts[0], parts[1], parts[2], parts[3], parts[5]
    elif n == 3 and "\\" not in line:
        head, request, mid, referrer, agent = parts[0], parts[1], parts[2], "-", ""
    else:
        match = _SLOW.match(line)
        if match is None:
            return None
        head, request, mid = match["head"], _unescape(match[2]), match["mid"]
        referrer = _unescape(match[4] or "-")
        agent = _unescape(match[5] or "")
    start = head.find("[")
    end = head.find("]", start)
    if start < 0 or end < 0:
        return None
    status = mid.split(None, 1)
    if not status:
        return None
    method, _, rest = request.partition(" ")
    target = rest.rpartition(" ")[0] if " " in rest else rest
    return Request(head[start + 1 : end], CLF, method, target, status[0], referrer, agent)


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\\\", "\\")


class CloudFront:
    """Column positions from a CloudFront `#Fields:` header."""

    NEEDED = (
        "date",
        "time",
        "cs-method",
        "cs-uri-stem",
        "sc-status",
        "cs(Referer)",
        "cs(User-Agent)",
        "cs-uri-query",
    )

    def __init__(self, header: str):
        names = header.split(":", 1)[1].split()
        self.count = len(names)
        where = {name: i for i, name in enumerate(names)}
        missing = [name for name in self.NEEDED if name not in where]
        if missing:
            raise ValueError(f"the #Fields header lacks {', '.join(missing)}")
        (self.date, self.time, self.method, self.stem, self.status, self.referrer, self.agent, self.query) = (
            where[name] for name in self.NEEDED
        )

    def parse(self, line: str) -> Request | None:
        cols = line.rstrip("\r\n").split("\t")
        if len(cols) < self.count:
            return None
        query = cols[self.query]
        target = cols[self.stem] if query in ("-", "") else f"{cols[self.stem]}?{query}"
        return Request(
            f"{cols[self.date]}T{cols[self.time]}",
            ISO,
            cols[self.method],
            target,
            cols[self.status],
            cols[self.referrer],
            cols[self.agent],
        )


def parse_time(text: str, kind: str) -> datetime | None:
    """An aware UTC datetime from a log's time text (None when it is not a time)."""
    try:
        if kind == ISO:
            return datetime.fromisoformat(text).replace(tzinfo=UTC)
        # 10/Oct/2000:13:55:36 -0700
        when = datetime(
            int(text[7:11]),
            _MONTHS[text[3:6]],
            int(text[0:2]),
            int(text[12:14]),
            int(text[15:17]),
            int(text[18:20]),
            tzinfo=UTC,
        )
        zone = text[21:26]
        if len(zone) != 5 or zone[0] not in "+-" or text[2] != "/" or text[11] != ":":
            return None
        offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5]))
        return when - offset if zone[0] == "+" else when + offset
    except (ValueError, KeyError, IndexError):
        return None


def requests(paths: list[Path], stats: Stats) -> Iterator[Request]:
    """Every request in `paths`, in order; lines that are no request are counted in `stats`.
    (The referral counter has its own faster loop over `read_blocks`; this one is the plain form.)"""
    for path in paths:
        reader = FileReader(path, stats)
        for lines in read_blocks(path, stats):
            for line in lines:
                request = reader.parse(line)
                if request is not None:
                    yield request


class FileReader:
    """Parses the lines of one file: CloudFront once its `#Fields:` header was seen, else
    combined / common / S3 per line."""

    def __init__(self, path: Path, stats: Stats):
        self.path = path
        self.stats = stats
        self.cloudfront: CloudFront | None = None

    def parse(self, line: str) -> Request | None:
        skipped = self.stats.skipped
        if line[:1] == "#":
            if line.startswith("#Fields:"):
                self.stats.headers += 1
                try:
                    self.cloudfront = CloudFront(line)
                except ValueError as exc:
                    self.stats.problems.append(f"{self.path}: {exc} — its lines are skipped")
                    self.cloudfront = None
            elif line.startswith("#Version"):
                self.stats.headers += 1
            else:
                skipped["not a log line"] += 1
            return None
        if self.cloudfront is not None:
            request = self.cloudfront.parse(line)
            if request is None:
                skipped["CloudFront line with missing fields"] += 1
            return request
        if not line.strip():
            skipped["empty line"] += 1
            return None
        if line.count("\t") > 8:
            skipped["CloudFront line without a #Fields header"] += 1
            return None
        request = parse_line(line)
        if request is None:
            skipped["not a log line"] += 1
        return request
