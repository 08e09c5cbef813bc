"""A scaffold is a draft: `make new` writes `Status: draft`, and placeholder text left from it is a
warning in dev, an error in production, and held in the publish preview (issue 9 point 13)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fakes.harness import fakes, ledger_records, post, settings_for, write_conf  # noqa: F401
from sitebuild import REPO, build_site

from plugins.post_contract.new import PLACEHOLDERS, TEMPLATE, find_placeholders
from publish.cli import main
from publish.ledger import parse
from publish.model import Post
from publish.plan import plan

SUMMARY, BODY = PLACEHOLDERS["Summary"], PLACEHOLDERS["body"]
SITE = "https://insights.example.com"


def scaffold(content: Path, title: str = "Untouched scaffold") -> Path:
    """`make new` into `content`, as a writer runs it."""
    make = ["make", "-s", "new", f"INPUTDIR={content}", f"VENV={sys.prefix}", f"TITLE={title}"]
    result = subprocess.run(make, cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    (created,) = (content / "posts").glob("*.md")
    return created


def flip_to_published(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "Status: draft\n" in text
    path.write_text(text.replace("Status: draft\n", "Status: published\n"), encoding="utf-8")


@pytest.fixture(scope="module")
def flipped(tmp_path_factory) -> Path:
    """An untouched scaffold whose writer only flipped Status to published."""
    content = tmp_path_factory.mktemp("scaffold") / "content"
    (content / "posts").mkdir(parents=True)
    flip_to_published(scaffold(content))
    return content


def test_make_new_writes_a_draft_with_the_placeholders_defined_once(tmp_path):
    text = scaffold(tmp_path / "content").read_text(encoding="utf-8")
    assert re.search(r"^Status: draft$", text, re.M)
    assert f"Summary: {SUMMARY}\n" in text and text.rstrip().endswith(BODY)
    assert "Status: draft" in TEMPLATE and "Status: published" not in TEMPLATE


def test_untouched_draft_scaffold_builds_quietly_and_is_not_published(tmp_path):
    content = tmp_path / "content"
    scaffold(content)
    build = build_site(tmp_path / "site", content=content, conf="publishconf")
    assert build.returncode == 0, build.log
    assert "placeholder" not in build.log
    assert not list(build.output.glob("posts/*/untouched-scaffold/index.html"))


def test_production_build_fails_on_a_flipped_scaffold_with_path_and_line(tmp_path, flipped):
    build = build_site(tmp_path, content=flipped, conf="publishconf")
    assert build.returncode != 0
    log = re.sub(r"\s+", " ", build.log)
    (name,) = [p.name for p in (flipped / "posts").glob("*.md")]
    assert re.search(rf"posts/{re.escape(name)}:6: \"{re.escape(SUMMARY)}\" is placeholder text "
                     r'from "make new" — replace it', log), build.log
    assert re.search(rf"posts/{re.escape(name)}:14: \"{re.escape(BODY)}\" is placeholder", log)
    assert "Production build stopped" in build.log
    assert not (build.build_dir / "manifest.json").exists()


def test_dev_build_warns_and_still_builds_the_post(tmp_path, flipped):
    build = build_site(tmp_path, content=flipped)
    assert build.returncode == 0, build.log
    assert re.search(r"WARNING.*:6: \"One or two sentences", re.sub(r"\s+", " ", build.log))
    assert "1 post built, but not ready for production" in re.sub(r"\s+", " ", build.log)
    assert list(build.output.glob("posts/*/untouched-scaffold/index.html"))


def test_preview_holds_the_flipped_scaffold_and_mastodon_gets_no_request(tmp_path, flipped, fakes):  # noqa: F811
    # The gate in the build is bypassed on purpose (non-strict production settings): the publish
    # step must still hold the post on every channel, from the manifest alone.
    # Publish runs with the settings the build used (it refuses a manifest built with others).
    settings = settings_for(tmp_path, fakes, SITEURL=SITE, LECTERN_STRICT=False)
    build = build_site(tmp_path, content=flipped, conf="publishconf",
                       settings={"LECTERN_STRICT": False, "SITEURL": SITE,
                                 "SYNDICATION_LEDGER": settings["SYNDICATION_LEDGER"]})
    assert build.returncode == 0, build.log
    manifest = json.loads((build.build_dir / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = manifest["posts"]
    assert entry["placeholders"] == sorted([SUMMARY, BODY]) and entry["status"] == "published"

    conf = write_conf(tmp_path, settings)
    assert main(["--settings", str(conf)], env=fakes.env("mastodon")) == 0
    rows = json.loads((tmp_path / "preview" / "plan.json").read_text(encoding="utf-8"))
    assert rows and {r["status"] for r in rows} == {"held"}
    assert {r["channel"] for r in rows} == {"x", "linkedin", "mastodon", "bluesky"}
    assert all("placeholder text from `make new`" in r["reason"] and SUMMARY in r["reason"] for r in rows)
    assert "held" in (tmp_path / "preview" / "index.html").read_text(encoding="utf-8")
    assert [r for r in fakes.mastodon.server.log if "/api/v1/" in r[0].path] == []
    assert fakes.mastodon.statuses == [] and ledger_records(settings) == []


VARIANTS = {
    "exact": f"Summary: {SUMMARY}",
    "shouting": f"Summary: {SUMMARY.upper()}",
    "rewrapped": "Summary: One or two sentences on why this post\n    matters  to a finance leader",
    "nbsp": "Summary: One or two sentences on why this post matters to a\u00a0finance leader.",
    "half-body": "Title: T\n\nWrite your post here in markdown.\n\nMy own words.",
}


@pytest.mark.parametrize("name", VARIANTS)
def test_placeholders_are_found_through_whitespace_and_case(name):
    assert find_placeholders(VARIANTS[name])


@pytest.mark.parametrize("text", [
    "Summary: Two sentences on why this post matters to a finance leader.",  # the writer's own
    "Summary: One or two sentences on why this post matters to a finance leadership team.",
])
def test_own_words_are_not_placeholders(text):
    assert find_placeholders(text) == []


def test_plan_holds_a_placeholder_even_from_an_older_manifest(tmp_path):
    """A manifest without the `placeholders` field: the composed texts are checked too."""
    entries = [post("scaffold", summary=SUMMARY.lower()), post("social", social={"mastodon": BODY}),
               post("fine")]
    items = plan([Post.from_json(e) for e in entries], parse(""), settings_for(tmp_path),
                 now=datetime(2026, 11, 23, tzinfo=UTC))
    held = {(i.post.slug, i.status) for i in items if "make new" in i.reason}
    assert {slug for slug, _ in held} == {"scaffold", "social"}
    assert {status for _, status in held} == {"held"}
    assert all(i.status == "planned" for i in items if i.post.slug == "fine")


def test_make_new_caps_the_file_name_of_a_long_title(tmp_path):
    """A 300-character title used to fail with "File name too long"; the name is cut like a slug."""
    title = "Why controllers trust the numbers they can trace back " * 6
    created = scaffold(tmp_path / "content", title.strip())
    slug = created.name.split("-", 3)[3].removesuffix(".md")
    assert len(slug) <= 80 and slug.startswith("why-controllers-trust") and not slug.endswith("-")
    assert f"Title: {title.strip()}\n" in created.read_text(encoding="utf-8")
