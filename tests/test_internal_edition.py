"""The internal edition (`make build-internal` → output-internal/, internalconf.py), built for real
from the same content as the public edition: internal posts only there, banner and noindex on every
page, robots.txt disallowing everything, feeds at INTERNAL_SITEURL, no drafts or scheduled posts,
staged and strict like the public build; `make deploy` puts it on INTERNAL_DEPLOY_TARGET only and
refuses a target that meets the public one (moto S3); Slack/Teams messages for internal posts link
to it, or carry the post's text and no link when there is no internal site (fake webhooks)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import HIDDEN_MARKERS, HIDDEN_POSTS, copy_content, mark_post
from fakes.harness import fakes  # noqa: F401 - fixture
from sitebuild import REPO, all_output_bytes

from plugins.edition import ROBOTS
from publish.deploy import DeployError, deploy
from publish.deploy.target import overlap, parse

INTERNAL_SITE = "https://staff.northwind.example/insights"
PUBLIC_SITE = "https://insights.northwindledger.example"
INTERNAL_SLUG = "q3-all-hands-notes-for-the-team-zqinternalmarker"  # the marker is in its title
INTERNAL_PATH = f"posts/2026/{INTERNAL_SLUG}/"
MARK = HIDDEN_MARKERS["internal"]


def write_conf(tmp: Path, conf: str, **extra) -> Path:
    """A settings file like tests/sitebuild.py writes: `conf` with every path in `tmp`."""
    values = {
        "OUTPUT_PATH": str(tmp / ("output-internal" if conf == "internalconf" else "output")),
        "LECTERN_BUILD_DIR": str(tmp / "build" / conf),
        "SYNDICATION_MANIFEST": str(tmp / "build" / conf / "manifest.json"),
        "SYNDICATION_LEDGER": str(tmp / "ledger.jsonl"),
        "SYNDICATION_PREVIEW_DIR": str(tmp / "preview"),
        "CACHE_PATH": str(tmp / "cache" / conf),
        **extra,
    }
    lines = [f"import sys; sys.path.insert(0, {str(REPO)!r})", f"from {conf} import *  # noqa"]
    lines += [f"{key} = {value!r}" for key, value in values.items()]
    path = tmp / f"{conf}-test-{len(list(tmp.glob('*-test-*.py')))}.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MAKE", "INTERNAL_", "DEPLOY_", "LECTERN_SITEURL", "SLACK_", "TEAMS_",
                                "AWS_"))}
    return {**env, "PYTHONPATH": str(REPO), "COLUMNS": "200", **extra}


def make(target: str, tmp: Path, content: Path, env: dict, *more: str) -> subprocess.CompletedProcess:
    command = ["make", "--no-print-directory", "-s", target, f"VENV={sys.prefix}", f"INPUTDIR={content}",
               f"OUTPUTDIR={tmp / 'output'}", f"INTERNALDIR={tmp / 'output-internal'}",
               f"PUBLISHCONF={write_conf(tmp, 'publishconf')}",
               f"INTERNALCONF={write_conf(tmp, 'internalconf')}", *more]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """Both editions of the same marked content (drafts, scheduled and internal posts carry markers;
    the internal post also names a code name, which the internal audience may read)."""
    tmp = tmp_path_factory.mktemp("editions")
    content = copy_content(tmp / "content")
    for kind, name in HIDDEN_POSTS.items():
        mark_post(content / "posts" / name, HIDDEN_MARKERS[kind])
    internal_post = content / "posts" / HIDDEN_POSTS["internal"]
    text = internal_post.read_text(encoding="utf-8")
    internal_post.write_text(text + "\nProject Bluefin stays internal.\n", encoding="utf-8")
    env = clean_env(INTERNAL_SITEURL=INTERNAL_SITE)
    public = make("build-prod", tmp, content, env)
    assert public.returncode == 0, public.stdout + public.stderr
    internal = make("build-internal", tmp, content, env)
    assert internal.returncode == 0, internal.stdout + internal.stderr
    return tmp, content, tmp / "output", tmp / "output-internal"


def html_pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


# ------------------------------------------------------------------ what each edition holds

def test_internal_post_only_in_the_internal_edition(editions):
    _, _, public, internal = editions
    assert (internal / INTERNAL_PATH / "index.html").is_file()
    assert not (public / INTERNAL_PATH).exists()
    inside = all_output_bytes(internal)
    assert any(MARK.encode() in data for data in inside.values())
    for path, data in all_output_bytes(public).items():  # every byte of the public edition
        assert MARK.encode() not in data, path
        assert b"Project Bluefin" not in data, path
    # Listings, tag pages and the sitemap of the internal edition list it like any post.
    index = (internal / "index.html").read_text(encoding="utf-8")
    assert f"{INTERNAL_SITE}/{INTERNAL_PATH}" in index
    assert f"{INTERNAL_SITE}/{INTERNAL_PATH}" in (internal / "sitemap.xml").read_text(encoding="utf-8")
    assert (internal / "tag" / "all-hands" / "index.html").is_file()
    # Every public post is in the internal edition too.
    public_posts = {p.relative_to(public) for p in (public / "posts").rglob("index.html")}
    internal_posts = {p.relative_to(internal) for p in (internal / "posts").rglob("index.html")}
    assert public_posts and public_posts < internal_posts
    assert internal_posts - public_posts == {Path(INTERNAL_PATH) / "index.html"}


def test_no_draft_or_scheduled_post_in_either_edition(editions):
    _, _, public, internal = editions
    for root in (public, internal):
        for path, data in all_output_bytes(root).items():
            for kind in ("draft", "scheduled"):
                assert HIDDEN_MARKERS[kind].encode() not in data, (kind, path)


def test_share_kit_pages_only_in_the_internal_edition(editions):
    """plugins.amplify: a kit page per public post (the amplify message links there), none for the
    internal, draft or scheduled post, and no kit anywhere on the public site."""
    _, _, public, internal = editions
    pages = sorted((internal / "amplify").glob("*/index.html"))
    assert len(pages) >= 5 and not (public / "amplify").exists()
    assert not (internal / "amplify" / Path(INTERNAL_PATH).name).exists()
    for page in pages:
        data = page.read_bytes()
        assert all(marker.encode() not in data for marker in HIDDEN_MARKERS.values()), page
        assert b"utm_medium%3Demployee" in data and b"Project Bluefin" not in data
    for path, data in all_output_bytes(public).items():
        assert b"utm_medium=employee" not in data and b"utm_medium%3Demployee" not in data, path


def test_banner_and_noindex_on_every_internal_page_and_none_on_the_public_site(editions):
    _, _, public, internal = editions
    pages = html_pages(internal)
    assert len(pages) > 30
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        banner = soup.select(".internal-banner")
        assert len(banner) == 1 and banner[0].get_text(" ", strip=True).startswith("Internal"), page
        robots = soup.find_all("meta", attrs={"name": "robots"})
        assert [m["content"] for m in robots] == ["noindex, nofollow"], page
    for page in html_pages(public):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert not soup.select(".internal-banner"), page
        assert all("nofollow" not in m["content"] for m in soup.find_all("meta", attrs={"name": "robots"}))


def test_robots_txt_disallows_everything_internally_only(editions):
    _, _, public, internal = editions
    assert (internal / "robots.txt").read_text(encoding="utf-8") == ROBOTS == "User-agent: *\nDisallow: /\n"
    assert "Disallow: /\n" not in (public / "robots.txt").read_text(encoding="utf-8")


def test_internal_feeds_have_internal_urls_and_the_internal_post(editions):
    _, _, public, internal = editions
    for name in ("all.atom.xml", "all.rss.xml"):
        feed = feedparser.parse((internal / "feeds" / name).read_bytes())
        assert not feed.bozo, (name, feed.get("bozo_exception"))
        links = [e.link for e in feed.entries]
        assert f"{INTERNAL_SITE}/{INTERNAL_PATH}" in links
        assert all(link.startswith(INTERNAL_SITE + "/") for link in links), links
        public_feed = feedparser.parse((public / "feeds" / name).read_bytes())
        assert len(feed.entries) == len(public_feed.entries) + 1
        assert all(e.link.startswith(PUBLIC_SITE + "/") for e in public_feed.entries)
    assert (internal / "feeds" / "tag" / "all-hands.atom.xml").is_file()
    assert not (public / "feeds" / "tag" / "all-hands.atom.xml").exists()
    for path, data in all_output_bytes(internal).items():  # nothing in it points at the public site
        if path.relative_to(internal).parts[0] == "amplify":
            continue  # except the share kit (issue 13), whose links share the public page by design
        assert PUBLIC_SITE.encode() not in data, path


def test_own_manifest_never_the_public_one(editions):
    tmp, _, _, _ = editions
    public = json.loads((tmp / "build" / "publishconf" / "manifest.json").read_text(encoding="utf-8"))
    internal = json.loads((tmp / "build" / "internalconf" / "manifest.json").read_text(encoding="utf-8"))
    assert public["site_url"] == PUBLIC_SITE and internal["site_url"] == INTERNAL_SITE
    assert INTERNAL_SLUG in {p["slug"] for p in public["posts"]}  # Slack/Teams read it from here
    # The real settings files: separate output, build folder, manifest and lock.
    from publish.settings import load

    pub, intl = load(REPO / "publishconf.py"), load(REPO / "internalconf.py")
    for key in ("OUTPUT_PATH", "LECTERN_BUILD_DIR", "SYNDICATION_MANIFEST"):
        assert pub[key] != intl[key], key
    assert intl["OUTPUT_PATH"] == str(REPO / "output-internal")
    assert "output-internal/" in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()


# ------------------------------------------------------------------ strict and atomic

def test_failed_internal_build_leaves_output_internal_as_it_was(editions, tmp_path):
    tmp, content, _, internal = editions
    before = all_output_bytes(internal)
    broken = copy_content(tmp_path / "content")
    leaky = broken / "posts" / "2026-05-20-referrals-are-the-best-signal.md"  # a public post
    leaky.write_text(leaky.read_text(encoding="utf-8") + "\nTidewater is next.\n", encoding="utf-8")
    failed = make("build-internal", tmp, broken, clean_env(INTERNAL_SITEURL=INTERNAL_SITE))
    assert failed.returncode != 0
    assert "confidential" in failed.stdout + failed.stderr and "Tidewater" in failed.stdout + failed.stderr
    assert all_output_bytes(internal) == before


def test_no_internal_siteurl_is_a_clear_error(editions, tmp_path):
    tmp, content, _, internal = editions
    before = all_output_bytes(internal)
    failed = make("build-internal", tmp, content, clean_env())
    assert failed.returncode != 0
    assert "INTERNAL_SITEURL is not set" in failed.stdout + failed.stderr
    same = make("build-internal", tmp, content, clean_env(INTERNAL_SITEURL=PUBLIC_SITE))
    assert same.returncode != 0 and "is the public SITEURL" in same.stdout + same.stderr
    assert all_output_bytes(internal) == before


# ------------------------------------------------------------------ deploy

@pytest.mark.parametrize(("a", "b", "meet"), [
    ("s3://site", "s3://site", True),
    ("s3://site/www", "s3://site/www/", True),
    ("s3://site", "s3://site/internal", True),  # inside the public bucket's root: served publicly
    ("s3://site/www/staff", "s3://site/www", True),
    ("s3://site/www", "s3://site/www2", False),
    ("s3://site/public", "s3://site/internal", False),
    ("s3://site", "s3://site-internal", False),
    ("file:///srv/www", "file:///srv/www/", True),
    ("file:///srv/www", "file:///srv/www/internal", True),
    ("file:///srv/www", "file:///srv/www-internal", False),
    ("ssh://deploy@web.example/var/www", "ssh://other@web.example:2222/var/www/", True),
    ("ssh://deploy@web.example/var/www", "ssh://deploy@intranet.example/var/www", False),
    ("rsync://web.example/site", "rsync://web.example/site/internal", True),
    ("gh-pages", "github:gh-pages@origin", True),
    ("gh-pages", "github:internal-pages", False),
    ("s3://www", "file:///www", False),
])
def test_targets_that_meet(a, b, meet):
    assert overlap(parse(a), parse(b)) is meet
    assert overlap(parse(b), parse(a)) is meet


def test_both_editions_refuse_a_shared_target_before_anything_is_read(editions):
    tmp, _, public, internal = editions
    from publish.settings import load

    for conf, output in (("publishconf", public), ("internalconf", internal)):
        settings = load(write_conf(tmp, conf))
        env = {"DEPLOY_TARGET": "s3://no-such-bucket/site", "INTERNAL_DEPLOY_TARGET": "s3://no-such-bucket/site/staff",
               "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}  # nothing answers there: refused first
        with pytest.raises(DeployError, match="must never be put on the public site"):
            deploy(output, None, settings, env=env)
    settings = load(write_conf(tmp, "internalconf"))
    with pytest.raises(DeployError, match="INTERNAL_DEPLOY_TARGET"):
        deploy(internal, None, settings, env={"DEPLOY_TARGET": "s3://a"})


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    pytest.importorskip("moto")
    from deployfakes import start

    server, handle = start(tmp_path_factory.mktemp("moto"))
    yield handle
    server.stop()


def bodies(client, bucket: str) -> dict[str, bytes]:
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", ()):
            found[obj["Key"]] = client.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
    return found


def test_make_deploy_puts_the_internal_edition_only_on_its_own_target(editions, moto):
    tmp, content, public, internal = editions
    from publish.deploy import s3

    client = s3.client(moto.env())
    for name in ("public-site", "staff-site"):
        client.create_bucket(Bucket=name)
    env = clean_env(**moto.env(), INTERNAL_SITEURL=INTERNAL_SITE, DEPLOY_TARGET="s3://public-site/www",
                    INTERNAL_DEPLOY_TARGET="s3://staff-site/insights")
    done = make("deploy", tmp, content, env)
    assert done.returncode == 0, done.stdout + done.stderr
    pub, staff = bodies(client, "public-site"), bodies(client, "staff-site")
    assert pub and staff
    assert all(key.startswith("www/") for key in pub) and all(key.startswith("insights/") for key in staff)
    for key, data in pub.items():  # the public target never receives an internal post
        assert MARK.encode() not in data and b'class="internal-banner"' not in data, key
        assert INTERNAL_SLUG not in key and INTERNAL_SITE.encode() not in data, key
    assert f"insights/{INTERNAL_PATH}index.html" in staff
    assert staff["insights/robots.txt"] == ROBOTS.encode()
    # Each bucket holds its edition's files plus the deploy's record of their headers (scanned above
    # too: the public record names public files only).
    for bucket_files, prefix, edition in ((staff, "insights/", internal), (pub, "www/", public)):
        record = json.loads(bucket_files[prefix + s3.STATE_KEY])["files"]
        expected = {p.relative_to(edition).as_posix(): d for p, d in all_output_bytes(edition).items()}
        assert {k.removeprefix(prefix): v for k, v in bucket_files.items()
                if k != prefix + s3.STATE_KEY} == expected
        assert set(record) == set(expected)

    # Targets that meet: refused with a clear message, before anything is uploaded or deleted.
    for clash in ("s3://public-site/www", "s3://public-site/www/", "s3://public-site/www/staff", "s3://public-site"):
        refused = make("deploy", tmp, content, {**env, "INTERNAL_DEPLOY_TARGET": clash})
        text = refused.stdout + refused.stderr
        assert refused.returncode != 0, clash
        assert "must never be put on the public site" in text and "nothing was deployed" in text, text
        assert bodies(client, "public-site") == pub and bodies(client, "staff-site") == staff

    # Without INTERNAL_DEPLOY_TARGET only the public site is deployed, and the run says so.
    without = {k: v for k, v in env.items() if k != "INTERNAL_DEPLOY_TARGET"}
    public_only = make("deploy", tmp, content, without)
    assert public_only.returncode == 0, public_only.stderr
    assert "INTERNAL_DEPLOY_TARGET is not set" in public_only.stderr
    for key in moto.env():
        assert moto.env()[key] not in done.stdout + done.stderr or key in ("AWS_REGION", "AWS_ENDPOINT_URL")


# ------------------------------------------------------------------ Slack and Teams

def publish(tmp: Path, fakes, ledger: str, **env) -> subprocess.CompletedProcess:  # noqa: F811
    """`python -m publish` over the public build's manifest; the operator allows code names on the
    internal channels (the sample internal post names one, above)."""
    conf = write_conf(tmp, "publishconf", SYNDICATION_LEDGER=str(tmp / ledger),
                      SYNDICATION_PREVIEW_DIR=str(tmp / f"preview-{ledger}"), SYNDICATION_TIMEOUT=5,
                      SYNDICATION_CONFIDENTIAL_INTERNAL=True)
    return subprocess.run([sys.executable, "-m", "publish", "--settings", str(conf)], cwd=REPO,
                          env=clean_env(**fakes.env("slack", "teams"), **env),
                          capture_output=True, text=True, timeout=300)


def internal_messages(fakes):  # noqa: F811
    slack = [m for m in fakes.slack.messages if "Q3 all-hands" in json.dumps(m)]
    teams = [m for m in fakes.teams.messages if "Q3 all-hands" in json.dumps(m)]
    assert len(slack) == 1 and len(teams) == 1, (fakes.slack.messages, fakes.teams.messages)
    return slack[0], teams[0]


def urls_in(message: dict) -> list[str]:
    import re

    found = re.findall(r"https?://[^\s|>\"\\]+", json.dumps(message))
    return [u for u in found if not u.startswith("http://adaptivecards.io/schemas/")]  # the card's $schema


def test_slack_and_teams_link_internal_posts_to_the_internal_edition(editions, fakes, tmp_path):  # noqa: F811
    tmp, _, _, _ = editions
    import shutil

    shutil.copytree(tmp / "build" / "publishconf", tmp_path / "build" / "publishconf")
    done = publish(tmp_path, fakes, "with-site.jsonl", INTERNAL_SITEURL=INTERNAL_SITE)
    assert done.returncode == 0, done.stdout + done.stderr
    slack, teams = internal_messages(fakes)
    for message in (slack, teams):
        urls = urls_in(message)
        assert any(u.startswith(f"{INTERNAL_SITE}/{INTERNAL_PATH}") for u in urls), urls
        assert not any(PUBLIC_SITE in u for u in urls), urls
        assert PUBLIC_SITE not in json.dumps(message)
    assert slack["blocks"][0]["text"]["text"].startswith(f"*<{INTERNAL_SITE}/{INTERNAL_PATH}?")
    button = teams["attachments"][0]["content"]["actions"][0]
    assert button["url"].startswith(f"{INTERNAL_SITE}/{INTERNAL_PATH}?")


def test_without_an_internal_site_they_carry_the_text_and_no_link(editions, fakes, tmp_path):  # noqa: F811
    tmp, _, _, _ = editions
    import shutil

    shutil.copytree(tmp / "build" / "publishconf", tmp_path / "build" / "publishconf")
    done = publish(tmp_path, fakes, "no-site.jsonl")
    assert done.returncode == 0, done.stdout + done.stderr
    slack, teams = internal_messages(fakes)
    for message in (slack, teams):
        assert urls_in(message) == [], urls_in(message)
        assert "Thank you all for a strong quarter." in json.dumps(message, ensure_ascii=False)
        assert f"Closing line {MARK}." in json.dumps(message, ensure_ascii=False)  # the whole body fits
    assert slack["text"] == slack["blocks"][0]["text"]["text"].split("\n")[0].strip("*")
    assert teams["attachments"][0]["content"]["actions"] == []


def test_unlinked_text_is_the_body_fitted_to_each_limit(tmp_path, fakes):  # noqa: F811
    """Manifest-level: a long internal body (other scripts, markup-like text) fills Slack's section to
    its 3000-character limit and Teams' text to its limit, with no link anywhere."""
    from fakes.harness import post, settings_for, write_manifest
    from fakes.harness import write_conf as harness_conf

    from publish.cli import main

    body = " ".join(["Close week <b>&amp; on-call</b> 東京 Привет"] * 400)
    settings = settings_for(tmp_path, fakes)
    write_manifest(Path(settings["SYNDICATION_MANIFEST"]), [
        post("q3-notes", title="Q3 all-hands notes", audience="internal", date="2026-08-01T16:00:00+00:00",
             path="posts/2026/q3-notes/", text=body, image="https://insights.example.com/images/q3.png"),
    ])
    conf = harness_conf(tmp_path, settings)
    assert main(["--settings", str(conf)], env={**fakes.env("slack", "teams")}) == 0
    slack, teams = internal_messages(fakes)
    for message in (slack, teams):
        assert urls_in(message) == [], urls_in(message)
    section = slack["blocks"][0]["text"]["text"]
    assert section.startswith("*Q3 all-hands notes*\n") and section.endswith("…")
    assert 2900 < len(section) <= 3000
    assert "&lt;b&gt;&amp;amp; on-call&lt;/b&gt; 東京 Привет" in section
    assert "accessory" not in slack["blocks"][0]
    card = teams["attachments"][0]["content"]
    assert card["actions"] == [] and all(b["type"] != "Image" for b in card["body"])
    text = card["body"][1]["text"]
    assert text.startswith("Close week <b>&amp; on-call</b> 東京 Привет") and 2900 < len(text) <= 3000

    # With INTERNAL_SITEURL the same post links there, image included, never to the public site.
    fakes.slack.messages.clear()
    fakes.teams.messages.clear()
    second = tmp_path / "again"
    settings = settings_for(second, fakes)
    write_manifest(Path(settings["SYNDICATION_MANIFEST"]), [
        post("q3-notes", title="Q3 all-hands notes", audience="internal", date="2026-08-01T16:00:00+00:00",
             path="posts/2026/q3-notes/", text=body, image="https://insights.example.com/images/q3.png"),
    ])
    conf = harness_conf(second, settings)
    env = {**fakes.env("slack", "teams"), "INTERNAL_SITEURL": INTERNAL_SITE}
    assert main(["--settings", str(conf)], env=env) == 0
    slack, teams = internal_messages(fakes)
    # Slack downloads an image accessory as the message is sent, so one whose URL does not answer
    # (no internal site runs here) is left out — and the run says which URL it tried: the internal one.
    assert "accessory" not in slack["blocks"][0]
    rows = json.loads((Path(settings["SYNDICATION_PREVIEW_DIR"]) / "plan.json").read_text(encoding="utf-8"))
    (row,) = [r for r in rows if r["channel"] == "slack"]
    assert f"sent without the card image ({INTERNAL_SITE}/images/q3.png answered" in row["reason"]
    for message in (slack, teams):
        assert "insights.example.com" not in json.dumps(message)
        assert all(u.startswith(INTERNAL_SITE) for u in urls_in(message)) and urls_in(message)


def test_live_check_waits_for_public_pages_only(tmp_path, fakes):  # noqa: F811
    """SYNDICATION_REQUIRE_LIVE waits for public pages; an internal post (no internal site: no link)
    is sent at once, while a public post whose page does not answer stays not-live."""
    from fakes.harness import post, settings_for, write_manifest
    from fakes.harness import write_conf as harness_conf

    from publish.cli import main

    settings = settings_for(tmp_path, fakes, SYNDICATION_REQUIRE_LIVE=True)
    write_manifest(Path(settings["SYNDICATION_MANIFEST"]), [
        post("q3-notes", title="Q3 all-hands notes", audience="internal", date="2026-08-01T16:00:00+00:00",
             text="Close week on-call rota."),
        post("public-one", url="http://127.0.0.1:9/posts/2026/public-one/"),  # nothing answers there
    ])
    conf = harness_conf(tmp_path, settings)
    assert main(["--settings", str(conf)], env={**fakes.env("slack", "mastodon")}) == 0
    slack = [m for m in fakes.slack.messages if "Q3 all-hands" in json.dumps(m)]
    assert len(slack) == 1 and urls_in(slack[0]) == []
    assert fakes.mastodon.statuses == []


def test_make_publish_deploys_the_internal_edition_before_sharing(editions, moto):
    """`make publish` with both targets: the internal edition is on its own target after the run
    (deployed before anything is shared), the public target holds no internal byte."""
    tmp, content, public, internal = editions
    from publish.deploy import s3

    client = s3.client(moto.env())
    for name in ("pub-run", "staff-run"):
        client.create_bucket(Bucket=name)
    env = clean_env(**moto.env(), INTERNAL_SITEURL=INTERNAL_SITE, DEPLOY_TARGET="s3://pub-run",
                    INTERNAL_DEPLOY_TARGET="s3://staff-run/insights")
    done = make("publish", tmp, content, env)  # no social credentials: preview only, nothing waits
    assert done.returncode == 0, done.stdout + done.stderr
    pub, staff = bodies(client, "pub-run"), bodies(client, "staff-run")
    assert f"insights/{INTERNAL_PATH}index.html" in staff and staff["insights/robots.txt"] == ROBOTS.encode()
    assert pub and not any(MARK.encode() in data for data in pub.values())
    refused = make("publish", tmp, content, {**env, "INTERNAL_DEPLOY_TARGET": "s3://pub-run/staff"})
    assert refused.returncode != 0
    assert "must never be put on the public site" in refused.stdout + refused.stderr
    assert bodies(client, "pub-run") == pub
