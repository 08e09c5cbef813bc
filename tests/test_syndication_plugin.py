"""plugins/syndication with real Pelican: the private manifest, and "Also on" links from the ledger."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import copy_content
from sitebuild import build_site

SITE = "https://insights.northwindledger.example"
CLOSE = "the-five-day-close-is-a-trust-problem-not-a-tooling-problem"
CLOSE_PAGE = f"posts/2026/{CLOSE}/index.html"


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    """The sample content plus a hidden post."""
    dest = copy_content(tmp_path_factory.mktemp("synd") / "content")
    (dest / "posts" / "2026-05-01-hidden-note.md").write_text(
        "Title: A hidden note\nDate: 2026-05-01 08:00\nAuthor: Dana Whitfield\nStatus: hidden\n"
        "Summary: Only reachable by its link.\n\nHidden body.\n",
        encoding="utf-8",
    )
    return dest


@pytest.fixture(scope="module")
def prod(tmp_path_factory, content):
    build = build_site(tmp_path_factory.mktemp("prod"), content=content, conf="publishconf")
    assert build.returncode == 0, build.log
    return build


def manifest(build) -> dict:
    return json.loads((build.build_dir / "manifest.json").read_text(encoding="utf-8"))


def test_manifest_lists_publishable_posts_only(prod):
    data = manifest(prod)
    assert data["site_url"] == SITE and data["generated"]
    slugs = {p["slug"] for p in data["posts"]}
    assert CLOSE in slugs and "q3-all-hands-notes-for-the-team" in slugs
    assert len(slugs) == 9  # 8 public + 1 internal
    assert (
        not {
            "where-ai-belongs-in-the-close-draft",
            "our-outlook-for-finance-operations-in-2030",
            "a-hidden-note",
        }
        & slugs
    )
    assert {p["status"] for p in data["posts"]} == {"published"}


def test_manifest_entry_shape(prod):
    posts = {p["slug"]: p for p in manifest(prod)["posts"]}
    close = posts[CLOSE]
    assert close["url"] == f"{SITE}/posts/2026/{CLOSE}/"
    assert close["title"] == "The five-day close is a trust problem, not a tooling problem"
    assert close["summary"].startswith("Most finance teams that miss a five-day close")
    assert "<" not in close["summary"] and "&" not in close["summary"]
    assert close["social"]["default"].startswith("Most teams that miss a five-day close")
    assert close["image"] == f"{SITE}/images/close-calendar.png"
    assert close["tags"] == ["month-end close", "controllers", "trust"]
    assert close["category"] == "Finance Operations" and close["author"] == "Dana Whitfield"
    assert close["audience"] == "public" and close["channels"] is None
    assert close["date"].startswith("2026-03-04T08:30:00")
    assert close["hash"].startswith("sha256:") and len(close["hash"]) == 71
    assert close["source_path"] == "content/posts/2026-03-04-the-five-day-close-is-a-trust-problem.md"
    partners = posts["why-we-partner-with-accounting-firms-instead-of-competing-with-them"]
    assert partners["channels"] == ["linkedin", "mastodon", "bluesky"]
    assert partners["social"]["linkedin"].startswith("Many software companies treat")
    internal = posts["q3-all-hands-notes-for-the-team"]
    assert internal["audience"] == "internal" and internal["social"]["slack"].startswith("Q3 all-hands notes")


def test_manifest_is_never_deployed(prod):
    assert not list(prod.output.rglob("manifest.json"))
    assert prod.build_dir not in prod.output.parents


def test_manifest_inside_output_is_refused(tmp_path, content):
    build = build_site(
        tmp_path,
        content=content,
        conf="publishconf",
        settings={"SYNDICATION_MANIFEST": str(tmp_path / "output" / "manifest.json")},
    )
    assert not (tmp_path / "output" / "manifest.json").exists()
    assert "Not writing the syndication manifest" in build.log


def test_failed_build_leaves_no_stale_manifest(tmp_path, content):
    broken = tmp_path / "content"
    shutil.copytree(content, broken)
    stale = tmp_path / "build" / "manifest.json"
    stale.parent.mkdir(parents=True)
    stale.write_text('{"posts": []}', encoding="utf-8")
    (broken / "posts" / "2026-06-01-broken.md").write_text(
        "Date: 2026-06-01\n\nNo title.\n", encoding="utf-8"
    )
    build = build_site(tmp_path, content=broken, conf="publishconf")
    assert build.returncode != 0
    assert not stale.exists()


def test_also_on_links_come_from_the_ledger(tmp_path, content):
    ledger = tmp_path / "ledger.jsonl"
    records = [
        {"event": "pending", "post": CLOSE, "channel": "mastodon", "key": "k1", "time": "t"},
        {
            "event": "posted",
            "post": CLOSE,
            "channel": "mastodon",
            "key": "k1",
            "time": "t",
            "remote_id": "1",
            "remote_url": "https://social.example/@northwind/1",
        },
        {"event": "pending", "post": CLOSE, "channel": "x", "key": "k2", "time": "t"},  # no result yet
        {
            "event": "posted",
            "post": CLOSE,
            "channel": "linkedin",
            "time": "t",
            "marked": True,
            "remote_id": "",
            "remote_url": "",
        },  # --mark-existing: no link to show
    ]
    ledger.write_text("".join(json.dumps(r) + "\n" for r in records) + '{"event": "pos', encoding="utf-8")
    build = build_site(tmp_path, content=content, conf="publishconf")
    assert build.returncode == 0, build.log
    soup = BeautifulSoup(build.read(CLOSE_PAGE), "html.parser")
    links = [(a["href"], a.get_text(strip=True)) for a in soup.select("a.u-syndication[rel~=syndication]")]
    assert links == [("https://social.example/@northwind/1", "Mastodon")]
    other = BeautifulSoup(
        build.read("posts/2026/integrations-that-finance-can-own/index.html"), "html.parser"
    )
    assert other.select("a[rel~=syndication]") == []
    assert "ledger.jsonl:5: the last line is incomplete" in build.log


def test_manifest_names_code_names_found_anywhere_in_the_source(tmp_path):
    content = copy_content(tmp_path / "content")
    (content / "posts" / "2026-05-02-leak.md").write_text(
        "Title: Month-end notes\nDate: 2026-05-02 08:00\nAuthor: Dana Whitfield\n"
        "Summary: Trusted automation for the close.\n\n```\nexport FLAG=project-bluefin\n```\n",
        encoding="utf-8",
    )
    build = build_site(tmp_path / "dev", content=content)  # dev: the brand guard does not stop it
    assert build.returncode == 0, build.log
    posts = {p["slug"]: p for p in manifest(build)["posts"]}
    assert posts["month-end-notes"]["confidential"] == ["project-bluefin"]
    assert posts[CLOSE]["confidential"] == []
