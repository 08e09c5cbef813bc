"""Composing social texts: conformance-tested X length, graphemes, facets, escaping, UTM, fitting."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from fakes.harness import post, settings_for
from twitter_text import parse_tweet
from twitter_text.config import config as tt_config

from publish import compose as c
from publish.model import Post

DATA = yaml.safe_load((Path(__file__).parent / "data" / "twitter_text_weighted.yml").read_text("utf-8"))[
    "tests"
]
V2 = {**tt_config["version2"], "emoji_parsing_enabled": False}
V3 = tt_config["version3"]
CASES = [
    (section, config, case)
    for section, config in (
        ("WeightedTweetsCounterTest", V2),
        ("WeightedTweetsWithDiscountedEmojiCounterTest", V3),
        ("UnicodeDirectionalMarkerCounterTest", V3),
    )
    for case in DATA[section]
]


@pytest.mark.parametrize("section,config,case", CASES, ids=[f"{s}:{c['description']}" for s, _, c in CASES])
def test_twitter_text_conformance(section, config, case):
    assert parse_tweet(case["text"], config).asdict() == case["expected"]


def test_conformance_vectors_are_all_there():
    assert len(CASES) == 44


def test_x_length_is_v3_rules():
    assert c.x_length("Hi http://test.co") == 26
    assert c.x_length("故人西辞") == 8  # CJK counts 2
    assert c.x_length("🙋🏽👨‍🎤") == 4  # emoji sequences count 2 each in v3


def _post(**over) -> Post:
    return Post.from_json(post(**over))


def test_plain_text_strips_html_and_entities():
    # HTML in (what Pelican renders for "**Bold** <em>and</em> [a link](…) &amp; `code` …"): issue 9
    # point 1 made plain_text a real HTML parser that never reads Markdown marks or plain text.
    raw = ('<p><strong>Bold</strong> <em>and</em> <a href="https://x.test">a link</a> &amp; '
           "<code>code</code> &rsquo;quoted&rsquo;</p>\n<h1>Heading</h1>")
    assert c.plain_text(raw) == "Bold and a link & code ’quoted’ Heading"


def test_manifest_text_is_never_parsed_again():
    text = "Partners closed in <5 days while others took >10 days. Trust wins. <b>bold</b> &amp;"
    for channel in ("x", "mastodon", "bluesky", "linkedin", "slack", "teams"):
        assert c.source_text(_post(summary=text, title="a < b > c"), channel) == text
        assert c.source_text(_post(summary="", title="a < b > c"), channel) == "a < b > c"


def test_utm_tags_lowercase_and_existing_tags_kept():
    url = c.add_utm("https://a.example.com/p/?utm_source=Newsletter&x=1", "mastodon", "My-Slug")
    assert url == "https://a.example.com/p/?utm_source=Newsletter&x=1&utm_medium=social&utm_campaign=my-slug"
    assert (
        c.add_utm("https://a.example.com/p/", "x", "s")
        == "https://a.example.com/p/?utm_source=x&utm_medium=social&utm_campaign=s"
    )


def test_social_channel_beats_social_beats_summary(tmp_path):
    settings = settings_for(tmp_path)
    p = _post(social={"default": "General text", "x": "Text for X"})
    assert c.compose(p, "x", settings).text.startswith("Text for X https://")
    assert c.compose(p, "mastodon", settings).text.startswith("General text https://")
    assert c.compose(_post(), "mastodon", settings).text.startswith("Most finance teams")


def test_x_fits_at_word_boundary_and_never_cuts_the_url(tmp_path):
    settings = settings_for(tmp_path)
    long = " ".join(["controllers"] * 60)
    composed = c.compose(_post(social={"x": long}), "x", settings)
    assert composed.length <= 280 and composed.length == c.x_length(composed.text)
    body, url = composed.text.rsplit(" ", 1)
    assert url == composed.link and url.startswith("https://insights.example.com/posts/")
    assert body.endswith("controllers…")  # whole words only
    assert 280 - composed.length < len(" controllers")  # and as many as fit


def test_x_cjk_counts_double_and_cuts_between_characters(tmp_path):
    composed = c.compose(_post(social={"x": "日本のお客様へ" * 40}), "x", settings_for(tmp_path))
    assert composed.length <= 280 and composed.text.endswith("… " + composed.link)
    assert composed.length > 270


def test_mastodon_counts_urls_as_23_and_limit_is_a_setting(tmp_path):
    settings = settings_for(tmp_path, MASTODON_MAX_CHARS=100)
    composed = c.compose(_post(social={"mastodon": "word " * 50}), "mastodon", settings)
    assert composed.limit == 100 and composed.length <= 100
    assert composed.length == len(composed.text) - len(composed.link) + 23
    assert c.mastodon_length("a https://example.com/" + "x" * 200) == 2 + 23


def test_bluesky_facets_slice_utf8_exactly_with_emoji_before_link(tmp_path):
    p = _post(social={"bluesky": "🚀 Ünïcødé first — café ☕ then 日本語:"})
    composed = c.compose(p, "bluesky", settings_for(tmp_path))
    raw = composed.text.encode("utf-8")
    (facet,) = composed.payload["facets"]
    start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
    label = raw[start:end].decode("utf-8")
    assert label == c.display_url(p.url)
    assert facet["features"][0]["uri"] == composed.link and "utm_source=bluesky" in composed.link
    assert start > composed.text.index(label)  # byte offsets, not character offsets
    assert composed.payload["card"] == {
        "uri": composed.link,
        "title": p.title,
        "description": p.summary,
        "thumb": None,
    }


def test_bluesky_limit_is_300_graphemes(tmp_path):
    family = "👨‍👩‍👧‍👦"  # one grapheme, 7 code points
    composed = c.compose(_post(social={"bluesky": (family + " ") * 200}), "bluesky", settings_for(tmp_path))
    assert composed.length <= 300 and composed.length == c.grapheme_length(composed.text)
    assert len(composed.text) > 300  # code points are not what Bluesky counts


@pytest.mark.parametrize(
    "text",
    [
        "Plain text",
        r"Back\slash | pipes {braces} @mention [brackets] (parens) <angles> #hash *star* _under_ ~tilde",
        "Ünïcødé ☕ and \\\\ doubles",
        "",
    ],
)
def test_linkedin_little_text_escaping_round_trips(text):
    escaped = c.escape_little(text)
    assert c.unescape_little(escaped) == text
    unescaped_reserved = [
        ch for i, ch in enumerate(escaped) if ch in "|{}@[]()<>#*_~" and (i == 0 or escaped[i - 1] != "\\")
    ]
    assert unescaped_reserved == []


def test_linkedin_payload_has_escaped_commentary_and_article(tmp_path):
    p = _post(social={"linkedin": "Finance (not IT) owns the mapping #close"})
    composed = c.compose(p, "linkedin", settings_for(tmp_path))
    assert composed.payload["commentary"] == r"Finance \(not IT\) owns the mapping \#close"
    assert composed.payload["article"] == {
        "source": composed.link,
        "title": p.title,
        "description": p.summary,
    }


def test_slack_blocks_and_teams_adaptive_card(tmp_path):
    p = _post(
        image="https://insights.example.com/images/a.png", social={"default": "Q3 notes & plans: 1 < 2"}
    )
    settings = settings_for(tmp_path)
    slack = c.compose(p, "slack", settings).payload
    assert slack["blocks"][0]["text"]["type"] == "mrkdwn"
    assert "Q3 notes &amp; plans: 1 &lt; 2" in slack["blocks"][0]["text"]["text"]
    assert slack["blocks"][0]["accessory"]["image_url"] == p.image
    teams = c.compose(p, "teams", settings).payload
    card = teams["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["type"] == "AdaptiveCard"
    assert card["content"]["actions"][0]["url"].startswith(p.url + "?utm_source=teams")


def test_bad_template_is_a_compose_error(tmp_path):
    settings = settings_for(tmp_path, SYNDICATION_TEMPLATES={"x": "{text} {link}"})
    with pytest.raises(c.ComposeError, match="template"):
        c.compose(_post(), "x", settings)


TRICKY_BEFORE_LINK = [
    "🚀 Ünïcødé first — café ☕ then 日本語:",
    "👨‍👩‍👧‍👦 family, 🏳️‍🌈 flag, 🇬🇧 and e\u0301 — then the link",
    "故人西辞黄鹤楼，烟花三月下扬州。",
    "한국어 텍스트 and ภาษาไทย and क्षत्रिय 𝔸𝔹",
    "Plain ASCII only, nothing wide",
]


@pytest.mark.parametrize("text", TRICKY_BEFORE_LINK)
def test_bluesky_facets_equal_atproto_textbuilder(tmp_path, text):
    """compose computes facets itself; they must be exactly what atproto's TextBuilder sends."""
    import json

    from publish.channels.bluesky import bluesky_builder

    template = "{title}: {text} {url} — {author} ✨ {url}"  # two links, wide text around both
    p = _post(social={"bluesky": text}, title="Título 📈 " + text[:12])
    composed = c.compose(p, "bluesky", settings_for(tmp_path, SYNDICATION_TEMPLATES={"bluesky": template}))
    builder = bluesky_builder(composed.payload["segments"])
    expected = [f.model_dump(by_alias=True, exclude_none=True) for f in builder.build_facets()]
    assert len(expected) == 2
    assert json.dumps(composed.payload["facets"]) == json.dumps(expected)  # same keys in the same order
    assert composed.text == builder.build_text()
    raw = composed.text.encode("utf-8")
    for facet in composed.payload["facets"]:
        label = raw[facet["index"]["byteStart"]:facet["index"]["byteEnd"]].decode("utf-8")
        assert label == c.display_url(p.url)


def test_bluesky_facets_of_segments_match_textbuilder_directly():
    from publish.channels.bluesky import bluesky_builder

    segments = [["link", "日本.example/…", "https://a.example/"], ["text", "🙋🏽 é\r\n"],
                ["link", "x", "https://b.example/?q=ü"], ["text", ""], ["link", "", "https://c.example/"]]
    builder = bluesky_builder(segments)
    assert c.bluesky_facets(segments) == [
        f.model_dump(by_alias=True, exclude_none=True) for f in builder.build_facets()
    ]
    assert c.bluesky_text(segments) == builder.build_text()


def test_x_length_of_composed_text_is_parse_tweets(tmp_path):
    """The fitted X text is measured with the fast counter; it is twitter-text's number."""
    settings = settings_for(tmp_path)
    for text in ["controllers " * 40, "日本のお客様へ " * 30, "🚀 launch — “quoted” " * 20, "Short"]:
        composed = c.compose(_post(social={"x": text}), "x", settings)
        assert composed.length == parse_tweet(composed.text, V3).weightedLength <= 280


def test_plain_text_is_the_light_modules():
    from publish import text

    assert c.plain_text is text.plain_text
    assert text.plain_text(None) == "" and text.plain_text(42) == "42"

    class Shown(str):
        def __str__(self):
            return "<b>shown</b>"

    assert text.plain_text(Shown("hidden")) == "shown"  # str() first, as before
