"""plugins/fast_reader/dates.py: Pelican's strftime with each format parsed once gives Pelican's text.

Every format here (plain directives, Pelican's `-` flag, non-C89 directives kept as written, `%%`,
stray and trailing `%`, NUL, newlines, non-ASCII literal text, empty) is formatted for dates with
and without a zone, DST folds, microseconds and extreme years, as `datetime` and `SafeDatetime`,
and compared with Pelican's own function — the text, or the exception it raises.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from pelican import utils as pelican_utils
from pelican.utils import DateFormatter, SafeDatetime
from sitebuild import REPO

sys.path.insert(0, str(REPO))

from plugins.fast_reader import dates  # noqa: E402

FORMATS = [
    "%Y", "%z", "%Y-%m-%dT%H:%M:%S", "%-d %B %Y", "%a, %d %b %Y %H:%M:%S %z", "%-d.%-m.%y %-H:%M",
    "%A %-j %U %W %V %G %u %w %p %I %-I", "%c | %x | %X", "%Z", "%f %-f", "%%", "%%Y", "100%% %Y",
    "%-%", "%--d", "%e %k %l %s %D %T %F %C %g %h %r %R %P", "%Ez %Oy %+", "%", "%Y%", "% Y",
    "%-", "a%\nb", "%\t%Y", "x\0%Y", "", "no directives", "€ %Y — ünïcode %B ☕", "%Y" * 50,
    "{date} %Y", "%s%s", "%(name)s %Y", "%-Y", "%-z", "%-Z", "%-%-d",
]
ZONES = [None, UTC, ZoneInfo("Europe/London"), ZoneInfo("Asia/Kathmandu"),
         timezone(timedelta(hours=-9, minutes=-30)), timezone(timedelta(0), "Custom Name")]


def _moments():
    for cls in (SafeDatetime, datetime):
        for args in [(2026, 3, 4, 8, 30), (1, 1, 1), (999, 12, 31, 23, 59, 59, 999_999), (9999, 12, 31),
                     (2024, 2, 29, 0, 0, 7, 120)]:
            for zone in ZONES:
                yield cls(*args, tzinfo=zone)
        for fold in (0, 1):
            yield cls(2026, 10, 25, 1, 30, tzinfo=ZoneInfo("Europe/London"), fold=fold)


def _outcome(func, moment, fmt):
    try:
        return func(moment, fmt)
    except Exception as exc:  # noqa: BLE001 — the same failure is the same answer
        return type(exc)


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_gives_pelicans_text(fmt):
    for moment in _moments():
        assert _outcome(dates.strftime, moment, fmt) == _outcome(dates._PELICAN_STRFTIME, moment, fmt), (
            moment, fmt)
    again = SafeDatetime(2026, 1, 2, 3, 4)  # the second call of a format answers from its plan
    assert _outcome(dates.strftime, again, fmt) == _outcome(dates._PELICAN_STRFTIME, again, fmt)


def test_other_values_go_to_pelicans_function():
    class Mine(datetime):
        def strftime(self, fmt):
            return "mine"

    for value in (date(2026, 1, 2), Mine(2026, 1, 2)):
        for fmt in ("%Y", "%-d %B"):
            assert dates.strftime(value, fmt) == dates._PELICAN_STRFTIME(value, fmt)
    assert dates.strftime(Mine(2026, 1, 2), "%Y") == "mine"


def test_plans_are_kept_for_a_bounded_number_of_formats(monkeypatch):
    monkeypatch.setattr(dates, "_PLANS", {})
    monkeypatch.setattr(dates, "_MAX_PLANS", 3)
    for number in range(10):
        fmt = f"%Y {number}"
        assert dates.strftime(SafeDatetime(2026, 1, 2), fmt) == f"2026 {number}"
    assert len(dates._PLANS) == 3


def test_installed_for_a_build_and_removed_when_off(monkeypatch):
    """`initialized` puts it in place of pelican.utils.strftime, through which SafeDatetime,
    `{date:%Y}` in URL patterns and the Jinja `strftime` filter format; FAST_DATES off restores
    Pelican's function; another Pelican version trips the wire (Pelican's function is used)."""
    from types import SimpleNamespace

    from plugins import tripwire

    original = dates._PELICAN_STRFTIME
    try:
        dates.start_build(SimpleNamespace(settings={"FAST_DATES": True}))
        assert pelican_utils.strftime is dates.strftime
        moment = SafeDatetime(2026, 3, 4, 8, 30, tzinfo=UTC)
        assert moment.strftime("%-d %B %Y") == "4 March 2026" and f"{moment:%Y}" == "2026"
        assert DateFormatter()(moment, "%-d %b") == "4 Mar"
        dates.start_build(SimpleNamespace(settings={"FAST_DATES": False}))
        assert pelican_utils.strftime is original
        monkeypatch.setenv(tripwire.ASSUME_ENV, "pelican==4.99.0")
        dates.WIRE.forget()
        dates.start_build(SimpleNamespace(settings={"FAST_DATES": True}))
        assert pelican_utils.strftime is original
    finally:
        pelican_utils.strftime = original
        dates.WIRE.forget()


def test_fast_dates_off_builds_the_same_site(tmp_path):
    from inprocess import build, post

    content = tmp_path / "content"
    for number in range(3):
        post(content, f"post-{number}", date=f"2026-03-0{number + 1} 08:30", title=f"Post {number}",
             tags=f"close, évidence {number}", category=f"Ops {number % 2}")
    try:
        on = build(tmp_path / "on", content, DEFAULT_PAGINATION=1)
        off = build(tmp_path / "off", content, DEFAULT_PAGINATION=1, FAST_DATES=False)
    finally:
        pelican_utils.strftime = dates._PELICAN_STRFTIME
    files = {p.relative_to(on.output): p.read_bytes() for p in on.output.rglob("*") if p.is_file()
             and p.name != "sitemap.xml"}  # the sitemap stamps generated pages with the clock
    assert len(files) > 5 and any("posts/2026/" in str(name) for name in files)
    assert files == {p.relative_to(off.output): p.read_bytes() for p in off.output.rglob("*")
                     if p.is_file() and p.name != "sitemap.xml"}
