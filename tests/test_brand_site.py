"""The brand guard inside real Pelican builds (dev: report only; production: errors stop the build)."""

from __future__ import annotations

import re
import shutil

import pytest
from sitebuild import REPO, build_site
from test_brand_support import write_config

from plugins.brand_guard.core import check_paths, load_config

POSTS = REPO / "content" / "posts"
LEAKY = "2026-04-15-integrations-that-finance-can-own.md"
INTERNAL = "2026-08-01-q3-all-hands-notes.md"
DRAFT = "2026-11-18-draft-ai-in-the-close.md"


@pytest.fixture(scope="module")
def leaky_content(tmp_path_factory):
    """Three sample posts; one public post leaks a code name inside a fenced code block."""
    content = tmp_path_factory.mktemp("content") / "content"
    (content / "posts").mkdir(parents=True)
    for name in (LEAKY, INTERNAL, DRAFT):
        shutil.copy(POSTS / name, content / "posts" / name)
    leaky = content / "posts" / LEAKY
    text = leaky.read_text(encoding="utf-8")
    assert '  "4100-Services": revenue.services\n' in text
    leak = '  "4100-Services": revenue.services\n  "4200-Beta": project_bluefin.beta\n'
    leaky.write_text(text.replace('  "4100-Services": revenue.services\n', leak), encoding="utf-8")
    draft = content / "posts" / DRAFT
    draft.write_text(draft.read_text(encoding="utf-8") + "\nTidewater notes.\n", encoding="utf-8")
    lines = leaky.read_text(encoding="utf-8").splitlines()
    line = next(i for i, t in enumerate(lines, 1) if "project_bluefin" in t)
    return content, line, lines[line - 1].index("project_bluefin") + 1


@pytest.fixture(scope="module")
def brand(tmp_path_factory):
    return write_config(tmp_path_factory.mktemp("brand"))


def finding_line(path_name: str, line: int, column: int) -> re.Pattern:
    return re.compile(rf"{re.escape(path_name)}:{line}:{column} error confidential '?project_bluefin")


def test_production_build_fails_and_names_file_and_line(tmp_path, leaky_content, brand):
    content, line, column = leaky_content
    build = build_site(tmp_path, content=content, conf="publishconf",
                       settings={"BRAND_CONFIG": str(brand)})
    assert build.returncode != 0
    log = " ".join(build.log.split())  # Rich wraps long log lines
    assert finding_line(LEAKY, line, column).search(log), build.log
    assert "Production build stopped: 1 brand error in public posts" in log
    assert "Tidewater" in log and DRAFT in log  # the draft is reported, but it is not what blocks
    assert (build.build_dir / "brand-report.html").is_file()


def test_dev_build_succeeds_logs_the_leak_and_writes_a_private_report(tmp_path, leaky_content, brand):
    content, line, column = leaky_content
    build = build_site(tmp_path, content=content, conf="pelicanconf",
                       settings={"BRAND_CONFIG": str(brand)})
    assert build.returncode == 0, build.log
    assert finding_line(LEAKY, line, column).search(" ".join(build.log.split())), build.log
    report = (build.build_dir / "brand-report.html").read_text(encoding="utf-8")
    assert "Integrations that finance can own" in report and "Q3 all-hands notes" in report
    assert not list(build.output.rglob("brand-report*"))
    log = " ".join(build.log.split())
    assert INTERNAL in log  # internal posts are checked too (the readability limit here is 12) ...
    assert not re.search(rf"{INTERNAL}:\d+:\d+ error confidential", log)  # ... and may name Project Bluefin


def test_posts_from_pelicans_generator_cache_are_checked_too(tmp_path, leaky_content, brand):
    """CONTENT_CACHING_LAYER = "generator" serves cached posts without constructing them: a cached
    leak must still stop production, and every post must still be in the report."""
    content, line, column = leaky_content
    cached = {"BRAND_CONFIG": str(brand), "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True,
              "CONTENT_CACHING_LAYER": "generator"}
    first = build_site(tmp_path, content=content, settings=cached, args=("-v",))
    assert first.returncode == 0, first.log
    assert list((tmp_path / "cache").iterdir()), "the first build fills Pelican's cache"
    summary = re.compile(r"brand guard: (\d+) posts and pages")
    again = build_site(tmp_path, content=content, settings=cached, args=("-v",))
    assert summary.search(again.log)[1] == summary.search(first.log)[1] == "3", again.log
    prod = build_site(tmp_path, content=content, conf="publishconf", settings=cached)
    assert prod.returncode != 0
    assert finding_line(LEAKY, line, column).search(" ".join(prod.log.split())), prod.log


def test_a_broken_brand_yml_never_fails_a_dev_build_but_stops_production(tmp_path, leaky_content):
    content, _, _ = leaky_content
    bad = write_config(tmp_path, "statement: x\npillars:\n  - name: a\n    keyword: [b]\n", name="bad.yml")
    dev = build_site(tmp_path / "dev", content=content, settings={"BRAND_CONFIG": str(bad)})
    assert dev.returncode == 0 and f"{bad}:4: unknown key 'keyword'" in " ".join(dev.log.split())
    prod = build_site(tmp_path / "prod", content=content, conf="publishconf",
                      settings={"BRAND_CONFIG": str(bad)})
    assert prod.returncode != 0 and "fix the brand configuration" in prod.log


def test_sample_posts_pass_the_shipped_brand_yml_without_errors():
    report = check_paths([REPO / "content"], load_config(REPO / "brand.yml"))
    assert report.files >= 10
    assert [str(f) for f in report.findings if f.severity == "error"] == []
    internal = next(r for r in report.results if r.path.endswith(INTERNAL))
    assert internal.audience == "internal"
    public = [r for r in report.results if r.audience == "public" and not r.draft and "/posts/" in r.path]
    assert all(r.alignment.score >= 60 for r in public), {r.path: r.alignment.score for r in public}
