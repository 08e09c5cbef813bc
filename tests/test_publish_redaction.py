"""Secrets never surface: not in the console, the ledger, the preview or the logs — whole or in the
fragments a server echoes back (webhook path segments, query values, tokens in headers), raw,
URL-encoded or JSON-escaped (issue 9 point 8)."""

from __future__ import annotations

import html
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from fakes import harness
from fakes.base import ECHO
from fakes.harness import (  # noqa: F401 - fixtures
    REPO,
    fakes,
    ledger_records,
    post,
    settings_for,
    tweepy_to_fake,
    write_conf,
    write_manifest,
)

from publish.cli import main
from publish.redact import Redactor, error_text

# ---------------------------------------------------------------- the function
SLACK = "https://hooks.slack.com/services/T01ABCDEF/B02GHIJKL/Xy9AbCdEfGhIjKlMnOpQrStU"
TEAMS = ("https://prod-27.westus.logic.azure.com:443/workflows/0a1b2c3d4e5f60718293a4b5c6d7e8f9/triggers/"
         "manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0"
         "&sig=Ab-Cd_Ef%2BGh%2FIj%3D12")
HOOK = "https://hooks.example.net/notify?channel=general&token=tok3nValue9"
SESSION = ("dana2.bsky.social:::did:plc:abcdefghijklmnop12345678"
           ":::eyJhbGciOiJFUzI1NksifQ.eyJzdWIiOiJ4In0.c2ln"
           ":::eyJhbGciOiJFUzI1NksifQ.eyJyZWZyZXNoIjoxfQ.cmVmcmVzaA:::https://pds.example.com")
ENV = {
    "SLACK_WEBHOOK_URL": SLACK,
    "TEAMS_WEBHOOK_URL": TEAMS,
    "DEPLOY_WEBHOOK_URL": HOOK,  # not a channel: caught by its name
    "X_ACCESS_TOKEN": "Zq81xK",  # short tokens are still tokens
    "MASTODON_ACCESS_TOKEN": "mT7kQ",
    "BLUESKY_HANDLE": "dana2.bsky.social",
    "BLUESKY_SESSION": SESSION,
    "HOME": "/home/dana",  # not a secret
}
#: Each fragment a server could echo on its own, as the test writes it (not computed by the code).
FRAGMENTS = [
    SLACK, "/services/T01ABCDEF/B02GHIJKL/Xy9AbCdEfGhIjKlMnOpQrStU", "T01ABCDEF", "B02GHIJKL",
    "Xy9AbCdEfGhIjKlMnOpQrStU", TEAMS, "0a1b2c3d4e5f60718293a4b5c6d7e8f9", "Ab-Cd_Ef+Gh/Ij=12",
    "Ab-Cd_Ef%2BGh%2FIj%3D12", "tok3nValue9", "Zq81xK", "mT7kQ",
    "eyJhbGciOiJFUzI1NksifQ.eyJzdWIiOiJ4In0.c2ln", "eyJhbGciOiJFUzI1NksifQ.eyJyZWZyZXNoIjoxfQ.cmVmcmVzaA",
]


def disguises(secret: str) -> list[str]:
    """How a secret shows up in text a server sends back or we write."""
    return sorted({
        secret,
        quote(secret, safe=""),
        quote(secret, safe="/"),
        json.dumps(secret)[1:-1].replace("/", "\\/"),
        html.escape(secret),
        json.dumps({"error": secret}),
    })


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_every_fragment_in_every_disguise_is_masked(fragment):
    redact = Redactor(ENV)
    for shown in disguises(fragment):
        text = f'HTTP 400: invalid_payload for "{shown}" (see logs)'
        out = redact(text)
        assert fragment not in out and shown not in out, (shown, out)
        assert "***" in out and out.startswith("HTTP 400: invalid_payload for ")


def test_public_words_and_identities_are_left_alone():
    redact = Redactor(ENV)
    text = ("POST /services/ and /workflows/ via hooks.slack.com, api-version=2016-06-01, sv=1.0, "
            "at://did:plc:abcdefghijklmnop12345678/app.bsky.feed.post/3l1 by dana2.bsky.social on "
            "https://pds.example.com — the invoice was paid in 2016 /home/dana")
    assert redact(text) == text


def test_a_secret_is_never_cut_in_half_by_clipping():
    redact = Redactor(ENV)
    for cut in range(280, 300):
        message = error_text(redact, "x" * cut + " Xy9AbCdEfGhIjKlMnOpQrStU and more")
        assert "Xy9A" not in message and len(message) <= 300


def test_a_token_a_library_cut_short_is_masked_from_its_head():
    redact = Redactor(ENV)
    jwt = "eyJhbGciOiJFUzI1NksifQ.eyJyZWZyZXNoIjoxfQ.cmVmcmVzaA"
    for cut in (12, 20, len(jwt) - 1):
        out = redact(f"Authorization: Bearer {jwt[:cut]}...)")
        assert out == "Authorization: Bearer ***...)", out


def test_credentials_obtained_at_run_time_are_masked_too(monkeypatch):
    from publish import redact as module

    monkeypatch.setattr(module, "_RUNTIME", set())
    redact = Redactor({})
    assert redact("echo: rT9-session-only-token-4242") == "echo: rT9-session-only-token-4242"
    module.remember("rT9-session-only-token-4242")
    assert redact("echo: rT9-session-only-token-4242") == "echo: ***"


def test_unrelated_environment_is_not_treated_as_secret(monkeypatch):
    monkeypatch.setattr("publish.redact._RUNTIME", set())
    env = {"HOME": "/home/dana", "PATH": "/usr/bin", "CI_JOB_TOKEN": "true", "USE_API_KEY": "enabled"}
    assert Redactor(env).secrets == []
    assert Redactor({"CI_JOB_TOKEN": "glcbt-9xQ2"})("token glcbt-9xQ2") == "token ***"


# ---------------------------------------------------------------- the publish step, end to end
def haystacks(settings: dict, *texts: str) -> dict[str, str]:
    found = {name: text for name, text in zip(("stdout", "stderr", "log"), texts, strict=False)}
    found["ledger"] = Path(settings["SYNDICATION_LEDGER"]).read_text(encoding="utf-8")
    for page in Path(settings["SYNDICATION_PREVIEW_DIR"]).iterdir():
        found[f"preview/{page.name}"] = page.read_text(encoding="utf-8")
    return found


def leaks(places: dict[str, str], secrets: list[str]) -> list[str]:
    return [f"{where}: {shown!r}" for secret in secrets for shown in disguises(secret)
            for where, text in places.items() if shown in text]


@pytest.fixture
def logfile(tmp_path):
    """A real log file on the root logger at DEBUG (urllib3 logs every request line there)."""
    path = tmp_path / "publish.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield path
    root.removeHandler(handler)
    handler.close()
    root.setLevel(old)


def manifest(settings: dict) -> None:
    write_manifest(Path(settings["SYNDICATION_MANIFEST"]), [
        post("trust-beats-tooling"),
        post("q3-notes", audience="internal", date="2026-08-01T16:00:00+00:00"),
    ])


def test_servers_that_echo_the_request_leak_nothing(tmp_path, fakes, tweepy_to_fake, capsys, caplog,  # noqa: F811
                                                    logfile):
    fakes.teams.sig = "Ab+Cd/Ef==Gh12xyz"  # URL-encoding and JSON-escaping change this one
    caplog.set_level(logging.DEBUG)
    settings = settings_for(tmp_path, fakes)
    manifest(settings)
    for fake in fakes.all():
        fake.fail_next(ECHO)
    assert main(["--settings", str(write_conf(tmp_path, settings))], env=fakes.env()) == 1
    out, err = capsys.readouterr()
    logged = caplog.text + logfile.read_text(encoding="utf-8")

    failed = [r for r in ledger_records(settings) if r["event"] == "failed"]
    assert {r["channel"] for r in failed} == {"x", "linkedin", "mastodon", "bluesky", "slack", "teams"}
    assert all("***" in r["error"] for r in failed), failed  # each server did echo a secret
    assert '"POST *** HTTP/1.1" 400' in logged  # urllib3 logged the webhook call, its path masked
    places = haystacks(settings, out, err, logged)
    session = [*fakes.bluesky.access, *fakes.bluesky.refresh]  # JWTs from the login: credentials too
    assert leaks(places, fakes.secrets() + session) == []
    assert fakes.errors() == []


def test_a_bluesky_session_and_password_echoed_back_are_masked(tmp_path, fakes, capsys, caplog):  # noqa: F811
    caplog.set_level(logging.DEBUG)
    settings = settings_for(tmp_path, fakes)
    manifest(settings)
    session = fakes.bluesky.session_string()
    access, refresh = session.split(":::")[2:4]
    env = {"BLUESKY_HANDLE": fakes.bluesky.handle, "BLUESKY_SESSION": session}
    fakes.bluesky.fail_next(ECHO)  # createRecord answers 400 with our Bearer access token
    assert main(["--settings", str(write_conf(tmp_path, settings))], env=env) == 1
    out, err = capsys.readouterr()
    (failed,) = [r for r in ledger_records(settings) if r["event"] == "failed"]
    assert "Bearer ***" in failed["error"]
    assert leaks(haystacks(settings, out, err, caplog.text), [access, refresh, session]) == []

    fakes.bluesky.echo_login = True  # a login that fails repeats the password it was given
    env = {"BLUESKY_HANDLE": fakes.bluesky.handle, "BLUESKY_APP_PASSWORD": "Pw-9q2x-7hk3-zz1m"}
    Path(settings["BLUESKY_SESSION_FILE"]).unlink(missing_ok=True)
    assert main(["--settings", str(write_conf(tmp_path, settings))], env=env) == 1
    out, err = capsys.readouterr()
    assert "login failed" in err and "***" in err
    assert leaks(haystacks(settings, out, err, caplog.text), ["Pw-9q2x-7hk3-zz1m"]) == []


def test_short_tokens_echoed_by_x_and_mastodon_are_masked(tmp_path, httpserver, monkeypatch, capsys):
    monkeypatch.setitem(harness.SECRETS, "X_ACCESS_TOKEN", "Zq81xK")
    monkeypatch.setitem(harness.SECRETS, "MASTODON_ACCESS_TOKEN", "mT7kQ")
    short = harness.make_fakes(httpserver)
    import tweepy
    from fakes.x import redirect

    original = tweepy.Client.__init__
    monkeypatch.setattr(tweepy.Client, "__init__",
                        lambda self, *a, **k: (original(self, *a, **k), redirect(self, short.x))[0])
    settings = settings_for(tmp_path, short)
    manifest(settings)
    short.x.fail_next(ECHO)
    short.mastodon.fail_next(ECHO)
    assert main(["--settings", str(write_conf(tmp_path, settings))], env=short.env("x", "mastodon")) == 1
    out, err = capsys.readouterr()
    errors = {r["channel"]: r["error"] for r in ledger_records(settings) if r["event"] == "failed"}
    assert 'oauth_token="***"' in errors["x"] and "Bearer ***" in errors["mastodon"]
    assert leaks(haystacks(settings, out, err), ["Zq81xK", "mT7kQ", *short.secrets()]) == []


def test_the_real_command_line_prints_no_secret(tmp_path, fakes):  # noqa: F811
    """`python -m publish` in its own process: what a CI log would keep."""
    fakes.teams.sig = "Ab+Cd/Ef==Gh12xyz"
    settings = settings_for(tmp_path, fakes)
    manifest(settings)
    fakes.slack.fail_next(ECHO)
    fakes.teams.fail_next(ECHO)
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("X_", "LINKEDIN_", "MASTODON_", "BLUESKY_", "SLACK_", "TEAMS_"))}
    proc = subprocess.run(
        [sys.executable, "-m", "publish", "--settings", str(write_conf(tmp_path, settings))],
        cwd=REPO, env={**clean, **fakes.env("slack", "teams"), "COLUMNS": "200"},
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1 and "slack: failed" in proc.stderr
    assert leaks(haystacks(settings, proc.stdout, proc.stderr), fakes.secrets()) == []
