"""Publish refuses a manifest that was not built for the settings it runs with (issue 9 point 10):
a dev build's manifest, one built for another SITEURL or other settings — nothing is posted, the
ledger is untouched, and the message names the command that builds the right manifest."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fakes.harness import (  # noqa: F401 - fixtures
    SITE,
    build_identity,
    fakes,
    ledger_records,
    post,
    settings_for,
    tweepy_to_fake,
    write_conf,
    write_manifest,
)
from sitebuild import REPO, build_site

from publish.buildinfo import identity, mismatch
from publish.cli import main

OTHER = "https://staging.northwindledger.example"


@pytest.fixture(scope="module")
def dev_build(tmp_path_factory):
    """`make html`: pelicanconf.py (SITEURL http://localhost:8000, not strict)."""
    build = build_site(tmp_path_factory.mktemp("dev"), conf="pelicanconf")
    assert build.returncode == 0, build.log
    return build


@pytest.fixture(scope="module")
def prod_build(tmp_path_factory):
    """`make build-prod` with the harness's production SITEURL."""
    build = build_site(tmp_path_factory.mktemp("prod"), conf="publishconf", settings={"SITEURL": SITE})
    assert build.returncode == 0, build.log
    return build


def manifest_of(build) -> dict:
    return json.loads((build.build_dir / "manifest.json").read_text(encoding="utf-8"))


def publish(conf: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("X_", "LINKEDIN_", "MASTODON_", "BLUESKY_", "SLACK_", "TEAMS_"))}
    return subprocess.run([sys.executable, "-m", "publish", "--settings", str(conf), *args], cwd=REPO,
                          env={**clean, **env, "COLUMNS": "200"}, capture_output=True, text=True, timeout=120)


def untouched(settings: dict, fakes) -> None:  # noqa: F811
    assert fakes.x.server.log == []  # not one request reached any fake network (one shared server)
    assert not Path(settings["SYNDICATION_LEDGER"]).exists()
    assert not Path(settings["SYNDICATION_PREVIEW_DIR"]).exists()


def test_the_build_records_what_it_was_built_with(dev_build, prod_build):
    dev, prod = manifest_of(dev_build)["build"], manifest_of(prod_build)["build"]
    assert dev["settings"]["SITEURL"] == "http://localhost:8000"
    assert dev["settings"]["LECTERN_STRICT"] is False
    assert prod["settings"]["SITEURL"] == SITE and prod["settings"]["LECTERN_STRICT"] is True
    assert prod["settings"]["BRAND_STRICT"] is True and dev["fingerprint"] != prod["fingerprint"]
    assert prod == build_identity()  # what publish computes from publishconf.py + SITEURL


def test_a_dev_build_is_refused_by_a_production_publish(tmp_path, dev_build, fakes):  # noqa: F811
    settings = settings_for(tmp_path, fakes, SYNDICATION_MANIFEST=str(dev_build.build_dir / "manifest.json"))
    proc = publish(write_conf(tmp_path, settings), fakes.env())
    assert proc.returncode == 1
    message = " ".join(proc.stderr.split())
    assert ("manifest.json was made by a dev build (as `make html` makes), "
            "SITEURL http://localhost:8000") in message
    assert f"SITEURL {SITE}" in message
    assert "run `make build-prod PUBLISHCONF=" in message and "nothing was posted" in message
    assert proc.stdout == ""  # no table: nothing was planned
    untouched(settings, fakes)


def test_the_default_settings_name_make_build_prod(dev_build, tmp_path):
    settings = {**build_identity()["settings"], "SITEURL": "https://insights.northwindledger.example"}
    message = mismatch(manifest_of(dev_build)["build"], settings, "build/manifest.json",
                       REPO / "publishconf.py")
    assert message.startswith("build/manifest.json was made by a dev build (as `make html` makes), "
                              "SITEURL http://localhost:8000")
    assert message.endswith("run `make build-prod` (or `make publish`) first; nothing was posted")


def test_a_manifest_for_another_site_url_is_refused(tmp_path, prod_build, fakes):  # noqa: F811
    settings = settings_for(tmp_path, fakes, SITEURL=OTHER,
                            SYNDICATION_MANIFEST=str(prod_build.build_dir / "manifest.json"))
    conf = write_conf(tmp_path, settings)
    assert main(["--settings", str(conf)], env=fakes.env()) == 1
    untouched(settings, fakes)
    proc = publish(conf, fakes.env("slack", "teams"), "--preview-only")
    assert proc.returncode == 1
    assert f"was built for SITEURL {SITE}, but publishtest.py says {OTHER}" in " ".join(proc.stderr.split())
    untouched(settings, fakes)


def test_a_production_manifest_is_refused_by_dev_settings(tmp_path, prod_build, fakes):  # noqa: F811
    settings = settings_for(tmp_path, fakes, SITEURL="http://localhost:8000", LECTERN_STRICT=False,
                            BRAND_STRICT=False,
                            SYNDICATION_MANIFEST=str(prod_build.build_dir / "manifest.json"))
    proc = publish(write_conf(tmp_path, settings), fakes.env("mastodon"))
    assert proc.returncode == 1
    message = " ".join(proc.stderr.split())
    assert f"was made by a production build, SITEURL {SITE}, but publishtest.py is for a dev build" in message
    assert "`make html CONFFILE=" in message
    untouched(settings, fakes)


@pytest.mark.parametrize("build,expected", [
    (None, "does not say which settings built it"),  # written before this check, or by hand
    ({"settings": "production"}, "does not say which settings built it"),  # not the plugin's shape
    (build_identity(TIMEZONE="Asia/Tokyo"), "was built with other settings than publishtest.py "
                                            "(TIMEZONE 'Asia/Tokyo' → 'Europe/London')"),
])
def test_manifests_without_a_matching_record_are_refused(tmp_path, fakes, build, expected, capsys):  # noqa: F811
    settings = settings_for(tmp_path, fakes)
    path = write_manifest(Path(settings["SYNDICATION_MANIFEST"]), [post("trust-beats-tooling")], build)
    if build is None:
        data = json.loads(path.read_text(encoding="utf-8"))
        del data["build"]
        path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["--settings", str(write_conf(tmp_path, settings))], env=fakes.env("mastodon", "slack")) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "nothing was posted" in err
    assert expected in err
    untouched(settings, fakes)


def test_the_matching_production_build_is_published(tmp_path, prod_build, fakes, tweepy_to_fake):  # noqa: F811
    settings = settings_for(tmp_path, fakes, SYNDICATION_MANIFEST=str(prod_build.build_dir / "manifest.json"),
                            SYNDICATION_MAX_PER_RUN=10)
    assert main(["--settings", str(write_conf(tmp_path, settings))], env=fakes.env("mastodon")) == 0
    posted = [r for r in ledger_records(settings) if r["event"] == "posted"]
    assert len(posted) == len(fakes.mastodon.statuses) == 8  # every public post of the sample site
    assert all(s["content"].count(f"{SITE}/posts/") == 1 for s in fakes.mastodon.statuses)


def test_identity_ignores_what_make_passes_on_the_command_line():
    base = build_identity()["settings"]
    moved = {**base, "OUTPUT_PATH": "/elsewhere", "PATH": "/content", "SITEURL": base["SITEURL"] + "/"}
    assert identity(moved) == identity(base)
