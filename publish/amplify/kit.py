"""The employee share kit of one post: a suggested text and a one-click share link per network.

Colleagues share from their own accounts, so nothing here calls an API: each network gets a text
fitted by the *same* counters and the same word-boundary fitting as the company's own posts
(`publish.compose`, `publish.lengths` — no second counter), checked by the same brand guard, and a
share-intent link that opens the network's composer with that text. The shared page carries
`utm_source=<network>&utm_medium=employee&utm_campaign=<slug>` (+ `utm_content=<team>` per team),
so `make report` counts these visits as employee shares, apart from the company's `social` posts.

Every URL component is percent-encoded with `urllib.parse.quote(safe="")`: a title with `&`, `#`,
`<`, emoji or 500 characters cannot break out of its parameter (tests parse every link back).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from plugins.settings import value_of

from ..channels.registry import CHANNELS
from ..compose import (
    ComposeError,
    add_utm,
    escape_little,
    mastodon_length,
    render,
    shorten,
    source_text,
)
from ..lengths import grapheme_length, x_length
from ..model import Post

MEDIUM = "employee"
#: Kit templates: a colleague's own post is the text and the link (no company byline).
WITH_LINK, TEXT_ONLY = "{text} {url}", "{text}"
BLUESKY_BYTES = 3000  # app.bsky.feed.post maxLength (bytes), besides 300 graphemes

#: (text, audience, network) → brand error messages (publish.brand.load_check).
BrandCheck = Callable[[str, str, str], list[str]]


@dataclass(frozen=True)
class Suggestion:
    """One network's part of a kit."""

    network: str
    label: str
    text: str  # what the colleague's post will say (with the link where the network shows it)
    length: int  # counted the network's way (publish.compose's counters)
    limit: int
    link: str  # the post's public URL with the employee UTM tags
    share: str  # the one-click share-intent URL
    counted: str  # how `length` is counted, for the page


@dataclass
class Kit:
    post: Post
    team: str  # "" when the kit is not per team (AMPLIFY_TEAMS empty)
    suggestions: list[Suggestion] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # why the kit is held (never sent, no page)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.suggestions)


def team_tag(team: str) -> str:
    """utm_content for a team: lowercase (as every UTM tag), words joined by '-'."""
    return "-".join(team.lower().split())


def employee_link(post: Post, network: str, team: str = "") -> str:
    """The post's public URL tagged for an employee share on `network`."""
    return add_utm(post.url, network, post.slug, medium=MEDIUM, content=team_tag(team))


def _intent(base: str, **params: str) -> str:
    return base + "?" + urlencode(params, quote_via=quote, safe="")


def suggest(post: Post, network: str, settings: dict, team: str = "") -> Suggestion:
    """The fitted text and share link for `network` (ComposeError when nothing fits)."""
    spec = CHANNELS[network]
    link = employee_link(post, network, team)
    source = source_text(post, network)
    limits = value_of(settings, "SYNDICATION_LIMITS")

    def fit(template: str, fits: Callable[[str], bool]) -> str:
        body = shorten(source, lambda body: fits(render(template, body, link, post)))
        return render(template, body, link, post)

    if network == "x":
        limit = limits.get("x", spec.limit)
        text = fit(WITH_LINK, lambda s: x_length(s) <= limit)  # the link counts 23 (t.co)
        body = text[: -len(link)].rstrip() if text.endswith(link) else text
        # X's composer joins text and url with a space: exactly the text we counted.
        share = _intent("https://x.com/intent/post", text=body, url=link)
        return Suggestion(network, spec.label, text, x_length(text), limit, link, share, spec.counted)
    if network == "mastodon":
        limit = value_of(settings, "MASTODON_MAX_CHARS")
        url_len = value_of(settings, "MASTODON_URL_LENGTH")
        text = fit(WITH_LINK, lambda s: mastodon_length(s, url_len) <= limit)
        instance = value_of(settings, "AMPLIFY_MASTODON_INSTANCE").strip().strip("/")
        instance = instance.removeprefix("https://").removeprefix("http://") or "mastodon.social"
        share = f"https://{quote(instance, safe='.:-')}/share?" + urlencode({"text": text}, quote_via=quote,
                                                                           safe="")
        return Suggestion(network, spec.label, text, mastodon_length(text, url_len), limit, link, share,
                          spec.counted)
    if network == "bluesky":
        # A share intent carries plain text: the full link is in it and counts in full.
        limit = limits.get("bluesky", spec.limit)
        text = fit(WITH_LINK, lambda s: grapheme_length(s) <= limit and len(s.encode()) <= BLUESKY_BYTES)
        share = _intent("https://bsky.app/intent/compose", text=text)
        return Suggestion(network, spec.label, text, grapheme_length(text), limit, link, share,
                          "graphemes (the link counted in full)")
    if network == "linkedin":
        # share-offsite takes only the URL: the text is copied by hand, counted as compose counts it.
        limit = limits.get("linkedin", spec.limit)
        text = fit(TEXT_ONLY, lambda s: len(escape_little(s)) <= limit)
        share = _intent("https://www.linkedin.com/sharing/share-offsite/", url=link)
        length = len(escape_little(text))
        return Suggestion(network, spec.label, text, length, limit, link, share, spec.counted)
    raise ComposeError(f"{network!r} has no share link (the kit supports x, linkedin, bluesky, mastodon)")


def build(post: Post, settings: dict, check: BrandCheck, team: str = "") -> Kit:
    """The kit of a public post for one team ("" : everyone); errors say why it is held."""
    kit = Kit(post, team)
    if post.audience != "public" or not post.url:
        kit.errors.append("only public posts get a share kit")
        return kit
    for network in value_of(settings, "AMPLIFY_NETWORKS"):
        if not CHANNELS[network].public:
            continue
        try:
            suggestion = suggest(post, network, settings, team)
        except ComposeError as exc:
            kit.errors.append(f"{CHANNELS[network].label}: {exc}")
            continue
        errors = check(suggestion.text if suggestion.link in suggestion.text
                       else f"{suggestion.text} {suggestion.link}", "public", network)
        if errors:
            kit.errors.append(f"{suggestion.label}: brand guard: " + "; ".join(errors))
        kit.suggestions.append(suggestion)
    return kit


def build_all(post: Post, settings: dict, check: BrandCheck) -> list[Kit]:
    """One kit per AMPLIFY_TEAMS entry, or a single kit without a team."""
    teams = value_of(settings, "AMPLIFY_TEAMS") or ("",)
    return [build(post, settings, check, team) for team in teams]
