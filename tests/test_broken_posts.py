"""Broken posts are reported as `path:line: problem — fix`; the rest of the site still builds."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from conftest import copy_content
from sitebuild import REPO, build_site

CASES = {
    "no-title.md": (b"Date: 2026-01-05 09:00\nAuthor: Dana Whitfield\n\nA post without a title.\n",
                    1, "has no title"),
    "bad-date.md": (b"Title: A post with a bad date\nAuthor: Dana Whitfield\nDate: next tuesday\n\nBody.\n",
                    3, '"next tuesday" is not a date'),
    "empty.md": (b"", 1, "the file is empty"),
    "latin1.md": (b"Title: Caf\xe9 culture\nDate: 2026-01-05\n\nBody.\n", 1, "is not UTF-8"),
    "bad-audience.md": (b"Title: Staff only\nDate: 2026-01-05\nAuthor: Dana Whitfield\n"
                        b"Audience: staff\n\nB.\n", 4, 'Audience "staff" is not recognised'),
    "no-date.md": (b"Title: Undated\nAuthor: Dana Whitfield\n\nBody.\n", 1, 'no "Date:" line'),
    "crlf-ok.md": (b"Title: Windows file\r\nDate: 2026-01-05\r\nAuthor: Dana Whitfield\r\n\r\n"
                   b"Date: 2026-13-45 is body text.\r\n", None, None),
}


@pytest.fixture(scope="module")
def broken_content(tmp_path_factory):
    content = copy_content(tmp_path_factory.mktemp("broken") / "content")
    for name, (data, _, _) in CASES.items():
        (content / "posts" / name).write_bytes(data)
    return content


@pytest.fixture(scope="module")
def dev_build(tmp_path_factory, broken_content):
    return build_site(tmp_path_factory.mktemp("dev"), content=broken_content)


@pytest.mark.parametrize("name", [n for n, case in CASES.items() if case[1]])
def test_each_broken_post_is_named_with_its_line(dev_build, name):
    _, line, words = CASES[name]
    log = re.sub(r"\s+", " ", dev_build.log)
    pattern = rf"posts/{re.escape(name)}:{line}: [^\n]*{re.escape(words)}"
    assert re.search(pattern, log), dev_build.log
    assert " — " in log  # every message says how to fix it


def test_dev_build_still_builds_everything_else_and_counts(dev_build):
    from test_site import PUBLISHED

    assert dev_build.returncode == 0, dev_build.log
    built = list(dev_build.output.glob("posts/*/*/index.html"))
    assert len(built) == len(PUBLISHED) + 1  # + the valid CRLF post
    assert re.search(r"6 broken posts skipped", dev_build.log)
    assert (dev_build.output / "feeds" / "all.atom.xml").is_file()


def test_body_after_blank_line_is_not_metadata(dev_build):
    # "Date:" after the blank line is body text, not a header: the CRLF post builds fine.
    assert "crlf-ok.md" not in dev_build.log
    assert list(dev_build.output.glob("posts/*/windows-file/index.html"))


def test_production_build_fails_on_broken_posts(tmp_path, broken_content):
    build = build_site(tmp_path, content=broken_content, conf="publishconf")
    assert build.returncode != 0
    assert "Production build stopped" in build.log
    assert "posts/empty.md:1:" in build.log


def test_production_build_of_sample_content_passes(prod_site):
    assert prod_site.returncode == 0
    assert "broken" not in prod_site.log


def test_make_new_scaffolds_a_draft_the_next_build_accepts(tmp_path):
    # Issue 9 point 13: the scaffold is a draft (it was "Status: published", and an untouched
    # scaffold went out); the build accepts it quietly and publishes it only once Status changes.
    content = copy_content(tmp_path / "content")
    make = ["make", "-s", "new", f"INPUTDIR={content}", f"VENV={sys.prefix}"]
    result = subprocess.run([*make, "TITLE=Hello, World", "AUTHOR=Priya Raman"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    created = list((content / "posts").glob("*-hello-world.md"))
    assert len(created) == 1
    header = created[0].read_text(encoding="utf-8")
    for key in ("Title: Hello, World", "Date: ", "Author: Priya Raman", "Category: ", "Tags:",
                "Summary: ", "Status: draft", "Audience: public", "Channels:", "Social:",
                "Image:", "Brand_ignore:"):
        assert key in header
    again = subprocess.run([*make, "TITLE=Hello, World"], cwd=REPO, capture_output=True, text=True)
    assert again.returncode != 0 and "already exists" in again.stderr
    assert created[0].read_text(encoding="utf-8") == header

    build = build_site(tmp_path / "site", content=content)
    assert build.returncode == 0, build.log
    assert not list(build.output.glob("posts/*/hello-world/index.html"))  # a draft
    assert "broken" not in build.log and "placeholder" not in build.log

    created[0].write_text(header.replace("Status: draft", "Status: published")
                          .replace("One or two sentences on why this post matters to a finance leader.",
                                   "Hello to every controller.")
                          .replace("Write your post here in Markdown. Start with the point you want "
                                   "a reader to remember.", "Hello, world."), encoding="utf-8")
    build = build_site(tmp_path / "site2", content=content)
    assert build.returncode == 0, build.log
    page = list(build.output.glob("posts/*/hello-world/index.html"))
    assert page and "Hello, World" in page[0].read_text(encoding="utf-8")
    assert "broken" not in build.log and "placeholder" not in build.log


def test_make_new_without_title_explains_usage(tmp_path):
    result = subprocess.run(["make", "-s", "new", f"INPUTDIR={tmp_path}", f"VENV={sys.prefix}"],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode != 0 and 'TITLE="' in result.stderr
    assert not list(tmp_path.rglob("*.md"))
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_every_problem_of_a_post_is_listed_but_the_post_counts_once(tmp_path):
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    (content / "posts" / "twice.md").write_bytes(b"Author: Dana Whitfield\nDate: someday\n\nBody.\n")
    build = build_site(tmp_path / "site", content=content)
    summary = re.sub(r"\s+", " ", build.log.split("broken post skipped", 1)[-1])
    assert "1 broken post skipped" in re.sub(r"\s+", " ", build.log)
    assert "posts/twice.md:1: the post has no title" in summary
    assert 'posts/twice.md:2: "someday" is not a date' in summary
