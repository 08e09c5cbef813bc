"""`make report` (publish.report): cadence per author, the scheduled queue, the ledger's history and
brand scores, written to build/ as report.html and report.json; on a temp content folder with a
fixed `now` (tests/reportsite.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from reportsite import HOSTILE, LONG_NAME, NOW, content, ledger, settings_file
from sitebuild import REPO


def run_report(conf: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "publish.report", "--settings", str(conf), "--now", NOW, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    conf = settings_file(tmp, content(tmp))
    ledger(tmp / "ledger.jsonl")
    done = run_report(conf)
    assert done.returncode == 0, done.stderr
    page = (tmp / "build" / "report.html").read_text(encoding="utf-8")
    data = json.loads((tmp / "build" / "report.json").read_text(encoding="utf-8"))
    return tmp, conf, data, BeautifulSoup(page, "html.parser"), page, done


def author(data: dict, name: str) -> dict:
    (found,) = [a for a in data["authors"] if a["name"] == name]
    return found


def test_cadence_counts_out_posts_per_month_and_flags_gaps(report):
    _, _, data, _, _, _ = report
    dana = author(data, "Dana Whitfield")
    months = {m["month"]: m["posts"] for m in dana["months"]}
    assert list(months) == [f"2026-{m:02d}" for m in range(1, 13)]  # the 12 months up to December
    assert months["2026-10"] == 2 and months["2026-11"] == 1  # the draft and hidden page are not counted
    assert dana["posts_12_months"] == 3  # November 2025 is outside the window
    assert dana["days_since_last"] == 10 and not dana["flagged"]
    assert dana["last_post"]["title"] == "Dana in November"
    assert [p["title"] for p in dana["scheduled"]] == ["Priya in two weeks"]  # co-author
    marcus = author(data, "Marcus Oyelaran")
    assert marcus["posts_12_months"] == 3 and marcus["internal_12_months"] == 1
    assert marcus["days_since_last"] == 21 and not marcus["flagged"]  # "A derived address" on 11-10
    priya = author(data, "Priya Raman")
    assert priya["last_post"] is None and priya["days_since_last"] is None and priya["flagged"]
    # the site's TIMEZONE decides: 08:00 London is after 07:30 UTC, so still scheduled
    assert [p["title"] for p in priya["scheduled"]] == [
        "Priya at eight",
        "Priya in two weeks",
        "Priya next summer",
    ]
    assert author(data, LONG_NAME)["days_since_last"] == 91


def test_gap_setting_and_timezone_change_the_answer(tmp_path):
    conf = settings_file(tmp_path, content(tmp_path), CADENCE_MAX_GAP_DAYS=5, TIMEZONE="Asia/Tokyo")
    done = run_report(conf)
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp_path / "build" / "report.json").read_text(encoding="utf-8"))
    assert author(data, "Dana Whitfield")["flagged"]  # 10 days > 5
    priya = author(data, "Priya Raman")  # 08:00 in Tokyo was 23:00 UTC yesterday: out, 0 days ago
    assert priya["last_post"]["title"] == "Priya at eight" and priya["days_since_last"] == 0
    assert "gap over 5 days" in done.stdout


def test_a_wrong_gap_setting_is_refused_with_its_name(tmp_path):
    conf = settings_file(tmp_path, content(tmp_path), CADENCE_MAX_GAP_DAYS="thirty")
    done = run_report(conf)
    assert done.returncode == 2
    assert "CADENCE_MAX_GAP_DAYS" in done.stderr and "whole number" in done.stderr


def test_queue_calendar_by_week(report):
    _, _, data, soup, _, _ = report
    weeks = data["queue"]["weeks"]
    assert len(weeks) == 12 and weeks[0]["week"] == "2026-11-30"  # the Monday of `now`'s week
    assert [p["title"] for p in weeks[0]["posts"]] == ["Priya at eight"]
    assert [p["title"] for p in weeks[2]["posts"]] == ["Priya in two weeks"]
    assert all(not w["posts"] for i, w in enumerate(weeks) if i not in (0, 2))
    assert [p["title"] for p in data["queue"]["later"]] == ["Priya next summer"]
    calendar = soup.find(id="queue").find_parent("section").find("table")
    rows = calendar.find("tbody").find_all("tr")
    assert len(rows) == 12 and "Priya at eight" in rows[0].get_text()
    assert [th.get_text() for th in calendar.find("thead").find_all("th")] == [
        "Week (Monday)",
        "Dana Whitfield",
        "Priya Raman",
    ]


def test_ledger_history_failed_and_damage(report):
    _, _, data, soup, page, done = report
    shared = [(s["post"], s["channel"]) for s in data["shared"]]
    assert shared == [("dana-hostile", "mastodon"), ("dana-november", "linkedin"), ("dana-november", "x")]
    by = {(s["post"], s["channel"]): s for s in data["shared"]}
    assert by[("dana-november", "x")]["remote_url"] == ""  # a javascript: address never becomes a link
    assert "javascript:" not in page
    assert by[("dana-hostile", "mastodon")]["title"] == HOSTILE
    assert [(f["post"], f["channel"], f["state"]) for f in data["failed"]] == [
        ("marcus-october", "bluesky", "failed")
    ]
    assert any("ledger.jsonl:6" in p and "invalid JSON" in p for p in data["problems"])
    assert "ledger.jsonl:6" in done.stderr
    history = soup.find(id="history").find_parent("section")
    assert "HTTP 502 from the PDS" in history.get_text()
    links = [a["href"] for a in history.find_all("a")]
    assert links == ["https://social.example/@nw/3", "https://www.linkedin.com/feed/update/urn:li:share:1"]


def test_brand_scores_per_post_from_the_brand_guard(report):
    from plugins.brand_guard import check_file, load_config

    tmp, _, data, _, _, _ = report
    scores = {s["title"]: s["score"] for s in data["brand"]["scores"]}
    assert "Dana draft" not in scores and "Priya next summer" not in scores  # drafts; beyond the queue
    cfg = load_config(REPO / "brand.yml")
    expected = check_file(tmp / "content" / "posts" / "d1.md", cfg).alignment.score
    assert scores["Dana in November"] == expected
    assert data["brand"]["min_score"] == cfg.min_score
    bands = {s["title"]: s["band"] for s in data["brand"]["scores"]}
    assert bands["Dana in November"] == cfg.alignment_model.band(expected) != ""
    assert (data["brand"]["green"], data["brand"]["amber"]) == (
        cfg.alignment_model.green,
        cfg.alignment_model.amber,
    )


def test_page_is_escaped_accessible_and_self_contained(report):
    _, _, _, soup, page, _ = report
    assert "<script" not in page.lower().replace("&lt;script", "")
    assert soup.find(string=lambda s: s and HOSTILE in s) is not None  # shown as typed
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex,nofollow"
    assert not soup.find_all(["img", "script", "iframe", "object", "embed"])
    assert [link["href"] for link in soup.find_all("link")] == ["data:,"]  # not even a favicon request
    assert "url(" not in page.replace("url(#hatch", "")  # no CSS fetches
    charts = soup.find_all("svg")
    assert len(charts) == 5  # 4 authors' months + the brand timeline
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    for chart in charts:
        assert chart["role"] == "img"
        labelled = chart["aria-labelledby"].split()
        assert [soup.find(id=i).name for i in labelled] == ["title", "desc"]
        assert chart.find("desc").get_text().strip()
        figure = chart.find_parent("figure")
        assert figure.find("figcaption").get_text() == chart.find("title").get_text()
        assert figure.find("details").find("table").find("tbody").find_all("tr")  # the table fallback
    dana_desc = (
        soup.find("title", string="Posts per month — Dana Whitfield").find_next_sibling("desc").get_text()
    )
    assert "2026-10: 2" in dana_desc and "2026-11: 1" in dana_desc
    internal = soup.find("title", string="Posts per month — Marcus Oyelaran").find_parent("figure")
    assert "1" in [td.get_text() for td in internal.find("tbody").find_all("tr")[2].find_all("td")][2]


def test_report_is_never_deployed(report):
    from plugins.settings import value_of
    from publish.deploy.guard import never_deployed
    from publish.settings import load

    tmp, conf, _, _, _, _ = report
    settings = load(conf)
    written = (tmp / "build" / "report.html").resolve()
    assert any(folder in written.parents for folder in never_deployed(settings))
    assert value_of(settings, "LECTERN_BUILD_DIR").resolve() == written.parent


def test_held_pairs_are_the_planners(tmp_path):
    """A post naming a code name or still holding `make new` placeholder text is listed as held on
    each of its channels, with the planner's reason (the code name itself is never repeated)."""
    from publish.model import Post
    from publish.report.history import history
    from publish.settings import with_defaults

    def entry(slug: str, **extra) -> Post:
        return Post.from_json(
            {
                "slug": slug,
                "url": f"https://insights.example/{slug}/",
                "title": slug,
                "date": "2026-11-01T09:00:00+00:00",
                "audience": "public",
                **extra,
            }
        )

    posts = [
        entry("fine"),
        entry("secret", confidential=["Project Bluefin"]),
        entry("scaffold", placeholders=["Write your opening here."], channels=["linkedin"]),
    ]
    settings = with_defaults({"TIMEZONE": "Europe/London"})
    story, _ = history(ledger(tmp_path / "ledger.jsonl"), settings, posts, datetime.fromisoformat(NOW))
    held = {(h.post, h.channel): h.why for h in story.held}
    public = ("x", "linkedin", "mastodon", "bluesky")
    # the damaged ledger line names no post, so every post is held until it is fixed, as publish would
    assert all("ledger line 6 is unreadable" in held[("fine", c)] for c in public)
    assert set(held) == {(p, c) for p in ("secret", "fine") for c in public} | {("scaffold", "linkedin")}
    assert all("Bluefin" not in why for why in held.values())
    assert "placeholder" in held[("scaffold", "linkedin")]
    assert [(f.post, f.channel) for f in story.failed] == [("marcus-october", "bluesky")]
