"""The benchmark harness works (no timings asserted: CI machines are too noisy for that)."""

from __future__ import annotations

import json
import subprocess
import sys

from sitebuild import REPO

sys.path.insert(0, str(REPO))

from bench import builds, corpus  # noqa: E402
from plugins.post_contract.contract import check_header  # noqa: E402
from plugins.post_contract.facts import parse_header  # noqa: E402


def test_corpus_is_deterministic_and_prefix_stable(tmp_path):
    a = corpus.generate(6, tmp_path / "a")
    b = corpus.generate(6, tmp_path / "b")
    c = corpus.generate(3, tmp_path / "c")
    names = sorted(p.name for p in (a.content / "posts").iterdir())
    assert names == sorted(p.name for p in (b.content / "posts").iterdir())
    for name in names:
        assert (a.content / "posts" / name).read_bytes() == (b.content / "posts" / name).read_bytes()
    for path in (c.content / "posts").iterdir():  # post i does not depend on N
        assert path.read_bytes() == (a.content / "posts" / path.name).read_bytes()
    assert a.words == b.words


def test_corpus_posts_follow_the_contract_and_the_brief(tmp_path):
    from pelican.utils import get_date

    made = corpus.generate(40, tmp_path / "c")
    posts = sorted((made.content / "posts").glob("*.md"))
    assert len(posts) == 40
    texts = [p.read_text(encoding="utf-8") for p in posts]
    authors = set()
    for path, text in zip(posts, texts, strict=True):
        assert check_header(str(path), text, is_article=True, parse_date=get_date) == []
        fields, _ = parse_header(text)
        authors.add(fields["author"].value)
        body = text.split("\n\n", 1)[1]
        assert 600 <= len(body.split()) <= 1400
        assert "\n## " in text
        assert fields["date"].value < "2026"
    assert authors == set(corpus.AUTHORS)
    joined = "\n".join(texts)
    assert "```" in joined and "![" in joined and "](https://" in joined and "\n- " in joined
    assert any(ord(ch) > 0x3000 for ch in joined)  # CJK / emoji


def test_bench_smoke_n5(tmp_path):
    """`bench/run.py` end to end with N=5, one round: table printed, JSON written, builds pass."""
    results = tmp_path / "results"
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--posts", "5", "--repeats", "1", "--edits", "2",
         "--scratch", str(tmp_path / "scratch"), "--results", str(results)],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Lectern full dev build" in proc.stdout
    (path,) = results.glob("*-n5.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["posts"] == 5
    rows = data["rows"]
    for key in ("vanilla", "dev", "prod", "vanilla-rebuild", "rebuild"):
        assert rows[key]["available"], rows[key]
        assert rows[key]["seconds"]["median"] > 0
    assert rows["proselint"]["available"]
    assert 0 < rows["dev"]["ratio"]
    assert rows["logs"]["available"] and rows["logs"]["lines"] > 0  # make report LOGS=…: lines/s
    built = list((tmp_path / "scratch" / "dev" / "output" / "posts").glob("*/*/index.html"))
    assert len(built) == 5
    assert "Edit to page, dev server" in proc.stdout
    edit = data["edit"]["tools"]
    for key in ("lectern", "lectern-pelican-r", "vanilla"):
        assert edit[key]["available"], edit[key]
        assert edit[key]["edits"] == 2 and edit[key]["seconds"]["median"] > 0
    assert edit["hugo"]["available"] or edit["hugo"]["why"] == "hugo is not on PATH"


def test_builds_run_with_pythons_bytecode_cache_on(monkeypatch):
    """A container's PYTHONDONTWRITEBYTECODE would make every timed Lectern build recompile its own
    modules while vanilla Pelican's come precompiled: the bench drops it for every build."""
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    env = builds.env()
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert env["PYTHONPATH"] == str(builds.REPO)
