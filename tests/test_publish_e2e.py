"""The whole flow on the real sample site: build → publish (fake networks) → rebuild with "Also on"."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from bs4 import BeautifulSoup
from fakes.harness import fakes, ledger_records, settings_for, tweepy_to_fake, write_conf  # noqa: F401
from sitebuild import REPO, build_site

from publish.cli import main

SITE = "https://insights.northwindledger.example"
CLOSE = "the-five-day-close-is-a-trust-problem-not-a-tooling-problem"
INTERNAL = "q3-all-hands-notes-for-the-team"
PARTNERS = "why-we-partner-with-accounting-firms-instead-of-competing-with-them"


def test_sample_site_publish_and_backfeed(tmp_path, fakes, tweepy_to_fake):  # noqa: F811
    settings = settings_for(tmp_path, fakes, SITEURL=SITE, SYNDICATION_MAX_PER_RUN=10)
    ledger = {"SYNDICATION_LEDGER": settings["SYNDICATION_LEDGER"]}
    first = build_site(tmp_path, conf="publishconf", settings=ledger)
    assert first.returncode == 0, first.log
    conf = write_conf(tmp_path, settings)

    assert main(["--settings", str(conf)], env=fakes.env()) == 0
    assert fakes.errors() == []
    posted = {(r["post"], r["channel"]) for r in ledger_records(settings) if r["event"] == "posted"}
    assert (CLOSE, "mastodon") in posted and (INTERNAL, "slack") in posted
    assert {c for p, c in posted if p == INTERNAL} == {"slack", "teams"}
    assert {c for p, c in posted if p == PARTNERS} == {"linkedin", "mastodon", "bluesky"}  # Channels:
    assert len(fakes.x.tweets) == 7  # 8 public posts, one limited to other channels
    public_text = json.dumps(
        [
            fakes.x.tweets,
            [p["body"] for p in fakes.linkedin.posts],
            fakes.mastodon.statuses,
            [r["value"] for r in fakes.bluesky.records],
        ]
    )
    assert "Bluefin" not in public_text and "all-hands" not in public_text.lower()
    # The card image is read from the built site and uploaded as the Bluesky thumbnail.
    assert fakes.bluesky.blobs == [(first.output / "images" / "close-calendar.png").read_bytes()]

    rebuilt = build_site(tmp_path, conf="publishconf", settings=ledger)
    assert rebuilt.returncode == 0, rebuilt.log
    soup = BeautifulSoup(rebuilt.read(f"posts/2026/{CLOSE}/index.html"), "html.parser")
    names = [a.get_text(strip=True) for a in soup.select("a.u-syndication[rel~=syndication]")]
    assert names == ["X", "LinkedIn", "Mastodon", "Bluesky"]
    hrefs = [a["href"] for a in soup.select("a.u-syndication")]
    assert hrefs[2] == next(s["url"] for s in fakes.mastodon.statuses if CLOSE in s["content"])

    assert main(["--settings", str(conf)], env=fakes.env()) == 0  # nothing new: nothing posted
    assert len(fakes.x.tweets) == 7 and len(fakes.slack.messages) == 1


def test_make_publish_without_credentials(tmp_path):
    """`make publish` with no credentials: builds, writes the preview, posts nothing, exits 0."""
    settings = settings_for(tmp_path, SITEURL=SITE)
    conf = write_conf(tmp_path, settings)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("X_", "LINKEDIN_", "MASTODON_", "BLUESKY_", "SLACK_", "TEAMS_", "MAKE"))
    }
    proc = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "publish",
            f"PUBLISHCONF={conf}",
            f"OUTPUTDIR={tmp_path / 'output'}",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    plan = json.loads((tmp_path / "preview" / "plan.json").read_text())
    assert {r["status"] for r in plan} <= {"preview-only", "capped"} and plan
    assert (tmp_path / "preview" / "index.html").exists()
    assert not Path(settings["SYNDICATION_LEDGER"]).exists()
    assert "preview only" in proc.stdout + proc.stderr
    assert (tmp_path / "output" / "index.html").exists()
    assert not (tmp_path / "output" / "manifest.json").exists()
