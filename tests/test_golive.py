"""`make publish` in the going-live order, against moto's S3 server, a static server that serves the
uploaded site from that bucket, fake social APIs and a fake WebSub hub — all on 127.0.0.1.

build → deploy → wait until each new page answers 200 → syndicate → rebuild ("Also on") → deploy
only the changed pages; WebSub pings for changed feeds; the ledger committed alone with COMMIT=1.
"""

from __future__ import annotations

import re
import subprocess
import time
from urllib.parse import parse_qs

import pytest
from deployfakes import start
from fakes.harness import fakes, ledger_records, settings_for, write_conf  # noqa: F401
from sitebuild import REPO
from werkzeug import Request, Response

from publish import pipeline, websub
from publish.deploy import s3

pytest.importorskip("moto")

CLOSE = "the-five-day-close-is-a-trust-problem-not-a-tooling-problem"
PARTNERS = "why-we-partner-with-accounting-firms-instead-of-competing-with-them"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    server, handle = start(tmp_path_factory.mktemp("moto"))
    yield handle
    server.stop()


class Site:
    """Serves s3://BUCKET at /site/ like a web server in front of the bucket would; `slow` pages
    answer 404 that many times first (a CDN still propagating), `never` pages always 404."""

    def __init__(self, client, bucket: str):
        self.client, self.bucket = client, bucket
        self.slow: dict[str, int] = {}
        self.never: set[str] = set()

    def __call__(self, request: Request) -> Response:
        key = request.path[len("/site/"):]
        if key == "" or key.endswith("/"):
            key += "index.html"
        if key in self.never:
            return Response("not here", status=404)
        if self.slow.get(key, 0) > 0:
            self.slow[key] -= 1
            return Response("propagating", status=404)
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except self.client.exceptions.NoSuchKey:
            return Response("no such key", status=404)
        return Response(body, status=200)


class Hub:
    """A WebSub hub that checks each publish ping exactly and records the feed URL."""

    def __init__(self, status: int = 204):
        self.status, self.pinged, self.errors = status, [], []

    def __call__(self, request: Request) -> Response:
        fields = parse_qs(request.get_data(as_text=True), keep_blank_values=True, strict_parsing=True)
        if request.method != "POST" or request.mimetype != FORM:
            self.errors.append(f"{request.method} {request.mimetype}")
        if set(fields) != {"hub.mode", "hub.url"} or fields["hub.mode"] != ["publish"] \
                or len(fields["hub.url"]) != 1:
            self.errors.append(f"fields {fields}")
        self.pinged.append(fields["hub.url"][0])
        return Response("", status=self.status)


def go_live_env(monkeypatch, moto, fakes, target):  # noqa: F811
    for key, value in {**moto.env(), **fakes.env("mastodon"), "DEPLOY_TARGET": target}.items():
        monkeypatch.setenv(key, value)


def test_publish_deploys_waits_for_live_pages_shares_then_deploys_the_changes(
        tmp_path, moto, fakes, httpserver, monkeypatch, capfd):  # noqa: F811
    client = s3.client(moto.env())
    client.create_bucket(Bucket="golive")
    site = Site(client, "golive")
    site.slow[f"posts/2026/{CLOSE}/index.html"] = 2
    site.never.add(f"posts/2026/{PARTNERS}/index.html")
    httpserver.expect_request(re.compile(r"/site/.*"), method="GET").respond_with_handler(site)
    hub = Hub()
    httpserver.expect_request("/hub").respond_with_handler(hub)
    siteurl = f"http://127.0.0.1:{httpserver.port}/site"
    settings = settings_for(tmp_path, fakes, SITEURL=siteurl, SYNDICATION_CHANNELS=["mastodon"],
                            SYNDICATION_MAX_PER_RUN=20, SYNDICATION_LIVE_TIMEOUT=3,
                            SYNDICATION_LIVE_INTERVAL=0.3, WEBSUB_HUB=f"http://127.0.0.1:{httpserver.port}/hub")
    conf = write_conf(tmp_path, settings)
    go_live_env(monkeypatch, moto, fakes, "s3://golive")  # no SYNDICATION_REQUIRE_LIVE: on by default

    moto.start_recording()
    status = pipeline.main(["--settings", str(conf), "--content", str(REPO / "content")])
    recorded = moto.stop_recording()
    err = capfd.readouterr().err
    assert status == 0, err
    assert fakes.errors() == [] and hub.errors == []

    # Shared: every public post whose page came up; the one that never did is neither shared nor recorded.
    posted = {r["post"] for r in ledger_records(settings) if r["event"] == "posted"}
    assert CLOSE in posted and PARTNERS not in posted and len(posted) >= 5
    assert not [r for r in ledger_records(settings) if r["post"] == PARTNERS]
    assert len(fakes.mastodon.statuses) == len(posted)
    assert all(PARTNERS not in s["content"] for s in fakes.mastodon.statuses)
    assert f"{PARTNERS} → mastodon: not-live: not live yet, will retry next run" in err

    # Order on the one server that saw both: each status POST comes after its page answered 200,
    # and the slow page's 404s came first.
    log = [(req.method, req.path, resp.status_code) for req, resp in httpserver.log]
    posts = [i for i, (m, p, _) in enumerate(log) if m == "POST" and p == "/api/v1/statuses"]
    assert len(posts) == len(posted)
    for index, status_ in zip(posts, fakes.mastodon.statuses, strict=True):
        slug = next(s for s in posted if s in status_["content"])
        answers = [code for m, p, code in log[:index] if m == "GET" and p == f"/site/posts/2026/{slug}/"]
        assert answers and answers[-1] == 200, (slug, answers)
    close_answers = [code for _, p, code in log if p == f"/site/posts/2026/{CLOSE}/"]
    assert close_answers[:3] == [404, 404, 200]
    assert set(code for _, p, code in log if p == f"/site/posts/2026/{PARTNERS}/") == {404}
    assert max(i for i, (_, p, _) in enumerate(log) if p.startswith("/site/")) < posts[0]

    # The second deploy uploads exactly the pages the rebuild changed: the shared posts' pages,
    # which now carry "Also on" links.
    lists = [i for i, r in enumerate(recorded) if r["method"] == "GET" and "list-type=2" in r["url"]]
    assert len(lists) == 2
    first = {r["url"].split("/golive/", 1)[1].split("?")[0] for r in recorded[lists[0]:lists[1]]
             if r["method"] == "PUT"}
    second = {r["url"].split("/golive/", 1)[1].split("?")[0] for r in recorded[lists[1]:]
              if r["method"] == "PUT"} - {".lectern-deploy.json"}  # the deploy's record of headers
    assert len(first) > 50
    # (sitemap.xml too: pelican's sitemap plugin stamps index pages with the build time.)
    assert second == {f"posts/2026/{slug}/index.html" for slug in posted} | {"sitemap.xml"}
    page = client.get_object(Bucket="golive", Key=f"posts/2026/{CLOSE}/index.html")["Body"].read().decode()
    assert "u-syndication" in page and fakes.mastodon.statuses[0]["url"].split("/")[2] in page
    assert f"lectern: deploy again: deploy → s3://golive: uploaded {len(second)} " in err

    # WebSub: one exact ping per feed the first deploy uploaded (the rebuild changed no feed).
    feeds = sorted(f"{siteurl}/{key}" for key in first if key.startswith("feeds/"))
    assert len(feeds) >= 8 and sorted(hub.pinged) == feeds
    assert f"WebSub: announced {len(feeds)} changed feed(s) to http://127.0.0.1:" in err
    assert "WebSub: no feed changed, nothing to announce" in err
    # The ledger changed: the summary says it must be committed.
    assert "the ledger changed: commit it" in err and "git add" in err


@pytest.mark.parametrize("failure", ["500", "timeout", "refused"])
def test_a_failing_hub_is_reported_and_never_raises(httpserver, failure):
    from deployfakes import free_port

    if failure == "refused":
        hub = f"http://127.0.0.1:{free_port()}/hub"
    else:
        def answer(request):
            if failure == "timeout":
                time.sleep(1.5)
            return Response("boom", status=500)

        httpserver.expect_request("/hub", method="POST").respond_with_handler(answer)
        hub = httpserver.url_for("/hub")
    settings = {"SITEURL": "https://x.example", "WEBSUB_HUB": hub, "WEBSUB_TIMEOUT": 0.5,
                "LECTERN_FEED_ALL_ATOM": "feeds/all.atom.xml",
                "LECTERN_TAG_FEED_RSS": "feeds/tag/{slug}.rss.xml"}
    lines = websub.after_deploy(["index.html", "feeds/all.atom.xml", "feeds/tag/a b.rss.xml"], settings, {})
    assert len(lines) == 2
    words = {"500": "refused https://x.example/feeds/all.atom.xml (HTTP 500)",
             "timeout": "did not answer within", "refused": "could not be reached"}[failure]
    assert words in lines[0] and "not announced" in lines[1]


def test_websub_picks_the_feeds_of_every_kind():
    from publish.settings import load

    settings = load(REPO / "publishconf.py")
    changed = ["feeds/all.atom.xml", "feeds/all.rss.xml", "feeds/category/x.atom.xml", "feeds/tag/y.rss.xml",
               "feeds/author/z.atom.xml", "posts/2026/a/index.html", "sitemap.xml", "feeds/other.txt"]
    assert websub.feed_paths(changed, settings) == sorted(changed[:5])


def test_make_publish_commit_1_commits_only_the_ledger(tmp_path, fakes, httpserver):  # noqa: F811
    """`make publish COMMIT=1` without a deploy target: shares as before, says links may not be live,
    commits the ledger file alone (something else staged stays staged); no push."""
    repo = tmp_path / "repo"
    repo.mkdir()

    def git(*args):
        proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
        return proc.stdout

    git("init", "-q", "-b", "main")
    git("config", "user.name", "Lectern Test")
    git("config", "user.email", "lectern@example.com")
    (repo / "notes.txt").write_text("one\n")
    git("add", "notes.txt")
    git("commit", "-qm", "start")
    (repo / "notes.txt").write_text("two\n")
    git("add", "notes.txt")  # staged, must stay out of the ledger commit
    settings = settings_for(repo, fakes, SYNDICATION_CHANNELS=["mastodon"], SYNDICATION_MAX_PER_RUN=2)
    conf = write_conf(tmp_path, settings)
    env = {k: v for k, v in __import__("os").environ.items()
           if not k.startswith(("X_", "LINKEDIN_", "MASTODON_", "BLUESKY_", "SLACK_", "TEAMS_", "MAKE",
                                "DEPLOY_", "WEBSUB_"))}
    proc = subprocess.run(["make", "--no-print-directory", "publish", f"PUBLISHCONF={conf}",
                           f"OUTPUTDIR={repo / 'output'}", "COMMIT=1"],
                          cwd=REPO, env={**env, **fakes.env("mastodon")}, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert len(fakes.mastodon.statuses) == 2
    assert "no DEPLOY_TARGET: nothing was deployed, so the links just shared may not be live yet" \
        in proc.stderr
    assert "ledger committed" in proc.stderr and "nothing was pushed" in proc.stderr
    assert git("show", "--name-only", "--format=", "HEAD").split() == ["ledger/syndication.jsonl"]
    message = git("log", "-1", "--format=%B")
    assert message.startswith("ledger: record this run's syndication (make publish)")
    assert message.count("→ mastodon") == 2
    assert git("diff", "--cached", "--name-only").split() == ["notes.txt"]
    assert git("status", "--porcelain", "--", "ledger").strip() == ""


def test_a_failing_hub_never_fails_make_publish(tmp_path, moto, httpserver, monkeypatch, capfd):
    """A hub answering 500 to every ping: the deploy and the run still succeed, each feed is named."""
    client = s3.client(moto.env())
    client.create_bucket(Bucket="golive-hub")
    calls = []

    def broken(request):
        calls.append(request.form.get("hub.url"))
        return Response("hub down", status=500)

    httpserver.expect_request("/hub", method="POST").respond_with_handler(broken)
    settings = settings_for(tmp_path, SITEURL="https://hub.example", WEBSUB_HUB=httpserver.url_for("/hub"))
    conf = write_conf(tmp_path, settings)
    for key, value in {**moto.env(), "DEPLOY_TARGET": "s3://golive-hub"}.items():
        monkeypatch.setenv(key, value)
    for key in [k for k in __import__("os").environ if k.startswith(("X_", "LINKEDIN_", "MASTODON_",
                                                                     "BLUESKY_", "SLACK_", "TEAMS_"))]:
        monkeypatch.delenv(key)
    status = pipeline.main(["--settings", str(conf), "--content", str(REPO / "content")])
    err = capfd.readouterr().err
    assert status == 0, err
    feeds = {o["Key"] for o in client.list_objects_v2(Bucket="golive-hub")["Contents"]
             if o["Key"].startswith("feeds/")}
    assert sorted(calls) == sorted(f"https://hub.example/{key}" for key in feeds) and len(feeds) >= 8
    assert err.count("(HTTP 500) — not announced") == len(feeds)
    assert "lectern: deploy again:" in err
