"""Deploy targets other than S3 (rsync to a folder, GitHub Pages to a local bare repository), the
DEPLOY_TARGET syntax, and the per-file rules (Content-Type, Cache-Control, upload tier)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from publish.deploy import DeployError, deploy, files, parse
from publish.deploy.plan import Config
from publish.settings import load

GIT_ENV = {"GIT_AUTHOR_NAME": "Lectern Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
           "GIT_COMMITTER_NAME": "Lectern Test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def settings_for(build, **extra) -> dict:
    return {**load(build.output.parent / "testconf.py"), **extra}


def tree_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# ------------------------------------------------------------------ DEPLOY_TARGET syntax

@pytest.mark.parametrize("raw, kind, fields", [
    ("s3://bucket", "s3", {"bucket": "bucket", "prefix": ""}),
    ("s3://bucket/", "s3", {"bucket": "bucket", "prefix": ""}),
    ("s3://my.bucket/blog/en/", "s3", {"bucket": "my.bucket", "prefix": "blog/en/"}),
    ("ssh://deploy@web.example:2222/var/www/blog", "rsync",
     {"destination": "deploy@web.example:/var/www/blog/", "port": 2222}),
    ("ssh://web.example/srv/site/", "rsync", {"destination": "web.example:/srv/site/", "port": None}),
    ("rsync://mirror.example/module/blog", "rsync", {"destination": "rsync://mirror.example/module/blog/"}),
    ("file:///srv/www/blog", "rsync", {"destination": "/srv/www/blog/"}),
    ("gh-pages", "ghpages", {"branch": "gh-pages", "remote": "origin"}),
    ("github:", "ghpages", {"branch": "gh-pages", "remote": "origin"}),
    ("github:main", "ghpages", {"branch": "main", "remote": "origin"}),
    ("github:site/live@upstream", "ghpages", {"branch": "site/live", "remote": "upstream"}),
])
def test_target_syntax(raw, kind, fields):
    target = parse(raw)
    assert target.kind == kind
    for name, value in fields.items():
        assert getattr(target, name) == value, name


@pytest.mark.parametrize("raw, says", [
    ("", "no deploy target"),
    ("   ", "no deploy target"),
    ("ftp://host/x", "not a deploy target"),
    ("s3://", "names no bucket"),
    ("ssh://host", "needs a host and a folder"),
    ("ssh://host:notaport/x", "port is not a number"),
    ("file://relative/path", "file:///absolute"),
    ("file:///", "file:///absolute"),
    ("<script>", "not a deploy target"),
])
def test_bad_targets_are_explained(raw, says):
    with pytest.raises(DeployError) as refused:
        parse(raw)
    assert says in str(refused.value)


def test_a_password_in_a_target_is_never_shown():
    target = parse("ssh://deploy:hunter2secret@web.example/var/www")
    assert "hunter2secret" not in target.shown and "***" in target.shown


def test_environment_wins_over_settings():
    config = Config.read({"DEPLOY_TARGET": "s3://from-settings", "DEPLOY_CLOUDFRONT_ID": "A"},
                         {"DEPLOY_TARGET": "s3://from-env", "DEPLOY_CLOUDFRONT_ID": "B"})
    assert (config.target, config.cloudfront_id) == ("s3://from-env", "B")
    assert Config.read({"DEPLOY_TARGET": "gh-pages"}, {}).target == "gh-pages"
    with pytest.raises(DeployError, match="DEPLOY_MAX_DELETES"):
        Config.read({"DEPLOY_MAX_DELETES": "many"}, {})
    with pytest.raises(DeployError, match="DEPLOY_CACHE_CONTROL"):
        Config.read({"DEPLOY_CACHE_CONTROL": ["theme/*"]}, {})


# ------------------------------------------------------------------ per-file rules

@pytest.mark.parametrize("path, expected", [
    ("index.html", "text/html; charset=utf-8"),
    ("feeds/all.atom.xml", "application/atom+xml; charset=utf-8"),
    ("feeds/tag/cfo.rss.xml", "application/rss+xml; charset=utf-8"),
    ("sitemap.xml", "application/xml; charset=utf-8"),
    ("site.webmanifest", "application/manifest+json; charset=utf-8"),
    ("theme/css/main.css", "text/css; charset=utf-8"),
    ("theme/js/app.js", "text/javascript; charset=utf-8"),
    ("robots.txt", "text/plain; charset=utf-8"),
    ("theme/img/favicon.svg", "image/svg+xml"),
    ("images/photo.JPG", "image/jpeg"),
    ("downloads/report.pdf", "application/pdf"),
    ("downloads/data.csv", "text/csv; charset=utf-8"),
    ("archive.tar.gz", "application/octet-stream"),
    ("no-extension", "application/octet-stream"),
])
def test_content_types(path, expected):
    assert files.content_type(path) == expected


@pytest.mark.parametrize("path, tier", [
    ("posts/2026/x/index.html", 0), ("about/index.html", 0), ("theme/css/main.css", 0),
    ("images/a.png", 0), ("404.html", 0),
    ("index.html", 1), ("page/2/index.html", 1), ("tag/cfo/index.html", 1), ("tag/cfo/page/2/index.html", 1),
    ("tags/index.html", 1), ("category/x/index.html", 1), ("author/dana/index.html", 1),
    ("archives/index.html", 1),
    ("feeds/all.atom.xml", 2), ("feeds/tag/cfo.rss.xml", 2),
    ("sitemap.xml", 3), ("robots.txt", 3),
])
def test_upload_tiers(path, tier):
    assert files.tier(path) == tier


# ------------------------------------------------------------------ rsync to a folder

@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed (apt-get install rsync)")
def test_rsync_to_a_folder(prod_site, tmp_path, monkeypatch):
    monkeypatch.setenv("LC_ALL", "C")  # CI's locale may be C: non-ASCII names must still match
    settings = settings_for(prod_site, DEPLOY_MAX_DELETES=1)
    dest = tmp_path / "www"
    dest.mkdir()
    target = f"file://{dest}"
    lines = []
    dry = deploy(prod_site.output, target, settings, dry_run=True, progress=lines.append)
    assert dry.dry_run and len(dry.uploaded) == len(tree_of(prod_site.output)) and tree_of(dest) == {}
    first = deploy(prod_site.output, target, settings, progress=lines.append)
    assert tree_of(dest) == tree_of(prod_site.output)
    assert sorted(first.uploaded) == sorted(tree_of(prod_site.output))
    again = deploy(prod_site.output, target, settings, progress=lines.append)
    assert again.uploaded == [] and again.unchanged == len(first.uploaded)

    copy = tmp_path / "output"
    shutil.copytree(prod_site.output, copy)
    (copy / "about" / "index.html").write_text("<p>changed</p>", encoding="utf-8")
    (copy / "tag" / "café 東京").mkdir(parents=True)
    (copy / "tag" / "café 東京" / "index.html").write_text("<p>new</p>", encoding="utf-8")
    for n in range(2):
        (dest / f"stale-{n}.html").write_text("old", encoding="utf-8")
    before = tree_of(dest)
    with pytest.raises(DeployError, match="would delete 2 files"):
        deploy(copy, target, settings, progress=lines.append)
    assert tree_of(dest) == before  # refused before any change
    forced = deploy(copy, target, settings, force=True, progress=lines.append)
    assert forced.uploaded == ["about/index.html", "tag/café 東京/index.html"]
    assert forced.deleted == ["stale-0.html", "stale-1.html"]
    assert tree_of(dest) == tree_of(copy)


# ------------------------------------------------------------------ GitHub Pages

def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}).stdout


def test_github_pages_branch(prod_site, tmp_path, monkeypatch):
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q", "-b", "main")
    git(work, "remote", "add", "origin", str(remote))
    (work / "README").write_text("source\n", encoding="utf-8")
    git(work, "add", "README")
    git(work, "commit", "-qm", "source")
    output = work / "output"
    shutil.copytree(prod_site.output, output)
    settings = settings_for(prod_site, DEPLOY_MAX_DELETES=0)

    dry = deploy(output, "github:", settings, dry_run=True, progress=lambda _: None)
    assert dry.dry_run and len(dry.uploaded) == len(tree_of(output))
    assert git(remote, "branch", "--list") == ""

    first = deploy(output, "github:", settings, progress=lambda _: None)
    assert len(first.uploaded) == len(tree_of(output))
    pushed = set(git(remote, "ls-tree", "-r", "--name-only", "gh-pages").split())
    assert pushed == set(tree_of(output)) | {".nojekyll"}
    commits = git(remote, "rev-list", "--count", "gh-pages")

    again = deploy(output, "github:", settings, progress=lambda _: None)
    assert again.uploaded == [] and git(remote, "rev-list", "--count", "gh-pages") == commits

    (output / "about" / "index.html").write_text("<p>changed</p>", encoding="utf-8")
    (output / "tag" / "café").mkdir()
    (output / "tag" / "café" / "index.html").write_text("<p>new</p>", encoding="utf-8")
    shown = git(remote, "show", "gh-pages:about/index.html")
    (output / "contact" / "index.html").unlink()
    with pytest.raises(DeployError, match="would delete 1 files"):
        deploy(output, "github:", settings, progress=lambda _: None)
    assert git(remote, "show", "gh-pages:about/index.html") == shown
    done = deploy(output, "gh-pages", settings, force=True, progress=lambda _: None)
    assert done.uploaded == ["about/index.html", "tag/café/index.html"]
    assert done.deleted == ["contact/index.html"]
    assert deploy(output, "gh-pages", settings, progress=lambda _: None).uploaded == []
    assert git(remote, "show", "gh-pages:about/index.html") == "<p>changed</p>"
    assert git(work, "symbolic-ref", "--short", "HEAD").strip() == "main"
