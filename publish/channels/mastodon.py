"""Mastodon via Mastodon.py: `status_post` with an `Idempotency-Key`, rate limits thrown, not slept.

Mastodon is the one network with server-side idempotency (keys kept for about an hour), but it
stores a key only once the status exists, so reconcile first reads the account's recent statuses
for our link, and re-sends with the same key only when they cannot be read and the key is fresh.
Mastodon fetches the link card itself from the page's OpenGraph tags.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonError,
    MastodonNetworkError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from ..ledger import parse_time
from ..model import ChannelError, Item, RateLimited, ReadFailed, Receipt, Unsettled
from ..settings import timeout
from .registry import CHANNELS

SPEC = CHANNELS["mastodon"]
LABEL, ENV = SPEC.label, SPEC.env
KEY_LIFETIME = timedelta(minutes=55)  # Mastodon keeps idempotency keys "up to 1 hour"
RECENT = 40


def configured(env: dict, settings: dict | None = None) -> bool:
    base = env.get("MASTODON_API_BASE") or (settings or {}).get("MASTODON_API_BASE")
    return bool(env.get("MASTODON_ACCESS_TOKEN") and base)


class MastodonChannel:
    spec = SPEC

    def __init__(self, settings: dict, env: dict):
        base = env.get("MASTODON_API_BASE") or settings.get("MASTODON_API_BASE")
        self.lang = str(settings.get("DEFAULT_LANG") or "en")
        self.api = Mastodon(
            access_token=env["MASTODON_ACCESS_TOKEN"],
            api_base_url=base,
            ratelimit_method="throw",
            request_timeout=timeout(settings),
        )

    def post(self, item: Item) -> Receipt:
        try:
            status = self.api.status_post(item.text, visibility="public", idempotency_key=item.key,
                                          language=self.lang)
        except MastodonRatelimitError:
            reset = self.api.ratelimit_reset
            when = datetime.fromtimestamp(reset, tz=UTC) if reset else None
            raise RateLimited(f"{LABEL}: rate limited (HTTP 429)", when) from None
        except MastodonUnauthorizedError as exc:
            raise ChannelError(f"{LABEL}: not authorised ({_reason(exc)}) — "
                               "check MASTODON_ACCESS_TOKEN") from None
        except MastodonServerError as exc:
            raise ChannelError(f"{LABEL}: server error ({_reason(exc)}) — it may have been posted",
                               uncertain=True) from None
        except MastodonAPIError as exc:
            raise ChannelError(f"{LABEL}: rejected ({_reason(exc)})") from None
        except MastodonNetworkError:
            raise ChannelError(f"{LABEL}: network error — it may have been posted", uncertain=True) from None
        return Receipt(str(status["id"]), status.get("url") or status.get("uri") or "")

    def reconcile(self, item: Item) -> Receipt | None:
        """Read the account's recent statuses first; re-send with the same key only when they
        cannot be read and the key is still fresh (the caller never reconciles a request that
        could still be in flight, so the server has stored the key if the status exists)."""
        since = parse_time(item.since)
        try:
            return self._find(item, since)
        except (Unsettled, ReadFailed):
            if since and datetime.now(UTC) - since < KEY_LIFETIME:
                return self.post(item)  # same key: Mastodon answers with the status it already made
            raise

    def _find(self, item: Item, since: datetime | None) -> Receipt | None:
        try:
            me = self.api.me()
            statuses = self.api.account_statuses(me["id"], limit=RECENT)
        except MastodonRatelimitError:
            reset = self.api.ratelimit_reset
            raise RateLimited(f"{LABEL}: reading recent statuses is rate limited; checked again next run",
                              datetime.fromtimestamp(reset, tz=UTC) if reset else None) from None
        except (MastodonNetworkError, MastodonServerError) as exc:
            raise ReadFailed(f"{LABEL}: could not read recent statuses for now ({type(exc).__name__}); "
                             "checked again next run") from None
        except MastodonError as exc:
            raise Unsettled(f"{LABEL}: could not read recent statuses ({type(exc).__name__})") from None
        for status in statuses:
            card = (status.get("card") or {}).get("url") or ""
            if item.link in html.unescape(status.get("content") or "") or card == item.link:
                return Receipt(str(status["id"]), status.get("url") or "")
        oldest = min((_created(s) for s in statuses), default=None)
        if len(statuses) < RECENT or (since and oldest and oldest < since):
            return None
        raise Unsettled(f"{LABEL}: the pending post is older than the {RECENT} most recent statuses")


def _created(status) -> datetime | None:
    value = status.get("created_at")
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return parse_time(str(value)) if value else None


def _reason(exc: Exception) -> str:
    parts = [str(a) for a in exc.args[1:] if a not in (None, "")]
    return " ".join(parts) or type(exc).__name__


def connect(settings: dict, env: dict) -> MastodonChannel:
    return MastodonChannel(settings, env)
