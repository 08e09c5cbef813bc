"""`make report LOGS=…`: referral counts from a generated set of access logs — nginx/Apache combined
(plain, gzip, a gzip cut short, Apache's escaped quotes), CloudFront (gzip, `#Fields:` header,
URL-encoded) and S3 server access logs — with bots, Lectern's live check, redirects, errors, other
methods, every spelling of a post's address, and malformed lines. The expected counts are computed
here from the generator's own record of what it wrote, never by the code under test."""

from __future__ import annotations

import gzip
import json
import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from reportsite import content, ledger, post, settings_file
from test_report import run_report

from publish.live import USER_AGENT as LIVE_CHECK

SITE = "https://insights.example/blog"
START = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
OUT = ["dana-november", "dana-october", "dana-hostile", "marcus-october", "long-name", "café-notes"]
NOT_OUT = ["priya-two-weeks", "dana-old-missing"]  # scheduled / no such post: not a post page
BROWSERS = [
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1",
]
QUOTED_BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) "quoted" Chrome/120.0 Safari/537.36'
BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "-",
]
UTMS = [
    None,
    None,
    ("linkedin", "social"),
    ("x", "social"),
    ("mastodon", "social"),
    ("linkedin", "employee"),
    ("bluesky", "employee"),
    ("newsletter", "email"),
    ("LinkedIn", "Social"),
]
REFERRERS = [
    None,
    None,
    "own",
    "https://www.news.example/item?id=7",
    "https://t.co/xyz",
    "https://mail.example.org/",
    "https://<b>x</b>.example/",  # hostile: must show as text
]
SHARED = {
    ("dana-october", "linkedin"): START - timedelta(hours=2),
    ("marcus-october", "x"): START,
    ("café-notes", "mastodon"): START - timedelta(days=1),
}


@dataclass
class Event:
    slug: str | None  # the post the request is for (None: an asset or another page)
    target: str
    method: str
    status: str
    agent: str
    referrer: str
    time: datetime
    utm: tuple[str, str] | None
    kind: str  # what the request must count as: not_post, not_get, not_ok, own_checks, bots, visits


def make_event(rng: random.Random, i: int) -> Event:
    when = START + timedelta(minutes=7 * i + rng.randint(0, 5))
    roll = rng.random()
    if roll < 0.25:
        path, slug = (
            rng.choice(
                [
                    "/blog/theme/css/main.css",
                    "/blog/",
                    "/blog/feeds/all.atom.xml",
                    "/blog/images/a.png",
                    "/favicon.ico",
                ]
            ),
            None,
        )
    elif roll < 0.32:
        path, slug = f"/blog/posts/2026/{rng.choice(NOT_OUT)}/", None
    elif roll < 0.36:
        path, slug = f"/posts/2026/{rng.choice(OUT)}/", None  # outside SITEURL's path
    else:
        slug = rng.choice(OUT)
        shown = quote(slug)
        path = rng.choice(
            [
                f"/blog/posts/2026/{shown}/",
                f"/blog/posts/2026/{shown}",
                f"/blog/posts/2026/{shown}/index.html",
                f"/blog//posts/2026/{shown}/",
                f"/blog/posts/2026/{quote(shown[:1], safe='')}{shown[1:]}/".replace(
                    shown[:1], f"%{ord(shown[0]):02X}", 1
                ),
                f"http://insights.example/blog/posts/2026/{shown}/",
            ]
        )
    utm = rng.choice(UTMS)
    query = ""
    if utm:
        query = f"?utm_source={utm[0]}&utm_medium={utm[1]}&utm_campaign=c{i % 3}"
    elif rng.random() < 0.1:
        query = "?ref=x&page=2"
    method = rng.choice(["GET"] * 12 + ["HEAD", "POST"])
    status = rng.choice(["200"] * 10 + ["304", "301", "404", "500"])
    who = rng.random()
    agent = (
        LIVE_CHECK
        if who < 0.05
        else rng.choice(BOTS)
        if who < 0.2
        else QUOTED_BROWSER
        if who < 0.25
        else rng.choice(BROWSERS)
    )
    ref = rng.choice(REFERRERS)
    referrer = "-" if ref is None else f"{SITE}/posts/2026/dana-october/" if ref == "own" else ref
    if slug is None:
        kind = "not_post"
    elif method != "GET":
        kind = "not_get"
    elif status not in ("200", "304"):
        kind = "not_ok"
    elif agent == LIVE_CHECK:
        kind = "own_checks"
    elif agent in BOTS:
        kind = "bots"
    else:
        kind = "visits"
    return Event(slug, path + query, method, status, agent, referrer, when, utm, kind)


def clf(when: datetime) -> str:
    return when.strftime("%d/%b/%Y:%H:%M:%S +0000")


def combined(e: Event) -> str:
    agent = e.agent.replace('"', '\\"')  # Apache's escaping
    request = f"{e.method} {e.target} HTTP/1.1"
    return f'198.51.100.7 - - [{clf(e.time)}] "{request}" {e.status} 1234 "{e.referrer}" "{agent}"'


def s3(e: Event) -> str:
    return (
        f"79a5 www-bucket [{clf(e.time)}] 198.51.100.9 - 3E57427F3EXAMPLE WEBSITE.GET.OBJECT "
        f'posts/index.html "{e.method} {e.target} HTTP/1.1" {e.status} - 2662992 3462992 70 10 '
        f'"{e.referrer}" "{e.agent}" - hostid= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader '
        "www-bucket.s3-website.example TLSv1.2 - -"
    )


CF_FIELDS = (
    "date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) "
    "cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id"
)


def cloudfront(e: Event) -> str:
    stem, _, query = e.target.partition("?")
    if stem.startswith("http://"):  # CloudFront logs the path only
        stem = "/" + stem.split("/", 3)[3]
    cols = [
        e.time.strftime("%Y-%m-%d"),
        e.time.strftime("%H:%M:%S"),
        "FRA56-C1",
        "2345",
        "192.0.2.1",
        e.method,
        "d111.cloudfront.net",
        stem,
        e.status,
        e.referrer,
        quote(e.agent, safe="/;()+,:"),
        query or "-",
        "-",
        "Hit",
        "abc==",
    ]
    return "\t".join(cols)


def write_logs(folder: Path, seed: int = 7) -> tuple[list[Event], Counter, int, list[Path]]:
    """Write the logs; return the events, the skipped lines by reason, the number of physical lines
    and the files."""
    rng = random.Random(seed)
    events = [make_event(rng, i) for i in range(1500)]
    groups = {name: [] for name in ("plain", "gz", "cut", "cf", "s3")}
    for e in events:
        name = rng.choice(list(groups))
        if name == "cf" and e.agent == QUOTED_BROWSER:
            name = "gz"
        groups[name].append(e)
    skipped: Counter = Counter()
    lines = 0
    files = []

    plain = [combined(e) + "\n" for e in groups["plain"]]
    bad_time = Event(
        "dana-october", "/blog/posts/2026/dana-october/", "GET", "200", BROWSERS[0], "-", START, None, "skip"
    )
    junk = [
        "hello world\n",
        "\n",
        "GET / HTTP/1.1\n",
        combined(bad_time).replace(clf(START), "99/Foo/2026:xx") + "\n",
        "a\tb\tc\td\te\tf\tg\th\ti\tj\tk\n",
    ]
    skipped.update(
        {
            "not a log line": 2,
            "empty line": 1,
            "unreadable time": 1,
            "CloudFront line without a #Fields header": 1,
        }
    )
    data = "".join(plain[:50] + junk + plain[50:]).encode("utf-8")
    data += b'10.0.0.1 - - [21/Nov/2026:08:00:00 +0000] "GET /blog/ HTTP/1.1" 200 1 "-" "\xff\xfe bad"\n'
    data += b"x" * 100_000 + b"\n"  # a hostile 100 KB line
    skipped.update({"not UTF-8": 1, "longer than 64 KiB": 1})
    # a 30 KB user agent a client made up: a bot by its first token; it must not stall the count
    hostile = Event("dana-october", "/blog/posts/2026/dana-october/", "GET", "200",
                    "Mozilla/5.0 (compatible; Googlebot/2.1) " + "a" * 30_000, "-", START, None, "bots")
    data += (combined(hostile) + "\n").encode()
    groups["plain"].append(hostile)
    lines += 1
    data += (combined(groups["plain"][0]) + "\n").encode() if groups["plain"] else b""
    if groups["plain"]:
        groups["plain"].append(groups["plain"][0])
    (folder / "access.log").write_bytes(data)
    lines += len(plain) + len(junk) + 2 + (1 if groups["plain"] else 0)
    files.append(folder / "access.log")

    with gzip.open(folder / "access.log.1.gz", "wt", encoding="utf-8") as handle:
        handle.writelines(combined(e) + "\n" for e in groups["gz"])
    lines += len(groups["gz"])
    files.append(folder / "access.log.1.gz")

    cut = gzip.compress("".join(combined(e) + "\n" for e in groups["cut"]).encode())[:-8]  # no trailer
    (folder / "access.log.2.gz").write_bytes(cut)
    lines += len(groups["cut"])
    files.append(folder / "access.log.2.gz")

    cf = ["#Version: 1.0\n", f"#Fields: {CF_FIELDS}\n"] + [cloudfront(e) + "\n" for e in groups["cf"]]
    cf.insert(5, "2026-11-21\t08:00:00\tFRA56\n")  # too few fields
    skipped["CloudFront line with missing fields"] += 1
    (folder / "E2CF.2026-11-21-08.abcd1234.gz").write_bytes(gzip.compress("".join(cf).encode()))
    lines += len(cf)
    files.append(folder / "E2CF.2026-11-21-08.abcd1234.gz")

    (folder / "2026-11-21-08-00-00-S3LOG").write_text(
        "".join(s3(e) + "\n" for e in groups["s3"]), encoding="utf-8"
    )
    lines += len(groups["s3"])
    files.append(folder / "2026-11-21-08-00-00-S3LOG")
    written = [e for g in groups.values() for e in g]
    return written, skipped, lines, files


def expected_post(events: list[Event], slug: str) -> dict:
    mine = [e for e in events if e.slug == slug and e.kind == "visits"]
    kinds, utm, hosts = Counter(), Counter(), Counter()
    for e in mine:
        if e.utm:
            medium = e.utm[1].lower()
            kinds[{"social": "company", "employee": "employee"}.get(medium, "campaign")] += 1
            utm[f"{e.utm[0].lower()} / {medium}"] += 1
        elif e.referrer == "-":
            kinds["direct"] += 1
        elif e.referrer.startswith(SITE):
            kinds["this site"] += 1
        else:
            kinds["referrer"] += 1
            hosts[e.referrer.split("/")[2].removeprefix("www.")] += 1
    return {
        "visits": len(mine),
        "kinds": kinds,
        "utm": utm,
        "hosts": hosts,
        "first": min((e.time for e in mine), default=None),
    }


@pytest.fixture(scope="module")
def counted(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("logs")
    folder = content(tmp)
    post(folder / "posts", "cafe", "2026-11-25 09:00", "Café notes", "Priya Raman", slug="café-notes")
    conf = settings_file(tmp, folder, SITEURL=SITE)
    ledger_path = ledger(tmp / "ledger.jsonl")
    with open(ledger_path, "a", encoding="utf-8") as handle:  # share times the first visits are compared to
        for (slug, channel), when in SHARED.items():
            handle.write(
                json.dumps(
                    {
                        "event": "posted",
                        "post": slug,
                        "channel": channel,
                        "time": when.isoformat(),
                        "remote_id": "r",
                        "remote_url": "",
                    }
                )
                + "\n"
            )
    logs = tmp / "logs"
    logs.mkdir()
    events, skipped, lines, files = write_logs(logs)
    done = run_report(conf, "--logs", f"{logs}/access.log* {logs}/E2CF.*", "--logs", str(files[-1]))
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp / "build" / "report.json").read_text(encoding="utf-8"))
    page = (tmp / "build" / "report.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;x&lt;" in page and "<b>x<" not in page  # a hostile referrer is text
    return data["referrals"], events, skipped, lines, done


def test_every_line_is_accounted_for(counted):
    ref, events, skipped, lines, _ = counted
    assert len(ref["files"]) == 5
    assert ref["lines"] == lines
    assert ref["header_lines"] == 2
    assert ref["skipped_by_reason"] == dict(skipped)
    kinds = Counter(e.kind for e in events)
    for key in ("not_post", "not_get", "not_ok", "own_checks", "bots", "visits"):
        assert ref[key] == kinds[key], key
    assert ref["requests"] == len(events)
    assert ref["lines"] == ref["requests"] + ref["skipped"] + ref["header_lines"]
    assert kinds["visits"] > 300 and kinds["bots"] > 50 and kinds["own_checks"] > 10  # the mix is real


def test_a_cut_gzip_file_is_reported_and_its_lines_kept(counted):
    ref, _, _, _, done = counted
    (problem,) = ref["problems"]
    assert "access.log.2.gz" in problem and "truncated" in problem
    assert "access.log.2.gz" in done.stderr


def test_per_post_counts_by_utm_and_referrer(counted):
    ref, events, _, _, _ = counted
    by_post = {p["post"]: p for p in ref["posts"]}
    assert set(by_post) == {e.slug for e in events if e.kind == "visits"}
    assert "café-notes" in by_post  # percent-encoded UTF-8 in the request
    for slug, got in by_post.items():
        want = expected_post(events, slug)
        assert got["visits"] == want["visits"], slug
        assert {k: v for k, v in got["kinds"].items() if v} == dict(want["kinds"]), slug
        assert got["utm"] == dict(want["utm"]), slug
        assert got["referrers"] == dict(want["hosts"]), slug
        assert got["referred"] == sum(
            want["kinds"][k] for k in ("company", "employee", "campaign", "referrer")
        )
        assert got["first_visit"] == want["first"].isoformat()
    order = [(p["referred"], p["visits"]) for p in ref["posts"]]
    assert order == sorted(order, reverse=True)  # top posts first


def test_first_visit_after_each_share(counted):
    ref, events, _, _, _ = counted
    rows = {(r["post"], r["channel"]): r for r in ref["first_after_share"]}
    for (slug, channel), shared in SHARED.items():
        from_it = [
            e.time
            for e in events
            if e.slug == slug
            and e.kind == "visits"
            and e.utm
            and (e.utm[0].lower(), e.utm[1].lower()) == (channel, "social")
        ]
        row = rows[(slug, channel)]
        assert row["shared"] == shared.isoformat()
        assert row["visits"] == len(from_it) > 0
        assert row["first_visit"] == min(from_it).isoformat()
        assert row["delay_minutes"] == round((min(from_it) - shared).total_seconds() / 60)
    assert rows[("dana-november", "x")]["visits"] > 0  # shares from the ledger fixture are there too


@pytest.mark.parametrize("with_manifest", [True, False])
def test_addresses_are_the_built_pages(tmp_path, sample_site, marked_content, with_manifest):
    """Every post page a real build wrote is found under its address — from the build's manifest,
    and, without one, derived from ARTICLE_URL the way Pelican does it."""
    pages = sorted(p.parent.relative_to(sample_site.output).as_posix()
                   for p in sample_site.output.glob("posts/*/*/index.html"))
    assert len(pages) >= 6
    manifest = sample_site.build_dir / "manifest.json" if with_manifest else tmp_path / "none.json"
    conf = settings_file(tmp_path, marked_content, SYNDICATION_MANIFEST=str(manifest),
                         SITEURL="https://insights.example")
    log = tmp_path / "access.log"
    spellings = ["/{}/", "/{}", "/{}/index.html", "/{}/?utm_source=x&utm_medium=social"]
    log.write_text("".join(
        f'192.0.2.1 - - [21/Nov/2026:08:00:0{i} +0000] "GET {spelling.format(quote(page))} HTTP/1.1" 200 9 '
        f'"-" "{BROWSERS[0]}"\n' for page in pages for i, spelling in enumerate(spellings)), encoding="utf-8")
    done = run_report(conf, "--logs", str(log))
    assert done.returncode == 0, done.stderr
    ref = json.loads((tmp_path / "build" / "report.json").read_text(encoding="utf-8"))["referrals"]
    assert ref["visits"] == 4 * len(pages) and ref["not_post"] == 0
    assert sorted(p["visits"] for p in ref["posts"]) == [4] * len(pages)


USER_AGENTS = [*BROWSERS, QUOTED_BROWSER, *BOTS[:-1], LIVE_CHECK, "curl/8.5.0", "python-requests/2.34.2",
               "Wget/1.21.4", "Go-http-client/2.0", "Mozilla/5.0 (compatible; YandexBot/3.0)",
               "Mozilla/5.0 (compatible; YandexSearch/1.0)", "Twitterbot/1.0", "LinkedInBot/1.0",
               "Mastodon/4.3.0 (http.rb/5.2.0; +https://mastodon.social/) Bot",
               "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/126.0.0.0 Mobile Safari/537.36",
               "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
               "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
               "Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
               "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)"]


@pytest.mark.parametrize("linear", [True, False])
def test_bot_detection_agrees_with_crawlerdetect(linear):
    """The linear-time detector (RE2) and its fallback give crawlerdetect's own answers."""
    from crawlerdetect import CrawlerDetect

    from publish.report.bots import BotDetector

    detector = BotDetector()
    assert detector.linear  # crawlerdetect is the proven version: the fast path is on
    if not linear:
        detector.linear, detector._public = False, CrawlerDetect()
    reference = CrawlerDetect()
    answers = {agent: detector(agent) for agent in USER_AGENTS}
    assert answers == {agent: reference.is_crawler(agent) for agent in USER_AGENTS}
    assert sum(answers.values()) >= 14 and not answers[BROWSERS[0]]
