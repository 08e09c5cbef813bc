"""The employee share kit (publish/amplify/): texts fitted by compose's counters, share links that
parse back exactly, amplify messages sent exactly once over the fake Slack/Teams servers, never a
kit for internal, draft, scheduled or held posts — on a real site build too."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import HIDDEN_MARKERS
from fakes.harness import (  # noqa: F401 - fixtures
    fakes,
    ledger_records,
    post,
    settings_for,
    tweepy_to_fake,
    write_conf,
    write_manifest,
)
from sitebuild import all_output_bytes, build_site
from test_publish_cli import publish_process, wait_out_in_flight

from publish.amplify.kit import build, build_all, suggest
from publish.brand import load_check
from publish.cli import main
from publish.compose import escape_little, mastodon_length
from publish.lengths import grapheme_length, x_length
from publish.model import Post
from publish.report.referrals import PostIndex, count

SITE = "https://insights.example.com"
HOSTILE = "Fees & taxes #close <b>bold</b> 🧾👩🏽‍💻 ledger 帳簿 \u200b"
LONG = ("Why month-end close & reconciliation need trust, not tools " * 12)[:500]
AMPLIFY = {"AMPLIFY_CHANNELS": ("slack", "teams")}


def a_post(slug: str = "trust-beats-tooling", **over) -> Post:
    return Post.from_json(post(slug, **over))


@pytest.fixture(scope="module")
def check(tmp_path_factory):
    return load_check(settings_for(tmp_path_factory.mktemp("kit")))


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return settings_for(tmp_path_factory.mktemp("kitsettings"), AMPLIFY_TEAMS=("Sales EMEA", "engineering"))


POSTS = [
    a_post(),
    a_post("hostile", title=HOSTILE, summary=HOSTILE, social={"default": f"{HOSTILE} {LONG}"}),
    a_post("long", title=LONG, summary=LONG),
    a_post("cjk", title="月末決算", summary="月末決算の信頼" * 120),
    a_post("emoji", title="🧾", summary="👩🏽‍💻🧾" * 200),
]


@pytest.mark.parametrize("item", POSTS, ids=lambda p: p.slug)
def test_texts_fit_by_compose_counters(item, settings, check):
    for team in ("", "Sales EMEA"):
        kit = build(item, settings, check, team)
        by = {s.network: s for s in kit.suggestions}
        assert set(by) == {"x", "linkedin", "mastodon", "bluesky"} and not kit.errors, kit.errors
        x = by["x"]
        assert x.length == x_length(x.text) <= 280 and x.text.endswith(" " + x.link)
        # X counts the link as 23 (t.co) whatever its length: the text around it fills the rest.
        assert x_length(x.text) == x_length(x.text[: -len(x.link)] + "https://t.co/abcdefghij")
        assert len(x.link) > 23
        m = by["mastodon"]
        assert m.length == mastodon_length(m.text, 23) <= 500 and m.text.endswith(m.link)
        b = by["bluesky"]
        assert b.length == grapheme_length(b.text) <= 300 and b.text.endswith(b.link)
        assert len(b.text.encode()) <= 3000
        li = by["linkedin"]
        assert li.length == len(escape_little(li.text)) <= 3000
    if item.slug in ("long", "hostile", "cjk", "emoji"):
        assert by["x"].text.split(" https://")[0].endswith("…")  # cut at a boundary, with an ellipsis


@pytest.mark.parametrize("item", POSTS, ids=lambda p: p.slug)
def test_share_links_parse_back_to_the_exact_text_and_tags(item, settings, check):
    kits = build_all(item, settings, check)
    assert [k.team for k in kits] == ["Sales EMEA", "engineering"]
    for kit, tag in zip(kits, ("sales-emea", "engineering"), strict=True):
        for s in kit.suggestions:
            share = urlsplit(s.share)
            params = parse_qs(share.query, keep_blank_values=True, strict_parsing=True)
            assert not share.fragment and " " not in s.share and "<" not in s.share and "#" not in s.share
            if s.network == "x":
                assert (share.scheme, share.netloc, share.path) == ("https", "x.com", "/intent/post")
                assert params == {"text": [s.text[: -len(s.link) - 1]], "url": [s.link]}
            elif s.network == "linkedin":
                assert share.netloc == "www.linkedin.com" and share.path == "/sharing/share-offsite/"
                assert params == {"url": [s.link]}
            elif s.network == "bluesky":
                assert (share.netloc, share.path) == ("bsky.app", "/intent/compose")
                assert params == {"text": [s.text]}
            else:
                assert (share.netloc, share.path) == ("mastodon.social", "/share")
                assert params == {"text": [s.text]}
            target = urlsplit(s.link)
            assert f"{target.scheme}://{target.netloc}{target.path}" == item.url
            assert parse_qs(target.query, strict_parsing=True) == {
                "utm_source": [s.network], "utm_medium": ["employee"], "utm_campaign": [item.slug],
                "utm_content": [tag]}


def test_one_kit_without_teams_has_no_utm_content(tmp_path, check):
    settings = settings_for(tmp_path, AMPLIFY_MASTODON_INSTANCE="https://social.example/")
    (kit,) = build_all(a_post(), settings, check)
    assert kit.team == "" and all("utm_content" not in s.link for s in kit.suggestions)
    assert suggest(a_post(), "mastodon", settings).share.startswith("https://social.example/share?text=")


def test_a_brand_error_holds_the_kit(check, settings):
    bad = a_post("bad", social={"default": "We are NorthwindLedger, the best."})
    kit = build(bad, settings, check)
    assert kit.errors and not kit.ok and all("brand guard" in e for e in kit.errors)


def test_internal_posts_get_no_kit(check, settings):
    kit = build(a_post("inside", audience="internal"), settings, check)
    assert not kit.ok and kit.suggestions == []


# ---------------------------------------------------------------- messages, exactly once

@pytest.fixture
def setup(tmp_path, fakes):  # noqa: F811
    settings = settings_for(tmp_path, fakes, **AMPLIFY)
    write_manifest(Path(settings["SYNDICATION_MANIFEST"]), [
        post("trust-beats-tooling", title=HOSTILE),
        post("integrations", date="2026-04-15T09:00:00+00:00"),
        post("q3-notes", audience="internal", date="2026-08-01T16:00:00+00:00"),
        post("a-draft", status="draft"),
        post("the-future", date="2099-01-01T00:00:00+00:00"),
        post("code-name", confidential=["Bluefin"]),
        post("placeholder", placeholders=["Write your summary here."]),
        post("brand-error", social={"default": "We are NorthwindLedger, the best."}),
    ])
    return settings, write_conf(tmp_path, settings)


def amplified(fakes) -> dict[str, list[str]]:  # noqa: F811
    """slug → the channels that got an amplify message for it (read off the fake servers)."""
    out: dict[str, list[str]] = {}
    for channel, messages in (("slack", fakes.slack.messages), ("teams", fakes.teams.messages)):
        for message in messages:
            text = json.dumps(message, ensure_ascii=False)
            if "Please share" in text:
                slug = next(s for s in ("trust-beats-tooling", "integrations", "q3-notes", "a-draft",
                                        "the-future", "code-name", "placeholder", "brand-error") if s in text)
                out.setdefault(slug, []).append(channel)
    return out


def test_amplify_goes_out_once_per_post_and_channel(setup, fakes, tweepy_to_fake):  # noqa: F811
    settings, conf = setup
    assert main(["--settings", str(conf)], env=fakes.env()) == 0
    assert amplified(fakes) == {"trust-beats-tooling": ["slack", "teams"], "integrations": ["slack", "teams"]}
    kind = [r for r in ledger_records(settings) if r.get("kind") == "amplify"]
    assert {(r["post"], r["channel"]) for r in kind if r["event"] == "posted"} == {
        (p, c) for p in ("trust-beats-tooling", "integrations") for c in ("slack", "teams")}
    assert [r["event"] for r in kind if r["post"] == "integrations" and r["channel"] == "slack"] == \
        ["pending", "posted"]
    # The Slack message shows the texts and one-click links (escaped for mrkdwn).
    slack = next(m for m in fakes.slack.messages if "trust-beats-tooling" in json.dumps(m)
                 and "Please share" in json.dumps(m))
    blocks = [b["text"]["text"] for b in slack["blocks"]]
    assert "&amp; taxes" in blocks[0] and "<b>" not in json.dumps(slack)
    assert any("x.com/intent/post?text=" in b for b in blocks)
    assert any("linkedin.com/sharing/share-offsite/?url=" in b for b in blocks)
    teams = next(m for m in fakes.teams.messages if "Please share" in json.dumps(m))
    urls = [a["url"] for block in teams["attachments"][0]["content"]["body"] if block["type"] == "ActionSet"
            for a in block["actions"]]
    assert {urlsplit(u).netloc for u in urls} == {"x.com", "www.linkedin.com", "bsky.app", "mastodon.social"}
    # Kit pages: only for the two posts, never for internal/draft/scheduled/held ones.
    folder = Path(settings["LECTERN_BUILD_DIR"]) / "amplify"
    pages = sorted(p.parent.name for p in folder.glob("*/index.html"))
    assert pages == ["integrations", "trust-beats-tooling"]
    # The company's own posts are unchanged: public networks for public posts, Slack/Teams for q3.
    company = {(r["post"], r["channel"]) for r in ledger_records(settings)
               if r["event"] == "posted" and not r.get("kind")}
    assert ("q3-notes", "slack") in company and ("integrations", "slack") not in company
    preview = json.loads((Path(settings["SYNDICATION_PREVIEW_DIR"]) / "amplify.json").read_text())
    held = {r["post"]: r["reason"] for r in preview if r["status"] == "held"}
    assert set(held) == {"code-name", "placeholder", "brand-error"}
    assert "Bluefin" not in json.dumps(preview)

    before = (len(fakes.slack.messages), len(fakes.teams.messages))
    assert main(["--settings", str(conf)], env=fakes.env()) == 0
    assert (len(fakes.slack.messages), len(fakes.teams.messages)) == before  # re-run: nothing


def test_kit_page_escapes_and_links(setup, fakes):  # noqa: F811
    settings, conf = setup
    assert main(["--settings", str(conf)], env=fakes.env("slack")) == 0
    page = Path(settings["LECTERN_BUILD_DIR"]) / "amplify" / "trust-beats-tooling" / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert soup.find("b") is None and "<b>bold</b>" in soup.find("h1").get_text()
    shares = [a["href"] for a in soup.select("a.share")]
    assert len(shares) == 4
    texts = [p.get_text() for p in soup.select("p.text")]
    x = next(h for h in shares if h.startswith("https://x.com/"))
    x_text = next(t for t in texts if "utm_source=x" in t)
    assert parse_qs(urlsplit(x).query)["text"] == [x_text.rsplit(" ", 1)[0]]
    assert not soup.find_all("script") and "http-equiv" not in str(soup)



def test_rate_limit_defers_the_other_amplify_messages_without_a_call(tmp_path, fakes):  # noqa: F811
    """Amplify messages go through run.dispatch, the company posts' loop: a 429 on the first message
    records not-sent + deferred and the next message on that channel is deferred with no request;
    a channel without credentials stays preview-only (nothing recorded)."""
    settings = settings_for(tmp_path, fakes, SYNDICATION_CHANNELS=("slack",), **AMPLIFY)
    write_manifest(Path(settings["SYNDICATION_MANIFEST"]), [
        post("integrations", date="2026-04-15T09:00:00+00:00"), post("trust-beats-tooling")])
    conf = write_conf(tmp_path, settings)
    fakes.slack.fail_next("429")
    assert main(["--settings", str(conf)], env=fakes.env("slack")) == 0
    assert len(fakes.slack.calls) == 1 and fakes.slack.messages == []
    records = [r for r in ledger_records(settings) if r.get("kind") == "amplify"]
    assert [r["event"] for r in records] == ["pending", "not-sent"]  # one request, for the first message only
    assert records[0]["post"] == records[1]["post"]
    assert any(r["event"] == "deferred" and r["channel"] == "slack" for r in ledger_records(settings))
    preview = json.loads((Path(settings["SYNDICATION_PREVIEW_DIR"]) / "amplify.json").read_text())
    status = {(r["post"], r["channel"]): r["status"] for r in preview}
    assert status[("integrations", "slack")] == status[("trust-beats-tooling", "slack")] == "deferred"
    assert status[("integrations", "teams")] == status[("trust-beats-tooling", "teams")] == "preview-only"
    assert not any(r["channel"] == "teams" for r in ledger_records(settings))

@pytest.mark.parametrize("point", ["after-pending", "after-call"])
def test_crash_between_send_and_record_is_attention_not_a_repeat(tmp_path, fakes, point):  # noqa: F811
    settings = settings_for(tmp_path, fakes, SYNDICATION_CHANNELS=("slack",), **AMPLIFY)
    write_manifest(Path(settings["SYNDICATION_MANIFEST"]), [post("integrations")])
    conf = write_conf(tmp_path, settings)
    env = fakes.env("slack")
    crashed = publish_process(conf, env, LECTERN_TEST_CRASH_AT=point)
    assert crashed.returncode == -9, crashed.stderr
    sent = len(fakes.slack.messages)
    assert sent == (1 if point == "after-call" else 0)
    records = [r for r in ledger_records(settings) if r.get("kind") == "amplify"]
    assert [r["event"] for r in records] == ["pending"]  # the intent was on disk before the call
    conf = wait_out_in_flight(settings)
    again = publish_process(conf, env)
    assert again.returncode == 0 and "needs attention" in again.stderr, again.stderr
    assert len(fakes.slack.messages) == sent  # a webhook cannot be read back: never sent again blindly
    assert [r["event"] for r in ledger_records(settings) if r.get("kind") == "amplify"][-1] == "attention"
    assert publish_process(conf, env).returncode == 0 and len(fakes.slack.messages) == sent
    assert main(["--settings", str(conf), "--retry-attention"], env=env) == 0
    assert len(fakes.slack.messages) == sent + 1  # the operator checked the channel and asked again
    assert main(["--settings", str(conf)], env=env) == 0 and len(fakes.slack.messages) == sent + 1


def test_mark_existing_marks_amplify_too(setup, fakes):  # noqa: F811
    settings, conf = setup
    assert main(["--settings", str(conf), "--mark-existing"], env=fakes.env()) == 0
    assert fakes.slack.messages == [] and fakes.teams.messages == []
    assert main(["--settings", str(conf)], env=fakes.env()) == 0
    assert amplified(fakes) == {}


# ---------------------------------------------------------------- a real site

def test_real_site_kits_only_for_public_posts_and_never_in_output(tmp_path, marked_content, fakes):  # noqa: F811
    settings = settings_for(tmp_path, fakes, SITEURL="https://insights.northwindledger.example",
                            SYNDICATION_MAX_PER_RUN=0, SYNDICATION_CHANNELS=("slack", "teams"), **AMPLIFY)
    site = build_site(tmp_path, content=marked_content, conf="publishconf",
                      settings={"SYNDICATION_LEDGER": settings["SYNDICATION_LEDGER"]})
    assert site.returncode == 0, site.log
    manifest = json.loads((Path(settings["SYNDICATION_MANIFEST"])).read_text(encoding="utf-8"))
    public = {p["slug"] for p in manifest["posts"] if p["audience"] == "public"}
    conf = write_conf(tmp_path, settings)
    assert main(["--settings", str(conf)], env=fakes.env()) == 0
    pages = Path(settings["LECTERN_BUILD_DIR"]) / "amplify"
    assert {p.parent.name for p in pages.glob("*/index.html")} == public and len(public) >= 5
    messages = [json.dumps(m, ensure_ascii=False) for m in fakes.slack.messages + fakes.teams.messages]
    amplify = [m for m in messages if "Please share" in m]
    assert len(amplify) == 2 * len(public)
    for marker in HIDDEN_MARKERS.values():  # internal, draft and scheduled posts: no kit anywhere
        assert not any(marker in m for m in amplify)
        assert not any(marker.encode() in p.read_bytes() for p in pages.rglob("*") if p.is_file())
    # The kit never reaches the public site (the theme's own reader share buttons are not the kit).
    for path, data in all_output_bytes(site.output).items():
        for needle in (b"utm_medium=employee", b"utm_medium%3Demployee", b"utm_medium%253Demployee",
                       b"Share kit", b"Please share"):
            assert needle not in data, path


def test_referrals_count_a_kit_link_as_an_employee_share(tmp_path, check, settings):
    item = a_post("integrations")
    (kit, _) = build_all(item, settings, check)
    link = next(s.link for s in kit.suggestions if s.network == "linkedin")
    target = urlsplit(link)
    line = (f'203.0.113.9 - - [02/Dec/2026:05:00:00 +0000] "GET {target.path}?{target.query} HTTP/1.1" 200 '
            '5120 "https://www.linkedin.com/" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, '
            'like Gecko) Chrome/120.0 Safari/537.36"\n')
    log = tmp_path / "access.log.gz"
    log.write_bytes(gzip.compress(line.encode()))
    referrals, _ = count([log], PostIndex({"integrations": "posts/2026/integrations/"}, SITE))
    visits = referrals.posts["integrations"]
    assert visits.kinds["employee"] == 1 and visits.kinds["company"] == 0
    assert visits.utm["linkedin / employee"] == 1


def test_message_links_the_kit_page_in_the_internal_edition(setup, fakes):  # noqa: F811
    settings, conf = setup
    env = {**fakes.env("slack", "teams"), "INTERNAL_SITEURL": "https://staff.example/insights/"}
    assert main(["--settings", str(conf)], env=env) == 0
    kit = "https://staff.example/insights/amplify/integrations/"
    slack = next(m for m in fakes.slack.messages if "Please share" in json.dumps(m) and "/integrations/" in
                 json.dumps(m))
    assert f"<{kit}|Open the share kit>" in slack["blocks"][0]["text"]["text"]
    teams = next(m for m in fakes.teams.messages if "Please share" in json.dumps(m) and "/integrations/" in
                 json.dumps(m))
    actions = teams["attachments"][0]["content"]["actions"]
    assert actions[0] == {"type": "Action.OpenUrl", "title": "Open the share kit", "url": kit}
