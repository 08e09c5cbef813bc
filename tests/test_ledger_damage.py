"""A damaged ledger never crashes anything, and never lets a post be shared twice.

Every variant of damage is fed through the real parser, the planner, `python -m publish` against
the fake networks, and a real Pelican build (the "Also on" links read the same ledger).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fakes.harness import fakes, ledger_records, post, settings_for, write_conf, write_manifest  # noqa: F401
from sitebuild import build_site

from publish.cli import main
from publish.ledger import Writer, parse, read
from publish.model import Post
from publish.plan import plan

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SLUG = "trust-beats-tooling"
GOOD = {
    "event": "posted",
    "post": "other-post",
    "channel": "x",
    "time": "2026-11-01T10:00:00+00:00",
    "remote_id": "1",
    "remote_url": "https://x.example/status/1",
    "hash": "h",
}

#: (raw line, words the report must contain): every kind of damage seen or imaginable.
DAMAGE = [
    (
        b'{"event": "posted", "post": ["trust-beats-tooling"], "channel": "x"}',
        "`post` is a list, expected text",
    ),
    (
        b'{"event": "deferred", "post": null, "channel": "x", "reset": 1764000000}',
        "`reset` is a number, expected text",
    ),
    (b'{"event": "pending", "channel": "x", "key": "k"}', "no `post`"),
    (b'{"post": "trust-beats-tooling", "channel": "x"}', "no `event`"),
    (b'{"event": 7, "post": "trust-beats-tooling", "channel": "x"}', "`event` is a number, expected text"),
    (b'{"event": "posted", "post": "trust-beats-tooling", "channel": {"x": 1}}', "`channel` is an object"),
    (
        b'{"event": "failed", "post": "trust-beats-tooling", "channel": "x", "uncertain": "yes"}',
        "`uncertain` is a string, expected true or false",
    ),
    (
        b'{"event": "posted", "post": "trust-beats-tooling", "channel": "x", "remote_url": ["u"]}',
        "`remote_url` is a list, expected text",
    ),
    (b'{"event": "posted", "post": "", "channel": "x"}', "`post` is empty"),
    (b'{"event": "posted", "post": "trust-beats-tooling\\udc80", "channel": "x"}', "lone surrogate"),
    (b'{"event": "retracted", "post": "trust-beats-tooling", "channel": "x"}', "unknown event 'retracted'"),
    (b'{"event": "torn", "line": "3"}', "`line` of a torn record must be a whole number"),
    (
        b'{"event": "posted", "post": "trust-beats-tooling\xe9", "channel": "x"}',
        "byte 0xE9 at column 49 is not UTF-8",
    ),
    (b'\xff\xfe{\x00"\x00', "byte 0xFF at column 1 is not UTF-8"),
    (b'{"event": "posted", "post": "trust-beats-tooling", "chan', "invalid JSON"),  # truncated mid-file
    (b"[" * 100_000, "invalid JSON"),  # nesting deeper than the parser's recursion limit
    (b'["event", "posted"]', "a JSON list, not an object"),
    (b"NaN", "a JSON number, not an object"),
    (b"null", "a JSON null, not an object"),
    (b"<<<<<<< HEAD", "invalid JSON"),  # a merge conflict marker
]


def ledger_bytes(*lines: bytes) -> bytes:
    return b"".join(line + b"\n" for line in lines)


@pytest.mark.parametrize("raw,words", DAMAGE)
def test_each_damaged_line_is_reported_with_its_number_and_skipped(tmp_path, raw, words):
    path = tmp_path / "syndication.jsonl"
    path.write_bytes(ledger_bytes(json.dumps(GOOD).encode(), raw, json.dumps(GOOD).encode()))
    ledger = read(path)
    assert [p.line for p in ledger.problems] == [2]
    message = ledger.problems[0].message
    assert words in message and " — " in message and "skipped" in message
    assert len(ledger.records) == 2 and [u.line for u in ledger.unreadable] == [2]
    ledger.pairs()  # folds without a crash
    assert ledger.deferred_until("x", NOW) is None
    with Writer(path) as writer:  # and the next run appends after it
        writer.repair(ledger)
        writer.append({**GOOD, "post": "third"})
    assert [p.line for p in read(path).problems] == [2] and len(read(path).records) == 3


def items_for(ledger, *, retry_attention=False, tmp_path):
    entries = [
        Post.from_json(post(SLUG)),
        Post.from_json(post("unrelated-post", date="2026-05-01T08:00:00+00:00")),
    ]
    return {
        (i.post.slug, i.channel): i
        for i in plan(
            entries,
            ledger,
            settings_for(tmp_path, SYNDICATION_MAX_PER_RUN=10),
            now=NOW,
            retry_attention=retry_attention,
        )
    }


def test_both_records_of_a_pair_unreadable_hold_that_pair_only(tmp_path):
    pending = {
        "event": "pending",
        "post": SLUG,
        "channel": "mastodon",
        "key": "k",
        "time": "2026-11-20T10:00:00+00:00",
    }
    posted = {"event": "posted", "post": SLUG, "channel": "mastodon", "remote_id": "9"}
    ledger = parse(
        ledger_bytes(
            json.dumps(pending).encode().replace(b"pending", b"pend\xc3"),  # one bad byte
            json.dumps(posted).encode()[:-12],  # cut in the middle
            json.dumps(GOOD).encode(),
        )
    )
    items = items_for(ledger, tmp_path=tmp_path)
    held = items[(SLUG, "mastodon")]
    assert held.status == "attention"
    assert (
        "ledger line 1 is unreadable (byte 0xC3 at column" in held.reason
        and "--retry-attention" in held.reason
    )
    assert {k for k, i in items.items() if i.status == "planned"} == {
        (SLUG, "x"),
        (SLUG, "linkedin"),
        (SLUG, "bluesky"),
        ("unrelated-post", "x"),
        ("unrelated-post", "linkedin"),
        ("unrelated-post", "mastodon"),
        ("unrelated-post", "bluesky"),
    }
    again = items_for(ledger, retry_attention=True, tmp_path=tmp_path)
    assert again[(SLUG, "mastodon")].status == "planned"


def test_a_readable_post_with_an_unreadable_channel_holds_the_post_everywhere(tmp_path):
    ledger = parse(ledger_bytes(b'{"event": "posted", "post": "trust-beats-tooling", "channel": 3}'))
    items = items_for(ledger, tmp_path=tmp_path)
    assert {c for (s, c), i in items.items() if s == SLUG and i.status == "attention"} == {
        "x",
        "linkedin",
        "mastodon",
        "bluesky",
    }
    assert all(i.status == "planned" for (s, _), i in items.items() if s == "unrelated-post")


def test_a_list_as_post_is_searched_for_the_slug(tmp_path):
    ledger = parse(
        ledger_bytes(b'{"event": "posted", "post": ["trust-beats-tooling"], "channel": "bluesky"}')
    )
    items = items_for(ledger, tmp_path=tmp_path)
    assert [k for k, i in items.items() if i.status == "attention"] == [(SLUG, "bluesky")]


def test_a_line_that_names_no_known_post_holds_everything(tmp_path):
    ledger = parse(ledger_bytes(json.dumps(GOOD).encode(), b"\x00\x00garbage\x9c", json.dumps(GOOD).encode()))
    items = items_for(ledger, tmp_path=tmp_path)
    assert items and all(i.status == "attention" for i in items.values())
    assert "ledger line 2 is unreadable (byte 0x9C" in items[(SLUG, "x")].reason
    assert all(
        i.status == "planned" for i in items_for(ledger, retry_attention=True, tmp_path=tmp_path).values()
    )


def test_an_acknowledged_torn_line_holds_nothing(tmp_path):
    path = tmp_path / "l.jsonl"
    path.write_bytes(
        json.dumps(GOOD).encode() + b"\n" + b'{"event": "pending", "post": "trust-beats-tooling", "chan'
    )
    with Writer(path) as writer:
        repaired = writer.repair(writer.read())
    assert repaired.unreadable == [] and repaired.problems == []
    assert all(i.status == "planned" for i in items_for(repaired, tmp_path=tmp_path).values())


def test_an_unreadable_ledger_file_holds_everything(tmp_path):
    path = tmp_path / "ledger"
    path.mkdir()  # a folder where the file should be: reading it fails
    ledger = read(path)
    assert ledger.problems[0].line == 0 and "cannot be read" in ledger.problems[0].message
    assert all(i.status == "attention" for i in items_for(ledger, tmp_path=tmp_path).values())


def test_publish_reports_each_line_skips_it_and_holds_what_it_may_concern(tmp_path, fakes, capsys):  # noqa: F811
    settings = settings_for(tmp_path, fakes)
    write_manifest(
        Path(settings["SYNDICATION_MANIFEST"]),
        [post(SLUG), post("unrelated-post", date="2026-05-01T08:00:00+00:00")],
    )
    ledger = Path(settings["SYNDICATION_LEDGER"])
    ledger.parent.mkdir(parents=True)
    ledger.write_bytes(
        ledger_bytes(
            b'{"event": "deferred", "post": null, "channel": "mastodon", "reset": 1764000000}',
            b'{"event": "pending", "post": "trust-beats-tooling", "channel": "mastodon", "key": "k\xff"}',
            b'{"event": "posted", "post": ["trust-beats-tooling"], "channel": "mastodon", "remote_id": 5}',
        )
    )
    conf = write_conf(tmp_path, settings)
    env = fakes.env("mastodon")
    assert main(["--settings", str(conf)], env=env) == 0
    err = capsys.readouterr().err
    for number, words in ((1, "`reset` is a number"), (2, "byte 0xFF"), (3, "`post` is a list")):
        assert f"syndication.jsonl:{number}: {words}" in err
    assert f"{SLUG} → mastodon: attention: ledger line 2 is unreadable" in err, err
    (only,) = fakes.mastodon.statuses  # the unrelated post went out; the held one did not
    assert "utm_campaign=unrelated-post" in only["content"]
    assert main(["--settings", str(conf)], env=env) == 0  # still held on the next run
    assert len(fakes.mastodon.statuses) == 1
    assert main(["--settings", str(conf), "--retry-attention"], env=env) == 0
    assert len(fakes.mastodon.statuses) == 2
    posted = [(r["post"], r["channel"]) for r in ledger_records_lenient(ledger) if r.get("event") == "posted"]
    assert (SLUG, "mastodon") in posted and ("unrelated-post", "mastodon") in posted
    assert fakes.errors() == []


def ledger_records_lenient(path: Path) -> list[dict]:
    out = []
    for line in path.read_bytes().splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            pass
    return out


def test_make_html_warns_skips_and_keeps_the_good_links(tmp_path):
    close = "the-five-day-close-is-a-trust-problem-not-a-tooling-problem"
    ledger = tmp_path / "ledger.jsonl"
    good = {
        "event": "posted",
        "post": close,
        "channel": "mastodon",
        "time": "2026-11-01T10:00:00+00:00",
        "remote_id": "7",
        "remote_url": "https://social.example/@northwind/7",
    }
    ledger.write_bytes(
        ledger_bytes(*[raw for raw, _ in DAMAGE[:14]], json.dumps(good).encode())
        + b'{"event": "posted", "post": ["x"], "chan'
    )  # torn: no newline
    build = build_site(tmp_path, settings={"SYNDICATION_LEDGER": str(ledger)})
    assert build.returncode == 0, build.log
    for number in range(1, 15):
        assert f"ledger.jsonl:{number}: " in build.log
    assert "ledger.jsonl:16: the last line is incomplete" in build.log
    assert "Traceback" not in build.log
    soup = BeautifulSoup(build.read(f"posts/2026/{close}/index.html"), "html.parser")
    assert [a["href"] for a in soup.select("a.u-syndication")] == ["https://social.example/@northwind/7"]


def test_only_http_addresses_become_also_on_links():
    from publish.ledger import syndication_links

    def posted(channel, url):
        return {"event": "posted", "post": SLUG, "channel": channel, "remote_id": "1", "remote_url": url}

    links = syndication_links(
        [
            posted("x", "javascript:alert(1)"),
            posted("mastodon", "https://m.example/@a/1"),
            posted("bluesky", " data:text/html,x"),
            posted("linkedin", "HTTP://l.example/1"),
        ]
    )
    assert [link["url"] for link in links[SLUG]] == ["HTTP://l.example/1", "https://m.example/@a/1"]
