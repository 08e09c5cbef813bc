"""Decide which (post, channel) pairs a run should post, and why the others are not.

Pure: takes the manifest's posts, the ledger's state and the settings, returns `Item`s. Every
pair we considered is returned with a status, so the preview and the final table can say why a
post is *not* going out (already posted, edited since, needs attention, deferred, held...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from plugins.post_contract.facts import is_out
from plugins.settings import value_of

from .channels.registry import INTERNAL, PUBLIC
from .compose import ComposeError, compose
from .ledger import Ledger, Pair, in_flight
from .model import Item, Post
from .settings import in_flight_window
from .states import OPEN, SHARED, SHARED_BEFORE

#: A brand check: (text, audience, channel) → list of error messages (empty: OK to send).
BrandCheck = Callable[[str, str, str], list[str]]


def publishable(post: Post, now: datetime, timezone: str | None) -> bool:
    """Drafts, hidden and scheduled posts are never syndicated (even if a manifest lists them);
    a date without a zone is in the site's TIMEZONE, as for the build that wrote the manifest."""
    return post.audience in ("public", "internal") and is_out(post, now, timezone)


def channels_for(post: Post, enabled: Iterable[str]) -> list[str]:
    """Public posts go to public networks only, internal posts to Slack/Teams only;
    a post's `Channels:` list narrows that further, it never widens it."""
    allowed = INTERNAL if post.audience == "internal" else PUBLIC
    enabled = list(enabled)
    chosen = [c for c in allowed if c in enabled]
    if post.channels is not None:
        chosen = [c for c in chosen if c in post.channels]
    return chosen


def confidential_reason(post: Post, settings: dict) -> str:
    """A post that names a code name anywhere in its source is sent nowhere.

    Internal posts may name code names on the (never public) site build, but webhooks still
    carry text to third-party services, so they too are held unless the operator opts in with
    `SYNDICATION_CONFIDENTIAL_INTERNAL = True`.
    """
    if not post.confidential:
        return ""
    if post.audience == "internal" and settings.get("SYNDICATION_CONFIDENTIAL_INTERNAL"):
        return ""
    return UNNAMED


#: Why a post naming a code name is held. The name itself is never repeated: this reason is
#: printed (CI logs of a scheduled `make publish` may be public) and written to preview/.
UNNAMED = ("the post names a confidential code name (`make brand` shows where, for a public post); posts "
           "that name one are never syndicated")


def unnamed(error: str) -> str:
    """A brand finding as a reason: a confidential finding without the name it found."""
    return "confidential: the text names a code name" if error.startswith("confidential") else error


def placeholder_reason(post: Post) -> str:
    """A post still holding `make new`'s placeholder text is sent nowhere, whatever its Status says.

    The manifest lists the placeholders found in the source; the texts themselves are checked too,
    so an older manifest without that field cannot carry a placeholder to a network.
    """
    from plugins.post_contract.new import find_placeholders

    texts = [post.title, post.summary, *(str(v) for v in post.social.values() if v)]
    found = set(post.placeholders) | {p.sentence for text in texts for p in find_placeholders(text)}
    if not found:
        return ""
    quoted = ", ".join(f'"{sentence}"' for sentence in sorted(found))
    return (f"still has placeholder text from `make new`: {quoted} — replace it in "
            f"{post.source_path or 'the post'}, then build again")


def decide(post: Post, channel: str, pair: Pair | None, *, reshare: set[str], retry_attention: bool) -> Item:
    """The ledger's verdict for one pair, before composing."""
    state = pair.state if pair else "new"
    item = Item(post=post, channel=channel, status="planned")
    if pair:
        item.since, item.key = pair.since, pair.key or ""
    if state in SHARED:
        item.remote_url = pair.remote_url or ""
        if post.slug in reshare:
            item.reason = "reshare requested"
        elif pair.hash and post.hash and pair.hash != post.hash:
            item.status = "edited"
            item.reason = "edited after it was shared; use --reshare SLUG to share again"
        else:
            item.status = SHARED_BEFORE[state]
            if state == "accepted":
                item.reason = ("accepted by the webhook on an earlier run (delivery cannot be confirmed); "
                               "never re-sent — check the channel, use --reshare SLUG to send again")
    elif state in OPEN:
        item.status = "unsettled"
        item.reason = ("an earlier attempt has no result yet; it is reconciled when the credentials "
                       "are present")
    elif state == "attention":
        if retry_attention:
            item.reason = "retrying (--retry-attention)"
        else:
            item.status = "attention"
            item.reason = (pair.error or "could not confirm an earlier attempt") + \
                " — check the channel, then use --retry-attention"
    elif state == "failed":
        item.reason = f"retrying after: {pair.error}" if pair.error else "retrying"
    return item


def unreadable_reason(bad) -> str:
    """Why a pair is held for an unreadable ledger line, and what the operator does about it."""
    where = f"ledger line {bad.line} is unreadable" if bad.line else "the ledger cannot be read"
    return (f"{where} ({bad.why}) and may be about this post — check the channel for it, fix or "
            "delete the line, then use --retry-attention if it was not shared")


def plan(
    posts: Iterable[Post],
    ledger: Ledger,
    settings: dict,
    *,
    now: datetime | None = None,
    reshare: Iterable[str] = (),
    retry_attention: bool = False,
    cap: int | None = None,
) -> list[Item]:
    """Every pair worth reporting, oldest post first; `status == "planned"` ones are to be sent."""
    now = now or datetime.now(UTC)
    posts = list(posts)
    pairs = ledger.pairs()
    known = {p.slug for p in posts} | {slug for slug, _ in pairs}
    window = in_flight_window(settings)
    reshare = set(reshare)
    enabled = value_of(settings, "SYNDICATION_CHANNELS")
    cap = value_of(settings, "SYNDICATION_MAX_PER_RUN") if cap is None else cap
    deferred = {channel: ledger.deferred_until(channel, now) for channel in enabled}
    items: list[Item] = []
    for post in sorted(posts, key=lambda p: (p.date, p.slug)):
        if not publishable(post, now, settings.get("TIMEZONE")):
            continue
        secret = confidential_reason(post, settings) or placeholder_reason(post)
        for channel in channels_for(post, enabled):
            item = decide(post, channel, pairs.get((post.slug, channel)), reshare=reshare,
                          retry_attention=retry_attention)
            if secret and item.status == "planned":
                item.status, item.reason = "held", secret
            pair = pairs.get((post.slug, channel))
            if item.status == "unsettled" and pair and in_flight(pair, now, window):
                item.reason = (f"in flight, will retry: the request sent at {pair.since} may still be "
                               "processed, so it is checked on the next run")
            if item.status == "planned" and not retry_attention:
                bad = ledger.held(post.slug, channel, known)
                if bad is not None:
                    item.status, item.reason = "attention", unreadable_reason(bad)
            if item.status == "planned":
                until = deferred[channel]
                if until:
                    item.status = "deferred"
                    item.reason = f"rate limited until {until.isoformat(timespec='minutes')}"
            items.append(item)
    counts: dict[str, int] = {}
    for item in items:
        if item.status != "planned":
            continue
        counts[item.channel] = counts.get(item.channel, 0) + 1
        if cap and counts[item.channel] > cap:
            item.status = "capped"
            item.reason = f"more than {cap} posts for this channel in one run; it goes out next run"
    return items


def prepare(items: Iterable[Item], settings: dict, brand_check: BrandCheck) -> None:
    """Compose every item that may be sent or previewed, and hold back any the brand guard rejects."""
    for item in items:
        if item.status not in ("planned", "capped", "deferred", "edited", "attention", "unsettled"):
            continue
        try:
            composed = compose(item.post, item.channel, settings)
        except ComposeError as exc:
            if item.status == "planned":
                item.status, item.reason = "held", str(exc)
            continue
        item.text, item.link = composed.text, composed.link
        item.length, item.limit, item.payload = composed.length, composed.limit, composed.payload
        errors = brand_check(composed.checked, item.post.audience, item.channel)
        if errors and item.status in ("planned", "capped", "deferred"):
            item.status, item.reason = "held", "brand guard: " + "; ".join(map(unnamed, errors))


def refill(items: list[Item], cap: int | None) -> int:
    """After holds (brand guard, last gate), give a held pair's per-run slot to the next capped pair
    of its channel, so a broken post does not shrink what goes out. Returns how many moved up."""
    if not cap:
        return 0
    counts: dict[str, int] = {}
    for item in items:
        if item.status == "planned":
            counts[item.channel] = counts.get(item.channel, 0) + 1
    moved = 0
    for item in items:
        if item.status == "capped" and counts.get(item.channel, 0) < cap:
            item.status, item.reason = "planned", ""
            counts[item.channel] = counts.get(item.channel, 0) + 1
            moved += 1
    return moved
