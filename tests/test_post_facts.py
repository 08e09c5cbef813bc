"""One rule for "is this post out yet?": feeds, manifest, publish plan and brand guard agree.

A post's `Date:` without a zone is in the site's TIMEZONE (Pelican's rule). With a TIMEZONE far
from UTC, a post dated inside the offset window is the case where reading the date as UTC or
against the machine's clock gives the wrong answer; every consumer is asked one second before and
one second after the moment, with `now` passed explicitly.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sitebuild import REPO

sys.path.insert(0, str(REPO))

from plugins.post_contract.facts import (  # noqa: E402
    PostFacts,
    display_path,
    is_out,
    is_scheduled,
    parse_header,
    to_datetime,
)

#: (TIMEZONE, the post's Date: line, the same moment in UTC)
ZONES = [
    ("Pacific/Kiritimati", "2026-06-01 10:00", datetime(2026, 5, 31, 20, 0, tzinfo=UTC)),  # UTC+14
    ("America/Adak", "2026-06-01 10:00", datetime(2026, 6, 1, 19, 0, tzinfo=UTC)),  # UTC-9 in summer
    ("Asia/Kathmandu", "2026-01-01 00:10", datetime(2025, 12, 31, 18, 25, tzinfo=UTC)),  # UTC+5:45
]
SECOND = timedelta(seconds=1)


def _post(tmp_path, date: str, *, audience: str = "public"):
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True, exist_ok=True)
    path = content / "posts" / "scheduled.md"
    path.write_text(
        f"Title: Closing the books faster\nDate: {date}\nAuthor: Dana Whitfield\nCategory: Insights\n"
        f"Audience: {audience}\nSummary: How finance teams close with evidence.\n\n"
        "Finance teams close the books with evidence and trusted workflow integration.\n",
        encoding="utf-8")
    return content, path


def _article(content, path, timezone: str):
    """The post as Pelican reads it (our contract reader, Pelican's metadata processing)."""
    from pelican.contents import Article
    from pelican.readers import Readers
    from pelican.settings import read_settings

    settings = read_settings(str(REPO / "pelicanconf.py"), override={
        "PATH": str(content), "TIMEZONE": timezone, "WITH_FUTURE_DATES": True})
    import plugins.post_contract.plugin as contract

    readers = Readers(settings)
    contract.use_contract_reader(readers)
    article = readers.read_file(str(content), str(path), content_class=Article)
    contract.annotate(article)
    return article, settings


@pytest.mark.parametrize("timezone, date, moment", ZONES, ids=[z[0] for z in ZONES])
def test_feeds_manifest_plan_and_brand_guard_agree_around_the_moment(tmp_path, timezone, date, moment):
    from plugins.brand_guard.core import check_source, load_config
    from plugins.feeds.entries import is_feedable
    from plugins.syndication.plugin import manifest
    from publish.ledger import Ledger
    from publish.model import Post
    from publish.plan import plan

    content, path = _post(tmp_path, date)
    article, settings = _article(content, path, timezone)
    assert article.date.astimezone(UTC) == moment  # Pelican read the date in the site's TIMEZONE
    cfg = load_config(REPO / "brand.yml")
    text = path.read_text(encoding="utf-8")
    for now, out in ((moment - SECOND, False), (moment, True), (moment + SECOND, True)):
        answers = {"facts": is_out(article, now, timezone)}
        answers["feeds"] = is_feedable(article, now, timezone)
        made = manifest([article], settings, now)
        answers["manifest"] = bool(made["posts"])
        # The publish step reads the manifest entry, and also a hand-written one with a naive date.
        entry = made["posts"][0] if made["posts"] else manifest([article], settings, moment)["posts"][0]
        for label, data in (("plan", entry), ("plan (naive date)", {**entry, "date": date})):
            items = plan([Post.from_json(data)], Ledger(), {**settings, "SYNDICATION_CHANNELS": ["x"]},
                         now=now)
            answers[label] = bool(items)
        answers["brand guard"] = not check_source(str(path), text, cfg, now=now, timezone=timezone).draft
        assert answers == dict.fromkeys(answers, out), (now, answers)


def test_without_timezone_naive_dates_are_utc_and_aware_dates_keep_their_zone():
    moment = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    assert not is_out(PostFacts("published", "2026-06-01 10:00"), moment - SECOND, None)
    assert is_out(PostFacts("published", "2026-06-01 10:00"), moment, None)
    aware = "2026-06-01T12:00:00+02:00"  # the manifest's isoformat: the zone is already there
    assert is_out(PostFacts("published", aware), moment, "Pacific/Kiritimati")
    assert not is_out(PostFacts("published", aware), moment - SECOND, "Pacific/Kiritimati")


@pytest.mark.parametrize("status, date, out", [
    ("published", "2020-01-01", True),
    (" Published ", "2020-01-01 08:00", True),
    ("draft", "2020-01-01", False),
    ("hidden", "2020-01-01", False),
    ("published", None, False),  # undated: never out by accident
    ("published", "", False),
    ("published", "not a date", False),
    ("published", "2020/01/01 08:00", True),
    ("published", "1 January 2020", True),  # dateutil, as Pelican's get_date
])
def test_is_out_status_and_date_spellings(status, date, out):
    assert is_out(PostFacts(status, date), datetime(2026, 1, 1, tzinfo=UTC), "Europe/London") is out


def test_now_must_carry_a_zone():
    with pytest.raises(ValueError, match="time zone"):
        is_scheduled("2020-01-01", datetime(2026, 1, 1), "UTC")  # noqa: DTZ001


def test_header_facts_keep_lines_offsets_and_stop_where_meta_stops():
    text = "---\nTitle: A <b>title</b>\nDate: 2026-03-04 08:30\nStatus:  draft \nNot a key\n\nBody\n"
    fields, body = parse_header(text)
    assert [(f.key, f.value, f.line) for f in fields.values()] == [
        ("title", "A <b>title</b>", 2), ("date", "2026-03-04 08:30", 3), ("status", "draft", 4)]
    assert text[body:] == "Not a key\n\nBody\n"
    assert PostFacts.from_header(fields) == PostFacts("draft", "2026-03-04 08:30")
    long_title = "Ⅻ " + "é" * 500
    fields, _ = parse_header(f"Title: {long_title}\n\nx")
    assert fields["title"].value == long_title
    assert to_datetime("2026-03-04 08:30", "Pacific/Kiritimati").utcoffset() == timedelta(hours=14)


def test_display_path_is_relative_inside_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert display_path(str(tmp_path / "content" / "a.md")) == "content/a.md"
    assert display_path("/elsewhere/a.md") == "/elsewhere/a.md"
    # remembered per working directory: the same path asked from elsewhere is shown from there
    monkeypatch.chdir(tmp_path / "..")
    assert display_path(str(tmp_path / "content" / "a.md")) == f"{tmp_path.name}/content/a.md"
    assert display_path("content/a.md") == "content/a.md"
    (tmp_path / "content").mkdir()
    monkeypatch.chdir(tmp_path / "content")
    assert display_path(str(tmp_path / "content" / "a.md")) == "a.md"
    assert display_path(tmp_path / "content" / "a.md") == "a.md"  # a Path too


def test_the_facts_module_imports_no_pelican():
    code = ("import json, sys; import plugins.post_contract.facts, publish.plan; "
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'pelican')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR (old Mac)"])
def test_every_line_ending_pelican_reads_is_a_header_line_end(eol):
    text = eol.join(["Title: Trust wins", "Date: 2026-03-04 08:30", "Tags: a,", "    b", "", "Body."])
    fields, body = parse_header(text)
    assert {key: (f.value, f.line) for key, f in fields.items()} == {
        "title": ("Trust wins", 1), "date": ("2026-03-04 08:30", 2), "tags": ("a, b", 3)}
    assert text[fields["date"].start:fields["date"].end] == "2026-03-04 08:30"
    assert text[body:] == "Body."


def test_an_old_mac_file_builds_like_any_other(tmp_path):
    from sitebuild import build_site

    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    (content / "posts" / "cr.md").write_bytes(
        b"Title: Written on an old Mac\rDate: 2026-03-04 08:30\rSummary: Lines end in CR.\r\rThe body.\r")
    build = build_site(tmp_path / "site", content=content)
    assert build.returncode == 0, build.log
    assert "no \"Date:\" line" not in build.log and "cr.md" not in build.log, build.log
    page = build.output / "posts" / "2026" / "written-on-an-old-mac" / "index.html"
    assert "Written on an old Mac" in page.read_text(encoding="utf-8")
