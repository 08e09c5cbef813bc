"""The "amplify" messages: one Slack/Teams message per new public post, sent exactly once.

Each message is its own ledger pair — the post's slug and the channel, with `kind: "amplify"` on
every record (`ledger.fold(records, "amplify")`) — written by the same code as the company's posts
(`run.send`: a fsynced `pending` before the call, the result after, the same crash points). A
webhook cannot be read back, so an amplify message whose result was lost becomes "needs
attention" (re-sent only with `--retry-attention`), as a Slack/Teams post does.

Which posts: public, out (not draft, hidden or scheduled), no code name, no `make new`
placeholder, none of the post's own company texts held, every kit text passing the brand guard,
and not adopted with `--mark-existing` (those are old: nobody is asked to share them now).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from plugins.settings import value_of

from ..channels.registry import CHANNELS, label
from ..compose import shorten, slack_escape
from ..ledger import Ledger, Writer, in_flight
from ..model import Item, Post
from ..plan import confidential_reason, decide, placeholder_reason, publishable, unnamed, unreadable_reason
from ..run import dispatch
from ..settings import in_flight_window
from ..states import SHARED_BEFORE
from ..text import one_line
from . import page as page_mod
from .kit import BrandCheck, Kit, build_all

KIND = "amplify"
SLACK_SECTION = 3000  # characters of mrkdwn per section text


class KindWriter:
    """A ledger writer that stamps every record with `kind: "amplify"` (same file, same lock)."""

    def __init__(self, writer: Writer):
        self.writer = writer

    def append(self, record: dict) -> dict:
        return self.writer.append({**record, "kind": KIND} if record.get("post") else record)


def eligible(post: Post, company: list[Item], ledger: Ledger, now: datetime, settings: dict) -> str:
    """"" when `post` may get a kit, else why not (shown in the preview)."""
    if post.audience != "public" or not post.url:
        return "not a public post"
    if not publishable(post, now, settings.get("TIMEZONE")):
        return "not out (draft, hidden or scheduled)"
    reason = confidential_reason(post, settings) or placeholder_reason(post)
    if reason:
        return reason
    held = [i for i in company if i.status == "held"]
    if held:
        return f"the post's own {label(held[0].channel)} text is held: {held[0].reason}"
    pairs = ledger.pairs()
    if any(pairs.get((post.slug, c)) and pairs[(post.slug, c)].state == "marked" for c in CHANNELS):
        return "recorded as already shared (--mark-existing): no kit for older posts"
    return ""


def plan(posts: Iterable[Post], items: list[Item], ledger: Ledger, settings: dict, check: BrandCheck,
         now: datetime, *, retry_attention: bool = False) -> tuple[list[Item], dict[str, list[Kit]]]:
    """(amplify items, slug → kits); an item is `planned` when its message should go out now."""
    channels = [c for c in value_of(settings, "AMPLIFY_CHANNELS") if not CHANNELS[c].public]
    if not channels:
        return [], {}
    pairs = ledger.pairs(KIND)
    known = {p.slug for p in posts}
    by_post: dict[str, list[Item]] = {}
    for item in items:
        if not item.kind:
            by_post.setdefault(item.post.slug, []).append(item)
    out: list[Item] = []
    kits: dict[str, list[Kit]] = {}
    for post in sorted(posts, key=lambda p: (p.date, p.slug)):
        if post.audience != "public" or not publishable(post, now, settings.get("TIMEZONE")):
            continue  # never listed at all: internal, draft, hidden, scheduled
        why = eligible(post, by_post.get(post.slug, []), ledger, now, settings)
        post_kits = [] if why else build_all(post, settings, check)
        errors = [e for kit in post_kits for e in kit.errors]
        if not why and not errors:
            kits[post.slug] = post_kits
        for channel in channels:
            pair = pairs.get((post.slug, channel))
            item = decide(post, channel, pair, reshare=set(), retry_attention=retry_attention)
            item.kind = KIND
            if item.status == "edited" or item.status in SHARED_BEFORE.values():
                if item.status == "edited":  # once per post: an edit does not ask colleagues again
                    item.status, item.reason = "already-posted", ""
                out.append(item)
                continue
            if why or errors:
                if item.status == "planned" and pair is None and why.startswith("recorded as already"):
                    continue  # an adopted post: nothing to say
                item.status = "held"
                item.reason = "share kit: " + (why or "; ".join(map(unnamed, errors)))
            elif item.status == "planned":
                bad = None if retry_attention else ledger.held(post.slug, channel, known)
                if bad is not None:
                    item.status, item.reason = "attention", unreadable_reason(bad)
            out.append(item)
    cap = value_of(settings, "SYNDICATION_MAX_PER_RUN")
    counts: dict[str, int] = {}
    for item in out:
        if item.status == "planned":
            counts[item.channel] = counts.get(item.channel, 0) + 1
            if cap and counts[item.channel] > cap:
                item.status, item.reason = "capped", f"more than {cap} amplify messages in one run; next run"
    return out, kits


def page_url(post: Post, settings: dict, internal: str = "") -> str:
    """Where colleagues open the kit: AMPLIFY_PAGE_URL/<slug>/ when AMPLIFY_DIR is served, else the
    internal edition's amplify/<slug>/ (plugins.amplify writes it there), else nowhere ("")."""
    base = value_of(settings, "AMPLIFY_PAGE_URL").strip().rstrip("/")
    if not base and internal:
        base = f"{internal.rstrip('/')}/amplify"
    return f"{base}/{page_mod.folder_name(post.slug)}/" if base else ""


def compose(items: list[Item], kits: dict[str, list[Kit]], settings: dict, internal: str = "") -> None:
    """Fill each amplify item's text and payload (Slack Block Kit / Teams Adaptive Card)."""
    for item in items:
        post_kits = kits.get(item.post.slug)
        if not post_kits:
            continue
        url = page_url(item.post, settings, internal)
        item.link = url or item.post.url
        item.text = message_text(post_kits, url)
        item.length, item.limit = len(item.text), CHANNELS[item.channel].limit
        item.payload = (slack_payload if item.channel == "slack" else teams_payload)(post_kits, url)


def message_text(kits: list[Kit], url: str) -> str:
    """The message as plain text (preview, fallbacks): the ask, then each network's text."""
    post = kits[0].post
    lines = [f"Please share: {one_line(post.title)} {post.url}"]
    if url:
        lines.append(f"Share kit: {url}")
    for s in kits[0].suggestions:
        lines.append(f"{s.label}: {s.text}")
    return "\n".join(lines)


def _links(kits: list[Kit], index: int) -> list[tuple[str, str]]:
    """(button label, share URL) of suggestion `index` for every team."""
    out = []
    for kit in kits:
        s = kit.suggestions[index]
        out.append((f"Share on {s.label}" + (f" ({kit.team})" if kit.team else ""), s.share))
    return out


def slack_payload(kits: list[Kit], url: str) -> dict:
    post = kits[0].post
    title = one_line(post.title)
    head = f"*Please share:* <{post.url}|{slack_escape(title)}>"
    if url:
        head += f"\n<{url}|Open the share kit>"
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": shorten_escaped(head, SLACK_SECTION)}}]
    for index, s in enumerate(kits[0].suggestions):
        links = " · ".join(f"<{share}|{slack_escape(name)}>" for name, share in _links(kits, index))
        first = f"*{slack_escape(s.label)}* — {links}\n"
        body = shorten(s.text, lambda t, first=first: len(first) + len(slack_escape(t)) <= SLACK_SECTION)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": first + slack_escape(body)}})
    return {"text": f"Please share: {slack_escape(title)} {post.url}", "blocks": blocks[:50]}


def shorten_escaped(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def teams_payload(kits: list[Kit], url: str) -> dict:
    post = kits[0].post
    title = one_line(post.title)
    body: list[dict] = [
        {"type": "TextBlock", "text": "Please share", "weight": "Bolder", "size": "Medium", "wrap": True},
        {"type": "TextBlock", "text": title, "wrap": True},
    ]
    for index, s in enumerate(kits[0].suggestions):
        body.append({"type": "TextBlock", "text": s.label, "weight": "Bolder", "wrap": True,
                     "spacing": "Medium"})
        body.append({"type": "TextBlock", "text": s.text, "wrap": True})
        body.append({"type": "ActionSet", "actions": [
            {"type": "Action.OpenUrl", "title": name, "url": share} for name, share in _links(kits, index)]})
    actions = [{"type": "Action.OpenUrl", "title": "Read the post", "url": post.url}]
    if url:
        actions.insert(0, {"type": "Action.OpenUrl", "title": "Open the share kit", "url": url})
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
            "version": "1.4", "body": body, "actions": actions}
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}


def write_pages(kits: dict[str, list[Kit]], settings: dict, redact: Callable[[str], str]) -> list[Path]:
    """One page per post with a kit, in AMPLIFY_DIR (never deployed)."""
    directory = value_of(settings, "AMPLIFY_DIR")
    return [page_mod.write(directory, post_kits, redact) for post_kits in kits.values()]


def reconcile(writer: Writer, ledger: Ledger, connections: dict, settings: dict, now: datetime) -> list[str]:
    """Settle amplify messages an earlier run left open: a webhook cannot be read back, so a
    request that can no longer be in flight needs attention (as for a Slack/Teams post)."""
    notes = []
    window = in_flight_window(settings)
    stamped = KindWriter(writer)
    for pair in ledger.pairs(KIND).values():
        if pair.state not in ("pending", "uncertain") or pair.channel not in connections:
            continue
        if in_flight(pair, now, window):
            notes.append(f"{pair.post} → {pair.channel} (amplify): in flight, will retry")
            continue
        stamped.append({"event": "attention", "post": pair.post, "channel": pair.channel, "key": pair.key,
                        "hash": pair.pending_hash,
                        "reason": f"{label(pair.channel)} webhooks cannot be read back — check the channel "
                                  "for the amplify message, then use --retry-attention if it is missing"})
        notes.append(f"{pair.post} → {pair.channel} (amplify): needs attention (result unknown)")
    return notes


def post(writer: Writer, items: list[Item], connections: dict, redact: Callable[[str], str]) -> None:
    """Send every planned amplify message whose channel is connected (run.dispatch, the same loop
    and intent-first protocol as the company's posts; each record stamped `kind: "amplify"`)."""
    dispatch(KindWriter(writer), items, connections, redact)


def mark_existing(writer: Writer, items: list[Item]) -> None:
    """First adoption: record the amplify pairs as sent, so no old post is announced."""
    for item in items:
        if item.status in ("planned", "capped", "held"):
            KindWriter(writer).append({"event": "posted", "post": item.post.slug, "channel": item.channel,
                                       "hash": item.post.hash, "url": item.link, "marked": True,
                                       "remote_id": "", "remote_url": ""})
            item.status, item.reason = "marked", "recorded as already shared (--mark-existing)"
