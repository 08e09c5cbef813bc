"""X via tweepy's v2 `Client.create_tweet`, OAuth 1.0a user context (non-expiring user tokens).

`wait_on_rate_limit` stays off: tweepy would sleep until the reset with no retry cap; we record
the reset time and defer the channel instead. X has no idempotency key and its 403 "duplicate
content" answer does not name the existing post, so reconcile reads the account's recent posts
for our link (X expands t.co links in `entities.urls[].expanded_url`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import requests
import tweepy

from ..ledger import parse_time
from ..model import ChannelError, Item, RateLimited, Receipt, Unsettled
from ..settings import timeout
from .http import TimeoutAdapter
from .registry import CHANNELS

SPEC = CHANNELS["x"]
LABEL, ENV = SPEC.label, SPEC.env
RECENT = 20
# tweepy logs request headers at DEBUG; keep that off whatever the root logger says.
logging.getLogger("tweepy").setLevel(logging.WARNING)


def configured(env: dict, settings: dict | None = None) -> bool:
    return all(env.get(name) for name in ENV)


def post_url(tweet_id: str) -> str:
    return f"https://x.com/i/web/status/{tweet_id}"


class X:
    spec = SPEC

    def __init__(self, settings: dict, env: dict):
        self.client = tweepy.Client(
            consumer_key=env["X_CONSUMER_KEY"], consumer_secret=env["X_CONSUMER_SECRET"],
            access_token=env["X_ACCESS_TOKEN"], access_token_secret=env["X_ACCESS_TOKEN_SECRET"],
            wait_on_rate_limit=False,
        )
        self.client.session.mount("https://", TimeoutAdapter(timeout(settings)))

    def post(self, item: Item) -> Receipt:
        try:
            response = self.client.create_tweet(text=item.text, user_auth=True)
        except tweepy.TooManyRequests as exc:
            raise RateLimited(f"{LABEL}: rate limited (HTTP 429)", _reset(exc)) from None
        except tweepy.Forbidden as exc:
            if any("duplicate" in str(m).lower() for m in exc.api_messages):
                try:
                    found = self._find(item)
                except Unsettled as why:
                    raise ChannelError(f"{LABEL}: refused as duplicate content; {why}",
                                       uncertain=True) from None
                if found:
                    return found
                raise ChannelError(f"{LABEL}: refused as duplicate content, and no recent post links "
                                   "to this URL — check the account") from None
            raise ChannelError(f"{LABEL}: forbidden ({_messages(exc)})") from None
        except tweepy.Unauthorized as exc:
            raise ChannelError(f"{LABEL}: not authorised ({_messages(exc)}) — check the X_* tokens") from None
        except tweepy.TwitterServerError as exc:
            raise ChannelError(f"{LABEL}: server error ({_messages(exc)}) — it may have been posted",
                               uncertain=True) from None
        except tweepy.HTTPException as exc:
            raise ChannelError(f"{LABEL}: rejected ({_messages(exc)})") from None
        except requests.ConnectTimeout:
            raise ChannelError(f"{LABEL}: could not connect; nothing was sent") from None
        except requests.RequestException as exc:
            raise ChannelError(f"{LABEL}: {type(exc).__name__} — it may have been posted",
                               uncertain=True) from None
        tweet_id = str(response.data["id"])
        return Receipt(tweet_id, post_url(tweet_id))

    def reconcile(self, item: Item) -> Receipt | None:
        since = parse_time(item.since)
        found = self._find(item, since=since)
        return found

    def _find(self, item: Item, since: datetime | None = None) -> Receipt | None:
        """Our link among the account's recent posts; None when proven absent; else Unsettled."""
        try:
            me = self.client.get_me(user_auth=True)
            response = self.client.get_users_tweets(
                me.data.id, max_results=RECENT, tweet_fields=["created_at", "entities"], user_auth=True,
            )
        except (tweepy.TweepyException, requests.RequestException) as exc:
            raise Unsettled(f"{LABEL}: could not read recent posts ({type(exc).__name__})") from None
        tweets = response.data or []
        for tweet in tweets:
            urls = (tweet.entities or {}).get("urls", [])
            if any(item.link in (u.get("expanded_url"), u.get("unwound_url")) for u in urls):
                return Receipt(str(tweet.id), post_url(str(tweet.id)))
        oldest = min((t.created_at for t in tweets if t.created_at), default=None)
        margin = timedelta(minutes=5)  # clock skew between us and X
        if len(tweets) < RECENT or (since and oldest and oldest < since - margin):
            return None
        raise Unsettled(f"{LABEL}: the pending post is older than the {RECENT} most recent posts")


def _reset(exc: tweepy.TooManyRequests) -> datetime | None:
    raw = exc.response.headers.get("x-rate-limit-reset")
    return datetime.fromtimestamp(int(raw), tz=UTC) if raw and raw.isdigit() else None


def _messages(exc: tweepy.HTTPException) -> str:
    return "; ".join(str(m) for m in exc.api_messages) or str(exc.response.status_code)


def connect(settings: dict, env: dict) -> X:
    return X(settings, env)
