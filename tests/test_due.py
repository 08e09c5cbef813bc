"""`make due`: the calendar of scheduled posts going live in the next DAYS days, with channels,
on a temp content folder (site TIMEZONE Europe/London, as in pelicanconf.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sitebuild import REPO

NOW = "2026-06-01T12:00:00+00:00"  # 13:00 in London (BST)


def post(folder: Path, name: str, date: str, title: str, **headers: str) -> None:
    lines = [f"Title: {title}", f"Date: {date}", "Author: Dana Whitfield", "Summary: s"]
    lines += [f"{key.capitalize()}: {value}" for key, value in headers.items()]
    (folder / f"{name}.md").write_text("\n".join(lines) + "\n\nBody.\n", encoding="utf-8")


def content(tmp_path: Path) -> Path:
    posts = tmp_path / "content" / "posts"
    posts.mkdir(parents=True)
    post(posts, "past", "2026-05-30 09:00", "Already out")
    post(posts, "soon", "2026-06-03 08:30", "Soon <b>bold</b> & co", channels="linkedin, x")
    post(posts, "internal", "2026-06-05 10:00", "All hands", audience="internal")
    post(posts, "edge-in", "2026-06-15 12:30", "Inside by the clock in London")  # 11:30 UTC
    post(posts, "edge-out", "2026-06-15 13:30", "Just after the window")  # 12:30 UTC
    post(posts, "far", "2026-07-20 09:00", "Far away")
    post(posts, "draft", "2026-06-04 09:00", "A draft", status="draft")
    post(posts, "hidden", "2026-06-04 09:00", "Hidden page", status="hidden")
    post(posts, "nochannel", "2026-06-06 09:00", "Internal only to X", audience="internal", channels="x")
    post(posts, "hostile", "2026-06-07 09:00", "Bell\x07 and \x1b[31mred\x1b[0m " + "long " * 100)
    post(posts, "baddate", "next tuesday", "Unreadable date")
    return tmp_path / "content"


def due(args, **env) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "publish.due", "--settings", "publishconf.py", *args]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, env={**os.environ, **env},
                          timeout=120)


def test_calendar_of_the_next_14_days(tmp_path):
    done = due(["--content", str(content(tmp_path)), "--days", "14", "--now", NOW])
    assert done.returncode == 0, done.stderr
    out = done.stdout
    lines = out.splitlines()
    assert lines[0].startswith("Posts going live in the next 14 days (times in Europe/London; "
                               "now 2026-06-01 13:00)")
    listed = [line for line in lines if line.startswith("  ")]
    assert len(listed) == 5, out
    assert "Wed 2026-06-03 08:30  Soon <b>bold</b> & co" in listed[0] and listed[0].count("LinkedIn") == 1
    assert "X" in listed[0] and "Mastodon" not in listed[0]
    assert "All hands" in listed[1] and "internal → Slack, Teams" in listed[1]
    assert "Internal only to X" in listed[2] and "no channel" in listed[2]
    assert "\x1b" not in out and "\x07" not in out and "\\u001b[31mred" in listed[3] and "…" in listed[3]
    assert "Mon 2026-06-15 12:30  Inside by the clock in London" in listed[4]
    assert "X, LinkedIn, Mastodon, Bluesky" in listed[4]
    for absent in ("Already out", "Hidden page", "Far away  X"):
        assert absent not in "\n".join(listed)
    assert "Next after that: Mon 2026-06-15 13:30  Just after the window" in out
    assert "Draft (goes live only once Status: published): Thu 2026-06-04 09:00  A draft" in out
    assert "baddate.md:2: the date 'next tuesday' cannot be read" in out


def test_days_widen_the_window_and_nothing_due_is_said(tmp_path):
    folder = content(tmp_path)
    wide = due(["--content", str(folder), "--days", "60", "--now", NOW])
    assert "Far away" in "\n".join(line for line in wide.stdout.splitlines() if line.startswith("  "))
    empty = due(["--content", str(folder), "--days", "1", "--now", "2026-08-01T00:00:00+00:00"])
    assert "Posts going live in the next 1 day " in empty.stdout and "  none" in empty.stdout


def test_make_due(tmp_path):
    posts = tmp_path / "content" / "posts"
    posts.mkdir(parents=True)
    soon = datetime.now(UTC) + timedelta(days=2)
    later = datetime.now(UTC) + timedelta(days=20)
    post(posts, "soon", soon.strftime("%Y-%m-%d %H:%M"), "Due in two days")
    post(posts, "later", later.strftime("%Y-%m-%d %H:%M"), "Due in twenty days")
    default = subprocess.run(["make", "-s", "due", f"INPUTDIR={tmp_path / 'content'}"], cwd=REPO,
                             capture_output=True, text=True, timeout=300)
    assert default.returncode == 0, default.stderr
    assert "next 14 days" in default.stdout and "Due in two days" in default.stdout
    assert "Next after that" in default.stdout and "Due in twenty days" in default.stdout
    wide = subprocess.run(["make", "-s", "due", "DAYS=30", f"INPUTDIR={tmp_path / 'content'}"], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    listed = [line for line in wide.stdout.splitlines() if line.startswith("  ")]
    assert len(listed) == 2 and "next 30 days" in wide.stdout
