"""A small content folder, settings file and ledger for the `make report` tests (a fixed `now`)."""

from __future__ import annotations

import json
from pathlib import Path

from sitebuild import REPO

NOW = "2026-12-01T07:30:00+00:00"  # Tuesday; London is on GMT (UTC+0) in December
HOSTILE = "<script>window.pwned=1</script> &lt;b&gt; R&D"
LONG_NAME = "Zoë " + "Long" * 125  # a 504-character author name


def post(folder: Path, name: str, date: str, title: str, author: str, **headers: str) -> None:
    lines = [f"Title: {title}", f"Date: {date}", f"Author: {author}", "Summary: Trust in the close."]
    lines += [f"{key.capitalize()}: {value}" for key, value in headers.items()]
    body = (
        "Finance teams close faster when controllers trust the numbers and the partner relationship "
        "is transparent. "
    ) * 8
    (folder / f"{name}.md").write_text("\n".join(lines) + f"\n\n{body}\n", encoding="utf-8")


def content(tmp: Path) -> Path:
    """Authors: Dana (last post 10 days ago, plus a draft and a hidden page that do not count),
    Marcus (last post 45 days ago: flagged at 30, not at 60; an internal post this year), Priya
    (only scheduled: flagged, "no post yet"), a hostile title and a 500-character author name."""
    posts = tmp / "content" / "posts"
    posts.mkdir(parents=True)
    post(posts, "d1", "2026-11-21 09:00", "Dana in November", "Dana Whitfield", slug="dana-november")
    post(posts, "d2", "2026-10-05 09:00", "Dana in October", "Dana Whitfield", slug="dana-october")
    post(posts, "d3", "2026-10-20 09:00", HOSTILE, "Dana Whitfield", slug="dana-hostile")
    post(posts, "d-draft", "2026-11-28 09:00", "Dana draft", "Dana Whitfield", status="draft")
    post(posts, "d-hidden", "2026-11-29 09:00", "Dana hidden", "Dana Whitfield", status="hidden")
    post(posts, "d-old", "2025-11-15 09:00", "Dana thirteen months ago", "Dana Whitfield", slug="dana-old")
    post(posts, "m1", "2026-10-17 09:00", "Marcus in October", "Marcus Oyelaran", slug="marcus-october")
    post(
        posts,
        "m-int",
        "2026-03-02 09:00",
        "Marcus all hands",
        "Marcus Oyelaran",
        audience="internal",
        slug="marcus-all-hands",
    )
    # 08:00 in London is after 07:30 UTC: still scheduled (in Tokyo it would be out)
    post(posts, "p-edge", "2026-12-01 08:00", "Priya at eight", "Priya Raman", slug="priya-eight")
    post(
        posts,
        "p2",
        "2026-12-16 09:00",
        "Priya in two weeks",
        "Priya Raman, Dana Whitfield",
        slug="priya-two-weeks",
    )
    post(posts, "p-far", "2027-06-01 09:00", "Priya next summer", "Priya Raman", slug="priya-summer")
    post(posts, "long", "2026-09-01 09:00", "Long name's post", LONG_NAME, slug="long-name")
    post(posts, "derived", "2026-11-10 09:00", "A derived address, naïve", "Marcus Oyelaran")
    return tmp / "content"


def ledger(path: Path) -> Path:
    records = [
        {
            "event": "pending",
            "post": "dana-november",
            "channel": "linkedin",
            "time": "2026-11-21T09:05:00+00:00",
            "key": "k1",
            "hash": "h",
            "url": "https://insights.example/posts/2026/dana-november/",
        },
        {
            "event": "posted",
            "post": "dana-november",
            "channel": "linkedin",
            "time": "2026-11-21T09:05:02+00:00",
            "remote_id": "1",
            "remote_url": "https://www.linkedin.com/feed/update/urn:li:share:1",
        },
        {
            "event": "posted",
            "post": "dana-november",
            "channel": "x",
            "time": "2026-11-21T09:06:00+00:00",
            "remote_id": "2",
            "remote_url": "javascript:alert(1)",
        },
        {
            "event": "posted",
            "post": "dana-hostile",
            "channel": "mastodon",
            "time": "2026-10-20T09:10:00+00:00",
            "remote_id": "3",
            "remote_url": "https://social.example/@nw/3",
        },
        {
            "event": "failed",
            "post": "marcus-october",
            "channel": "bluesky",
            "time": "2026-10-17T09:10:00+00:00",
            "error": "HTTP 502 from the PDS",
        },
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + "{not json\n", encoding="utf-8")
    return path


def settings_file(tmp: Path, content_dir: Path, **extra) -> Path:
    overrides = {
        "PATH": str(content_dir),
        "OUTPUT_PATH": str(tmp / "output"),
        "LECTERN_BUILD_DIR": str(tmp / "build"),
        "SYNDICATION_MANIFEST": str(tmp / "build" / "manifest.json"),
        "SYNDICATION_LEDGER": str(tmp / "ledger.jsonl"),
        "CACHE_PATH": str(tmp / "cache"),
        **extra,
    }
    lines = [f"import sys; sys.path.insert(0, {str(REPO)!r})", "from publishconf import *  # noqa"]
    lines += [f"{key} = {value!r}" for key, value in overrides.items()]
    conf = tmp / "reportconf.py"
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return conf
