"""`make build-prod` replaces output/ only when the whole production build passed.

Real Pelican builds into temp folders through publish/build.py (what the Makefile runs): a build
stopped by a broken post or a code name leaves every byte (and mtime) of output/ as it was, and
no half-written folder anywhere; a passing build swaps the new site in at once.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import threading
from pathlib import Path

import pytest
from conftest import copy_content
from sitebuild import REPO, production_build

from publish import lock

GOOD_POST = b"Title: A fresh note\nDate: 2026-02-01 09:00\nAuthor: Dana Whitfield\n\nFresh body text.\n"
BAD_POSTS = {
    "broken": (
        b"Title: A post with a bad date\nAuthor: Dana Whitfield\nDate: next tuesday\n\nBody.\n",
        "bad-date.md:3",
    ),
    "code-name": (
        b"Title: Roadmap notes\nDate: 2026-02-01 09:00\nAuthor: Dana Whitfield\n"
        b"Summary: What comes next.\n\nWe are shipping Project Bluefin next quarter.\n",
        "Bluefin",
    ),
}


def conf_for(tmp: Path) -> Path:
    lines = [
        f"import sys; sys.path.insert(0, {str(REPO)!r})",
        "from publishconf import *  # noqa",
        f"LECTERN_BUILD_DIR = {str(tmp / 'build')!r}",
        f"SYNDICATION_MANIFEST = {str(tmp / 'build' / 'manifest.json')!r}",
        f"SYNDICATION_LEDGER = {str(tmp / 'ledger.jsonl')!r}",
        f"CACHE_PATH = {str(tmp / 'cache')!r}",
    ]
    path = tmp / "conf.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def site(tmp_path):
    """(content, output, conf) in a fresh temp folder; nothing built yet."""
    return copy_content(tmp_path / "content"), tmp_path / "site" / "output", conf_for(tmp_path)


def build_prod(content: Path, output: Path, conf: Path, *, make: bool = False) -> subprocess.CompletedProcess:
    return production_build(content, output, conf, make=make)


def snapshot(root: Path) -> dict[str, tuple]:
    """Every file and folder under root with its bytes' hash and its mtime (ns)."""
    if not root.exists():
        return {}
    found = {".": ("dir", root.stat().st_mtime_ns)}
    for path in root.rglob("*"):
        rel = str(path.relative_to(root))
        if path.is_dir():
            found[rel] = ("dir", path.stat().st_mtime_ns)
        else:
            found[rel] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    return found


def leftovers(output: Path) -> list[str]:
    return sorted(p.name for p in output.parent.iterdir() if p.name != output.name)


@pytest.mark.parametrize("kind", sorted(BAD_POSTS))
def test_a_failed_production_build_leaves_output_byte_for_byte(site, kind):
    content, output, conf = site
    first = build_prod(content, output, conf)
    assert first.returncode == 0, first.stderr
    before = snapshot(output)
    assert len(before) > 20
    data, where = BAD_POSTS[kind]
    (content / "posts" / "bad-date.md").write_bytes(data)
    (content / "posts" / "fresh.md").write_bytes(GOOD_POST)  # would change the listings if written
    failed = build_prod(content, output, conf, make=kind == "code-name")
    assert failed.returncode != 0
    assert where in failed.stdout + failed.stderr
    assert "was left as it was" in failed.stderr
    assert snapshot(output) == before
    assert leftovers(output) == []


def test_a_failed_first_build_leaves_no_output(site):
    content, output, conf = site
    (content / "posts" / "bad-date.md").write_bytes(BAD_POSTS["broken"][0])
    failed = build_prod(content, output, conf, make=True)
    assert failed.returncode != 0
    assert not output.exists() and leftovers(output) == []


def test_a_passing_build_swaps_in_the_new_site_whole(site):
    content, output, conf = site
    assert build_prod(content, output, conf).returncode == 0
    old_inode = output.stat().st_ino
    (output / "stray-file-from-before.txt").write_text("old", encoding="utf-8")
    (content / "posts" / "fresh.md").write_bytes(GOOD_POST)
    reads = {"ok": 0, "missing": 0}
    done = threading.Event()

    def reader():  # what a web server sees during the swap
        while not done.is_set():
            try:
                (output / "index.html").read_bytes()
                reads["ok"] += 1
            except FileNotFoundError:
                reads["missing"] += 1

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        second = build_prod(content, output, conf)
    finally:
        done.set()
        thread.join()
    assert second.returncode == 0, second.stderr
    assert output.stat().st_ino != old_inode
    assert (output / "posts" / "2026" / "a-fresh-note" / "index.html").is_file()
    assert not (output / "stray-file-from-before.txt").exists()  # a clean build, not an overlay
    assert reads["ok"] > 0 and reads["missing"] == 0
    assert oct(output.stat().st_mode & 0o777) == oct(0o777 & ~current_umask())
    assert leftovers(output) == []


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_stale_staging_folders_are_cleaned_but_not_a_running_builds(site):
    content, output, conf = site
    output.parent.mkdir(parents=True)
    for name in ("output.staging-killed1", "output.trash-killed2"):
        (output.parent / name / "posts").mkdir(parents=True)
        (output.parent / name / "posts" / "half.html").write_text("half", encoding="utf-8")
    busy = output.parent / "output.staging-busy"
    busy.mkdir()
    fd = os.open(busy, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as a build in progress holds its own staging folder
    try:
        assert build_prod(content, output, conf).returncode == 0
    finally:
        os.close(fd)
    assert leftovers(output) == ["output.staging-busy"]


def test_a_production_build_waits_for_no_one_while_a_publish_runs(site):
    content, output, conf = site
    assert build_prod(content, output, conf).returncode == 0
    before = snapshot(output), snapshot(output.parent.parent / "build")
    with lock.held(output.parent.parent / "build" / "publish.lock"):
        refused = build_prod(content, output, conf)
    assert refused.returncode == 1 and "another publish is running" in refused.stderr
    assert (snapshot(output), snapshot(output.parent.parent / "build")) == before
