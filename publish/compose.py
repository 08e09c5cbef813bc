"""Compose each channel's text from a post: pure functions, no network, no settings files.

Every network counts length differently, so each channel gets its own counter and the text is
fitted to it at a word boundary with an ellipsis — the link is never cut, because it lives in the
template outside `{text}`:

- X: twitter-text v3 weighted length (URLs 23, CJK and emoji 2) — `twitter-text-parser`'s count,
  which passes the official conformance cases (tests/data/twitter_text_weighted.yml), with a fast
  path for text without emoji (`publish.lengths`).
- Mastodon: graphemes, every URL counts `MASTODON_URL_LENGTH` (23 on stock instances).
- Bluesky: 300 graphemes; links are facets at UTF-8 byte offsets, in atproto's JSON form (computed
  here as atproto's `TextBuilder` does; the SDK itself is imported only to send).
- LinkedIn: "little text" — reserved characters are backslash-escaped, else LinkedIn silently
  truncates the post at the first one while answering 201.
- Slack: Block Kit `mrkdwn`; the whole section — the `*<link|title>*` line and the text — fits
  `SLACK_SECTION_CHARS` (Slack answers 400 `invalid_blocks` beyond), the title at most
  `SLACK_TITLE_CHARS` (a header block's limit).
- Teams: an Adaptive Card whose JSON body, as sent (`wire`), fits `TEAMS_CARD_BYTES`: a Workflows
  webhook answers 202 before its flow runs, and the flow's "Post card in a chat or channel" drops a
  larger card without telling anyone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import grapheme

from plugins.settings import value_of

from .channels.registry import CHANNELS
from .lengths import X_CONFIG, grapheme_length, x_length
from .text import one_line, plain_text

ELLIPSIS = "…"
SLACK_SECTION_CHARS = 3000  # a section block's text (api.slack.com/reference/block-kit/blocks#section)
SLACK_TITLE_CHARS = 150  # a header block's text; our title line is held to the same
TEAMS_CARD_BYTES = 28_000  # the Workflows "Post card" action's limit is about 28 KB, byte-counted
X_LIMIT = CHANNELS["x"].limit
_URL = re.compile(r"https?://[^\s<>\"]+")
_LITTLE_RESERVED = set("\\|{}@[]()<>#*_~")


class ComposeError(ValueError):
    """The post cannot be composed for this channel (explains why, for the preview)."""


@dataclass
class Composed:
    text: str  # as the reader will see it
    link: str  # the shared URL with UTM tags
    length: int  # counted the channel's way
    limit: int
    payload: dict = field(default_factory=dict)
    checked: str = ""  # what the brand guard reads (links in full, so it knows they are links)

    def __post_init__(self):
        self.checked = self.checked or self.text


# ---------------------------------------------------------------- links
def add_utm(url: str, channel: str, slug: str, medium: str = "social", content: str = "") -> str:
    """Add lowercase UTM tags; tags already on the URL are kept, never overwritten.
    `content` (utm_content) is added only when given (the share kit's team)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {key.lower() for key, _ in query}
    tags = {"utm_source": channel, "utm_medium": medium, "utm_campaign": slug}
    if content:
        tags["utm_content"] = content
    query += [(key, value.lower()) for key, value in tags.items() if key not in present]
    return urlunsplit(parts._replace(query=urlencode(query)))


def display_url(url: str, width: int = 40) -> str:
    """A short human label for a link (Bluesky shows the label, the facet carries the URL)."""
    parts = urlsplit(url)
    label = (parts.netloc.removeprefix("www.") + parts.path).rstrip("/")
    return label if len(label) <= width else label[: width - 1] + ELLIPSIS


# ---------------------------------------------------------------- counters
# x_length (twitter-text v3) and grapheme_length come from publish.lengths.
__all__ = ["X_CONFIG", "grapheme_length", "plain_text", "x_length"]


def mastodon_length(text: str, url_length: int = 23) -> int:
    return grapheme_length(_URL.sub("x" * url_length, text))


# ---------------------------------------------------------------- fitting
def render(template: str, text: str, url: str, post) -> str:
    try:
        return template.format_map({
            "text": text, "url": url, "title": one_line(post.title), "author": post.author or "",
        }).strip()
    except (KeyError, IndexError, ValueError) as exc:
        raise ComposeError(f"the template {template!r} is not valid ({exc!r}); "
                           "use {text} and {url}") from None


def shorten(text: str, fits: Callable[[str], bool]) -> str:
    """Longest prefix of `text` ending at a word boundary (plus an ellipsis) for which `fits` holds."""
    if fits(text):
        return text
    words = text.split(" ")

    def cut(n: int) -> str:
        return " ".join(words[:n]).rstrip(" ,;:.-–—") + ELLIPSIS

    lo, hi = 0, len(words) - 1  # find the largest n with fits(cut(n))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(cut(mid)):
            lo = mid
        else:
            hi = mid - 1
    if lo > 0:
        return cut(lo)
    # One long "word" (e.g. Japanese without spaces): cut between graphemes instead.
    clusters = list(grapheme.graphemes(text))
    lo, hi = 0, len(clusters)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits("".join(clusters[:mid]).rstrip() + ELLIPSIS):
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:
        raise ComposeError("the template and link alone are longer than the channel allows")
    return "".join(clusters[:lo]).rstrip() + ELLIPSIS


def source_text(post, channel: str) -> str:
    """`Social_<channel>`, else `Social`, else the summary, else the title.

    The manifest holds plain text, exactly as the writer wrote it: it is never parsed as markup
    again here (that read `<5 days … >10 days` as a tag and dropped it)."""
    social = post.social or {}
    for candidate in (social.get(channel), social.get("default"), post.summary, post.title):
        text = one_line(candidate)
        if text:
            return text
    return ""


# ---------------------------------------------------------------- LinkedIn little text
def escape_little(text: str) -> str:
    """Escape LinkedIn "little text" reserved characters so the post is not silently truncated."""
    return "".join("\\" + ch if ch in _LITTLE_RESERVED else ch for ch in text)


def unescape_little(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text, flags=re.S)


# ---------------------------------------------------------------- Slack and Teams
def slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_heading(title: str, link: str) -> str:
    """The message's first line: the title, linked when there is a page to link to."""
    return f"*<{link}|{slack_escape(title)}>*" if link else f"*{slack_escape(title)}*"


def wire(payload: dict) -> bytes:
    """A webhook payload's body exactly as it is sent (UTF-8 JSON): what size limits count."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def slack_title(title: str) -> str:
    """The title as the message's first line shows it: one line, at most SLACK_TITLE_CHARS."""
    title = one_line(title)
    if len(title) <= SLACK_TITLE_CHARS:
        return title
    return shorten(title, lambda t: len(t) <= SLACK_TITLE_CHARS)


def slack_section(title: str, text: str, link: str) -> str:
    """The section's mrkdwn: the linked title line, then the text (what Slack counts)."""
    return f"{slack_heading(slack_title(title), link)}\n{slack_escape(text)}"


def slack_payload(post, text: str, link: str) -> dict:
    title = one_line(post.title)
    section = {"type": "section", "text": {"type": "mrkdwn", "text": slack_section(title, text, link)}}
    if post.image:
        section["accessory"] = {"type": "image", "image_url": post.image, "alt_text": title[:2000]}
    byline = " · ".join(x for x in (post.author, post.category) if x)
    blocks = [section]
    if byline:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": slack_escape(byline)}]})
    return {"text": f"{title}: {link}" if link else title, "blocks": blocks}


def teams_payload(post, text: str, link: str) -> dict:
    body = [
        {"type": "TextBlock", "text": one_line(post.title), "weight": "Bolder", "size": "Medium",
         "wrap": True},
        {"type": "TextBlock", "text": text, "wrap": True},
    ]
    if post.author:
        body.append({"type": "TextBlock", "text": post.author, "isSubtle": True, "spacing": "None",
                     "wrap": True})
    if post.image:
        body.insert(0, {"type": "Image", "url": post.image, "altText": one_line(post.title),
                        "size": "Stretch"})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "actions": [{"type": "Action.OpenUrl", "title": "Read the post", "url": link}] if link else [],
    }
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card},
    ]}


# ---------------------------------------------------------------- Bluesky
_SENTINEL = "\u0000URL\u0000"


def bluesky_segments(rendered_with_sentinel: str, display: str, link: str) -> list[list[str]]:
    parts = rendered_with_sentinel.split(_SENTINEL)
    segments: list[list[str]] = []
    for index, part in enumerate(parts):
        if part:
            segments.append(["text", part])
        if index < len(parts) - 1:
            segments.append(["link", display, link])
    return segments


def bluesky_text(segments: list[list[str]]) -> str:
    """The post text: every segment's text, links by their label (as `TextBuilder.build_text`)."""
    return "".join(segment[1] for segment in segments)


def bluesky_facets(segments: list[list[str]]) -> list[dict]:
    """Link facets at UTF-8 byte offsets, as atproto's `TextBuilder` builds them and
    `model_dump(by_alias=True, exclude_none=True)` writes them (same keys, same order)."""
    facets, offset = [], 0
    for segment in segments:
        end = offset + len(segment[1].encode("utf-8"))
        if segment[0] == "link":
            facets.append({
                "features": [{"uri": segment[2], "$type": "app.bsky.richtext.facet#link"}],
                "index": {"byteEnd": end, "byteStart": offset, "$type": "app.bsky.richtext.facet#byteSlice"},
                "$type": "app.bsky.richtext.facet",
            })
        offset = end
    return facets


# ---------------------------------------------------------------- per channel
def compose(post, channel: str, settings: dict) -> Composed:
    """Compose `post` for `channel` using the SYNDICATION_* settings."""
    spec = CHANNELS.get(channel)
    if spec is None:
        raise ComposeError(f"unknown channel {channel!r}")
    template = value_of(settings, "SYNDICATION_TEMPLATES")[channel]
    if not post.url:
        if channel not in ("slack", "teams"):
            raise ComposeError("the post has no address to link to (an internal post is shared on Slack "
                               "and Teams only)")
        return _unlinked(post, channel, spec, settings)
    link = add_utm(post.url, channel, post.slug) if value_of(settings, "SYNDICATION_UTM") else post.url
    source = source_text(post, channel)
    limits = value_of(settings, "SYNDICATION_LIMITS")  # the registry's defaults merged in
    default = spec.limit

    if channel == "x":
        limit = limits.get("x", default)
        text = _fit(template, source, link, post, lambda s: x_length(s) <= limit)
        return Composed(text, link, x_length(text), limit, {"text": text})
    if channel == "mastodon":
        limit = value_of(settings, "MASTODON_MAX_CHARS")
        url_len = value_of(settings, "MASTODON_URL_LENGTH")
        text = _fit(template, source, link, post, lambda s: mastodon_length(s, url_len) <= limit)
        return Composed(text, link, mastodon_length(text, url_len), limit,
                        {"status": text, "visibility": "public"})
    if channel == "bluesky":
        limit = limits.get("bluesky", default)
        display = display_url(post.url)

        def shown(body: str) -> str:
            return render(template, body, _SENTINEL, post).replace(_SENTINEL, display)

        def fits(body: str) -> bool:
            candidate = shown(body)
            return grapheme_length(candidate) <= limit and len(candidate.encode("utf-8")) <= 3000

        body = shorten(source, fits)
        segments = bluesky_segments(render(template, body, _SENTINEL, post), display, link)
        text = bluesky_text(segments)
        card = {"uri": link, "title": one_line(post.title), "description": one_line(post.summary),
                "thumb": post.image}
        checked = render(template, body, link, post)
        return Composed(text, link, grapheme_length(text), limit,
                        {"segments": segments, "facets": bluesky_facets(segments), "card": card}, checked)
    if channel == "linkedin":
        limit = limits.get("linkedin", default)
        text = _fit(template, source, link, post, lambda s: len(escape_little(s)) <= limit)
        article = {"source": link, "title": one_line(post.title), "description": one_line(post.summary)}
        return Composed(text, link, len(escape_little(text)), limit,
                        {"commentary": escape_little(text), "article": article, "thumb": post.image})
    if channel == "slack":
        limit = min(limits.get("slack", default), SLACK_SECTION_CHARS)
        title = one_line(post.title)
        text = _fit(template, source, link, post, lambda s: len(slack_section(title, s, link)) <= limit)
        return Composed(text, link, len(slack_section(title, text, link)), limit,
                        slack_payload(post, text, link))
    if channel == "teams":
        limit = limits.get("teams", default)
        text = _fit(template, source, link, post,
                    lambda s: len(s) <= limit and teams_fits(post, s, link), teams_too_big)
        return Composed(text, link, len(text), limit, teams_payload(post, text, link))
    raise ComposeError(f"unknown channel {channel!r}")


def teams_fits(post, text: str, link: str) -> bool:
    return len(wire(teams_payload(post, text, link))) <= TEAMS_CARD_BYTES


def teams_too_big() -> ComposeError:
    return ComposeError(f"the Teams card is over {TEAMS_CARD_BYTES:,} bytes even without its text (the "
                        "title, author or image address is too long) — shorten them; a larger card is "
                        "accepted by the webhook and then dropped by its flow")


def _unlinked(post, channel: str, spec, settings: dict) -> Composed:
    """An internal post with no internal edition to link to (publish.internal): the message carries
    the post's own text — the body, else the social text — fitted to the channel's limit, no link."""
    limit = value_of(settings, "SYNDICATION_LIMITS").get(channel, spec.limit)
    source = one_line(post.text) or source_text(post, channel)
    if channel == "slack":
        # The whole section (title line included) must fit Slack's limit.
        title = one_line(post.title)
        limit = min(limit, SLACK_SECTION_CHARS)
        text = shorten(source, lambda s: len(slack_section(title, s, "")) <= limit)
        return Composed(text, "", len(slack_section(title, text, "")), limit, slack_payload(post, text, ""))
    try:
        text = shorten(source, lambda s: len(s) <= limit and teams_fits(post, s, ""))
    except ComposeError:
        raise teams_too_big() from None
    return Composed(text, "", len(text), limit, teams_payload(post, text, ""))


def _fit(template: str, source: str, link: str, post, fits: Callable[[str], bool],
         too_big: Callable[[], ComposeError] | None = None) -> str:
    try:
        body = shorten(source, lambda body: fits(render(template, body, link, post)))
    except ComposeError:
        if too_big is None:
            raise
        raise too_big() from None
    return render(template, body, link, post)
