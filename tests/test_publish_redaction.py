"""Secrets never surface: not in the console, the ledger, the preview or the logs — whole or in the
fragments a server echoes back (webhook path segments, query values, tokens in headers), raw,
URL-encoded or JSON-escaped (issue 9 point 8)."""

from __future__ import annotations

import base64
import html
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, quote_plus, unquote

import pytest
from fakes import harness
from fakes.base import ECHO, ECHO_FORMS
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


def variants(secret: str) -> dict[str, str]:
    """How servers and libraries change what they echo (written here independently of the code):
    name -> the text a secret shows up as."""
    pct = quote(secret, safe="")
    found = {
        "upper": secret.upper(), "lower": secret.lower(), "swapcase": secret.swapcase(),
        "url lower hex": re.sub(r"%[0-9A-F]{2}", lambda m: m[0].lower(), pct),
        "url upper-cased": pct.upper(),
        "form (+ for space)": quote_plus(secret), "url twice": quote(pct, safe=""),
        "url twice lower hex": quote(pct, safe="").lower() if secret.lower() == secret else
        re.sub(r"%[0-9A-F]{2}", lambda m: m[0].lower(), quote(pct, safe="")),
        "plus decoded as space": secret.replace("+", " "),
        "json ascii": json.dumps(secret)[1:-1],
        "json html-safe": json.dumps(secret)[1:-1].replace("&", "\\u0026").replace("=", "\\u003d")
        .replace("+", "\\u002b"),
        "html decimal": "".join(c if c.isalnum() else f"&#{ord(c)};" for c in secret),
        "html hex": "".join(c if c.isalnum() else f"&#x{ord(c):X};" for c in secret),
    }
    for at in (len(secret) // 3, len(secret) // 2, len(secret) - 3):
        for brk in ("\n", "\r\n", "\n    ", " \n\t", "\\n"):
            found[f"wrapped at {at} by {brk!r}"] = secret[:at] + brk + secret[at:]
    return found


@pytest.mark.parametrize("fragment", FRAGMENTS)  # each holds a digit or is 20+ long: no casing is a word
def test_every_fragment_in_every_variant_is_masked(fragment):
    redact = Redactor(ENV)
    for name, shown in variants(fragment).items():
        if name.startswith("wrapped") and len(fragment) < 12:
            continue  # a wrapped short token could be chance; long ones are what gets wrapped
        text = f'HTTP 400: invalid_payload for "{shown}" (see logs)'
        out = redact(text)
        assert "***" in out and fragment.lower() not in out.lower().replace("\n", ""), (name, shown, out)
        assert out.startswith("HTTP 400: invalid_payload for ") and out.endswith(" (see logs)"), (name, out)


@pytest.mark.parametrize("wrap", [40, 60, 76])
def test_a_long_secret_wrapped_like_a_mime_body_or_a_log_line_is_masked(wrap):
    redact = Redactor(ENV)
    said = f"POST {SLACK} Authorization: Bearer {SESSION.split(':::')[2]} failed"
    lines = [said[i:i + wrap] for i in range(0, len(said), wrap)]
    out = redact("error:\n" + "\n".join(lines) + "\n-- end")
    flat = out.replace("\n", "")
    assert not [s for s in ("Xy9AbCdEfGhIjKlMnOpQrStU", "T01ABCDEF", "eyJzdWIiOiJ4In0") if s in flat], out
    assert out.startswith("error:\n") and out.endswith("\n-- end")


def test_base64_of_a_secret_is_masked_but_not_in_another_case():
    redact = Redactor(ENV)
    blob = base64.b64encode(b"user:Xy9AbCdEfGhIjKlMnOpQrStU-and-more-text").decode()
    assert "***" in redact(f"Authorization: Basic {blob}")
    # base64 is case-sensitive: its other casing is other bytes, and the text stays as it is
    other = blob.swapcase()
    assert redact(f"id {other}") == f"id {other}"


def test_case_is_ignored_only_for_values_no_casing_makes_a_word(monkeypatch):
    monkeypatch.setattr("publish.redact._RUNTIME", set())
    env = {"DEPLOY_WEBHOOK_URL": "https://hooks.example.net/Update/Services/K3yPart9x?token=AbcDefGhi",
           "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T01ABCDEF/B02GHIJKL/Xy9AbCdEfGhIjKlMnOpQrStU"}
    redact = Redactor(env)
    text = "update: services restarted; the UPDATE and SERVICES pages, abcdefghi in prose"
    assert redact(text) == text  # "Update" and "AbcDefGhi" are masked as written, never as words
    assert redact("Update k3ypart9x K3YPART9X abcdefghi ABCDEFGHI AbcDefGhi") == \
        "*** *** *** abcdefghi ABCDEFGHI ***"
    assert redact("xy9abcdefghijklmnopqrstu") == "***"


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


def undone(text: str) -> str:
    """`text` with every change a server could make undone, written independently of the code:
    line wraps joined, references and escapes decoded (twice), base64 runs decoded, one case."""
    text = re.sub(r"[ \t]*(?:\r?\n|\\n)[ \t]*", "", text)
    for _ in range(2):
        text = text.replace("\\u0026", "&").replace("\\u003d", "=").replace("\\/", "/")
        text = html.unescape(unquote(text))
    decoded = []
    for run in re.findall(r"[A-Za-z0-9+/]{16,}={0,2}", text):
        try:
            decoded.append(base64.b64decode(run + "=" * (-len(run) % 4)).decode("utf-8", "replace"))
        except ValueError:
            pass
    return (text + " " + " ".join(decoded)).lower()


def hidden_leaks(places: dict[str, str], secrets: list[str]) -> list[str]:
    """Secrets readable in any place once every server-side change is undone."""
    plain = {where: undone(text) for where, text in places.items()}
    return [f"{where}: {secret!r}" for where, text in plain.items() for secret in secrets
            if len(secret) >= 5 and any(s.lower() in text for s in (secret, secret.replace("+", " ")))]


@pytest.mark.parametrize("form", sorted(ECHO_FORMS))
def test_servers_that_echo_the_request_changed_leak_nothing(tmp_path, fakes, tweepy_to_fake, capsys,  # noqa: F811
                                                            caplog, logfile, form):
    """Each server echoes the request upper-cased, lower-cased, URL-encoded with lower-case hex, as a
    form, escaped twice, with + decoded as a space, as HTML-safe JSON, as HTML references, wrapped
    at 40 characters or base64-encoded: no boundary (ledger, preview, stdout, stderr, log) shows a
    secret, whatever was done to it."""
    fakes.teams.sig = "Ab+Cd/Ef==Gh12xyz"
    caplog.set_level(logging.DEBUG)
    settings = settings_for(tmp_path, fakes)
    manifest(settings)
    for fake in fakes.all():
        fake.fail_next(f"{ECHO}:{form}")
    assert main(["--settings", str(write_conf(tmp_path, settings))], env=fakes.env()) == 1
    out, err = capsys.readouterr()
    logged = caplog.text + logfile.read_text(encoding="utf-8")
    failed = [r for r in ledger_records(settings) if r["event"] == "failed"]
    assert {r["channel"] for r in failed} == {"x", "linkedin", "mastodon", "bluesky", "slack", "teams"}
    assert any("***" in r["error"] for r in failed), failed  # the servers did echo secrets
    places = haystacks(settings, out, err, logged)
    session = [*fakes.bluesky.access, *fakes.bluesky.refresh]
    assert hidden_leaks(places, fakes.secrets() + session) == []
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
