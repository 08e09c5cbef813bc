"""Shared fixtures: the sample site, built once per session with real Pelican."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sitebuild import REPO, Build, build_site

#: Marker strings placed in posts that must never reach any public byte of output/.
HIDDEN_MARKERS = {
    "draft": "zqdraftmarker",
    "scheduled": "zqscheduledmarker",
    "internal": "zqinternalmarker",
}
HIDDEN_POSTS = {
    "draft": "2026-11-18-draft-ai-in-the-close.md",
    "scheduled": "2030-01-15-our-2030-outlook.md",
    "internal": "2026-08-01-q3-all-hands-notes.md",
}


def mark_post(path: Path, marker: str) -> None:
    """Put `marker` in the title, summary, a social text and the body of a post."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^Title: (.*)$", rf"Title: \1 {marker}", text, count=1, flags=re.M)
    text = re.sub(r"^Summary: (.*)$", rf"Summary: \1 {marker}", text, count=1, flags=re.M)
    text = re.sub(r"^Tags: (.*)$", rf"Tags: \1, {marker}", text, count=1, flags=re.M)
    text = text.replace("\n\n", f"\nSocial: Read this {marker}\n\n", 1)
    path.write_text(text.rstrip("\n") + f"\n\nClosing line {marker}.\n", encoding="utf-8")


def copy_content(dest: Path) -> Path:
    shutil.copytree(REPO / "content", dest)
    return dest


@pytest.fixture(scope="session")
def marked_content(tmp_path_factory) -> Path:
    content = copy_content(tmp_path_factory.mktemp("content") / "content")
    for kind, name in HIDDEN_POSTS.items():
        mark_post(content / "posts" / name, HIDDEN_MARKERS[kind])
    return content


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory, marked_content) -> Build:
    """The sample content (with hidden-post markers) built with the dev settings."""
    build = build_site(tmp_path_factory.mktemp("site"), content=marked_content)
    assert build.returncode == 0, build.log
    return build


@pytest.fixture(scope="session")
def prod_site(tmp_path_factory, marked_content) -> Build:
    """The same content built with publishconf.py (absolute production URLs, strict)."""
    build = build_site(tmp_path_factory.mktemp("prod"), content=marked_content, conf="publishconf")
    assert build.returncode == 0, build.log
    return build
