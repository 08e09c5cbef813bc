"""post_contract's dates and header checks answer exactly as Pelican's own date parser, with fewer parses.

`check_header` skips Pelican's (dateutil) parser for plain `YYYY-MM-DD[ HH:MM[:SS]]` values that
`datetime.fromisoformat` accepts, the reader gives Pelican's own datetime for them without dateutil
(plugins/post_contract/dates.py), and the reader parses a post's header once for its three checks.
These tests prove the shortcuts change no verdict, no datetime and no field.
"""

from __future__ import annotations

import random
import sys

import pytest
from sitebuild import REPO

sys.path.insert(0, str(REPO))

from pelican.utils import get_date  # noqa: E402

from plugins.post_contract import dates  # noqa: E402
from plugins.post_contract.contract import check_header  # noqa: E402
from plugins.post_contract.facts import parse_header  # noqa: E402

VALUES = [
    # plain, valid: the shortcut answers
    "2026-03-04", "2026-03-04 08:30", "2026-03-04T08:30", "2026-03-04 08:30:59", "2026_03_04 08:30",
    "0001-01-01", "9999-12-31 23:59:59", "2024-02-29 00:00",
    # plain shape, impossible values: Pelican's parser decides
    "2026-04-31", "2025-02-29", "2026-13-01", "2026-00-10", "2026-03-04 24:00", "2026-03-04 08:60",
    "2026-03-04 08:30:60", "0000-01-01",
    # other spellings and hostile text: Pelican's parser decides
    "4 March 2026", "2026/03/04", "2026-3-4", "٢٠٢٦-٠٣-٠٤", "2026-03-04\u200b", "2026-03-04 08:30 +02:00",
    "<2026-03-04>", "&lt;2026-03-04", "tomorrow", "2026-03-04" + "9" * 500, "",
]


def _pelican_reads(value: str) -> bool:
    try:
        get_date(value.replace("_", " "))
    except (ValueError, OverflowError):
        return False
    return True


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("key", ["Date", "Modified"])
def test_a_date_is_reported_exactly_when_pelican_cannot_read_it(key, value):
    date = value if key == "Date" else "2026-03-04"
    text = f"Title: T\nDate: {date}\n" + (f"Modified: {value}\n" if key == "Modified" else "") + "\nBody.\n"
    calls: list[str] = []

    def parse_date(string):
        calls.append(string)
        return get_date(string)

    problems = check_header("content/posts/p.md", text, is_article=True, parse_date=parse_date)
    dated = [p for p in problems if "is not a date" in p.message]
    assert bool(dated) == (not _pelican_reads(value)), (value, problems)
    if dated:
        assert dated[0].line == (2 if key == "Date" else 3)


def test_plain_valid_dates_need_no_parser_call():
    calls: list[str] = []
    text = "Title: T\nDate: 2026-03-04 08:30\nModified: 2026-03-05\n\nBody.\n"
    assert check_header("p.md", text, is_article=True, parse_date=calls.append) == []
    assert calls == []
    check_header("p.md", text.replace("2026-03-05", "5 March 2026"), is_article=True, parse_date=calls.append)
    assert calls == ["5 March 2026"]


def test_the_header_memo_hands_out_copies_and_follows_the_text():
    text = "Title: A\nTags: x, y\n\nBody\n"
    first, body = parse_header(text)
    first["title"] = "changed by a caller"
    first.pop("tags")
    again, body_again = parse_header(text)
    assert again["title"].value == "A" and again["tags"].value == "x, y" and body_again == body
    other = "".join(["Title: B", "\n\nBody\n"])  # equal texts, distinct objects: parsed on their own
    assert parse_header(other)[0]["title"].value == "B"
    assert parse_header(text)[0]["title"].value == "A"


def _fuzzed(count: int) -> list[str]:
    rnd = random.Random(11)
    values = []
    for _ in range(count):
        value = f"{rnd.randrange(1, 10000):04d}-{rnd.randrange(0, 14):02d}-{rnd.randrange(0, 33):02d}"
        if rnd.random() < 0.7:
            value += rnd.choice(" T_") + f"{rnd.randrange(0, 26):02d}:{rnd.randrange(0, 62):02d}"
            if rnd.random() < 0.4:
                value += f":{rnd.randrange(0, 62):02d}"
        values.append(value)
    return values


@pytest.mark.parametrize("name", ["date", "modified"])
def test_plain_dates_are_pelicans_own_datetimes(name):
    from pelican import readers

    assert dates.WIRE.get() is not None
    answered = 0
    for value in VALUES + _fuzzed(3000):
        fast = dates.pelican_date(name, value)
        try:
            slow = readers.METADATA_PROCESSORS[name](value, {})
        except (ValueError, OverflowError):
            assert fast is None, value
            continue
        if fast is None:
            continue
        answered += 1
        assert type(fast) is type(slow) and fast == slow and fast.tzinfo is slow.tzinfo is None, value
    assert answered > 1000


def test_a_replaced_date_processor_is_left_to_decide(monkeypatch):
    from pelican import readers

    assert dates.pelican_date("date", "2026-03-04 08:30") is not None
    monkeypatch.setitem(readers.METADATA_PROCESSORS, "date", lambda value, _settings: value)
    assert dates.pelican_date("date", "2026-03-04 08:30") is None
