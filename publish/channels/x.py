"""X via tweepy's v2 `Client.create_tweet`, OAuth 1.0a user context (non-expiring user tokens).

`wait_on_rate_limit` stays off: tweepy would sleep until the reset with no retry cap; we record
the reset time and defer the channel instead. X counts two windows: 15 minutes
(`x-rate-limit-*`) and, for posting, 24 hours per user and per app (`x-user-limit-24hour-*`,
`x-app-limit-24hour-*`); a 429 waits for the reset of the window that is spent (`reset_time`).

X has no idempotency key and its 403 "duplicate content" answer does not name the existing post,
so reconcile reads the account's posts for our link (X expands t.co links in
`entities.urls[].expanded_url`). A page of `GET /2/users/:id/tweets` may hold fewer than
`max_results` posts even when more exist ("you may receive less than the max_results per
page" — X API docs, Timelines › pagination), so we follow `meta.next_token` until we reach posts
older than the pending record. Some API tiers cannot read timelines at all (403 with code 453,
"You currently have access to a subset of X API V2 endpoints…", or `reason: client-not-enrolled`):
`connect` finds that out with one small read, so the preview warns before anything is posted, and
reconcile then says why it cannot tell instead of guessing. That answer is kept for a week in
`x-access.json` (X_ACCESS_FILE; per app and account, beside the Bluesky session): a publish scheduled
every 15 minutes would otherwise spend a timeline read on every run, and X's Free tier allows one
per 15 minutes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from datetime import UTC, datetime, timedelta

import requests
import tweepy

from ..ledger import parse_time
from ..model import ChannelError, Item, RateLimited, ReadFailed, Receipt, Unsettled
from ..settings import state_file, timeout
from . import http
from .registry import CHANNELS

SPEC = CHANNELS["x"]
LABEL, ENV = SPEC.label, SPEC.env
PAGE = 100  # the largest max_results GET /2/users/:id/tweets accepts
MAX_PAGES = 10  # 1,000 posts back: beyond that, "cannot tell"
MARGIN = timedelta(minutes=5)  # clock skew between us and X
#: The rate-limit windows X reports, shortest first (header prefix, what it is called).
WINDOWS = (("x-rate-limit", "15-minute"), ("x-user-limit-24hour", "24-hour per-user"),
           ("x-app-limit-24hour", "24-hour per-app"))
#: How long an answer to "can this API tier read the account's posts?" is trusted (tiers change
#: rarely; a read that succeeds or is refused later updates it at once).
ACCESS_TTL = timedelta(days=7)
ACCESS_FILE = "x-access.json"
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
        http.default_timeout(self.client.session, timeout(settings))
        # An OAuth 1.0a access token starts with the account's numeric id ("<id>-<secret part>"), so
        # no GET /2/users/me is spent on it (the Free tier allows 25 a day); other tokens ask once.
        owner = re.match(r"(\d+)-", env["X_ACCESS_TOKEN"])
        self.user_id: str | None = owner.group(1) if owner else None
        #: Why this account's API tier cannot read its timeline (None: it can, or not known yet).
        self.cannot_read: str | None = None
        self._notes: list[str] | None = None
        self._kept = False  # cannot_read came from the kept file, not from a read in this run
        self._can_read_kept = False  # the kept file already says this app and account can read
        self.access_file = state_file(settings, "X_ACCESS_FILE", ACCESS_FILE)
        # The access level belongs to the app (its consumer key), the posts to the account: an
        # answer is kept per pair, under a hash of the key (nothing secret is written).
        self._app = hashlib.sha256(env["X_CONSUMER_KEY"].encode("utf-8")).hexdigest()[:16]

    @property
    def notes(self) -> list[str]:
        """What the operator should know before anything is posted (the CLI prints these and the
        preview shows them). The first read makes one small timeline request: can this API tier
        read the account's posts, i.e. can a lost result ever be reconciled?"""
        if self._notes is None:
            self._notes = []
            known = self._known_access()
            if known is not None:
                self.cannot_read, self._kept = known or None, True
                self._can_read_kept = known == ""
            else:
                try:
                    self.client.get_users_tweets(self._user(), max_results=5, user_auth=True)
                    self._remember_access(None)
                except tweepy.Forbidden as exc:
                    if tier_refusal(exc):
                        self._remember_access(tier_refusal(exc))
                except (tweepy.TweepyException, requests.RequestException):
                    pass  # unknown for now: reconcile reads again and says what it finds
            if self.cannot_read:
                self._notes.append(f"{self.cannot_read} — posting works, but a post whose result is "
                                   "lost (crash, timeout) will need attention")
        return self._notes

    def _known_access(self) -> str | None:
        """The kept answer for this account if fresh: "" it can read, the refusal if it cannot,
        None when unknown, stale or unreadable (then one small read finds out)."""
        try:
            entry = json.loads(self.access_file.read_text(encoding="utf-8"))[self._access_key()]
            checked = datetime.fromisoformat(entry["checked"])
            refusal = entry["cannot_read"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError, tweepy.TweepyException,
                requests.RequestException):
            return None
        if not (isinstance(refusal, str) and checked.tzinfo) or not (
                timedelta(0) <= datetime.now(UTC) - checked <= ACCESS_TTL):
            return None
        return refusal

    def _remember_access(self, refusal: str | None) -> None:
        """Keep this account's answer (atomically; a file that cannot be written only costs a read)."""
        self.cannot_read, self._kept = refusal, False
        self._can_read_kept = refusal is None  # (a file that cannot be written is asked again next run)
        try:
            try:
                kept = json.loads(self.access_file.read_text(encoding="utf-8"))
                kept = kept if isinstance(kept, dict) else {}
            except (OSError, ValueError):
                kept = {}
            kept[self._access_key()] = {"checked": datetime.now(UTC).isoformat(timespec="seconds"),
                                        "cannot_read": refusal or ""}
            self.access_file.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=f".{ACCESS_FILE}.", dir=self.access_file.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(json.dumps(kept, indent=1, sort_keys=True) + "\n")
                os.replace(temp, self.access_file)
            except OSError:
                os.unlink(temp)
                raise
        except (OSError, tweepy.TweepyException, requests.RequestException):
            pass

    def _access_key(self) -> str:
        return f"app {self._app}, account {self._user()}"

    def _user(self) -> str:
        if self.user_id is None:
            self.user_id = str(self.client.get_me(user_auth=True).data.id)
        return self.user_id

    def post(self, item: Item) -> Receipt:
        try:
            response = self.client.create_tweet(text=item.text, user_auth=True)
        except tweepy.TooManyRequests as exc:
            when, window = reset_time(exc.response.headers)
            raise RateLimited(f"{LABEL}: rate limited (HTTP 429, {window} limit)", when) from None
        except tweepy.Forbidden as exc:
            if any("duplicate" in str(m).lower() for m in exc.api_messages):
                return self._duplicate(item)
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

    def _duplicate(self, item: Item) -> Receipt:
        """X refused the text as a duplicate: an earlier post of ours may be it."""
        try:
            found = self._find(item)
        except (Unsettled, ChannelError) as why:  # a read that failed is no answer: it may be posted
            raise ChannelError(f"{LABEL}: refused as duplicate content; {why}", uncertain=True) from None
        if found:
            return found
        raise ChannelError(f"{LABEL}: refused as duplicate content, and no recent post links "
                           "to this URL — check the account") from None

    def reconcile(self, item: Item) -> Receipt | None:
        return self._find(item, since=parse_time(item.since))

    def _find(self, item: Item, since: datetime | None = None) -> Receipt | None:
        """Our link among the account's posts back to `since`; None when proven absent.

        Raises ReadFailed when X cannot be read for now (rate limit, network, 5xx: the pair stays
        open) and Unsettled when X answered but the answer cannot tell.
        """
        if self.cannot_read and not self._kept:  # a kept answer is tried again: the tier may have changed
            raise Unsettled(self.cannot_read)
        token = None
        for _ in range(MAX_PAGES):
            response = self._page(token)
            tweets = response.data or []
            for tweet in tweets:
                urls = (tweet.entities or {}).get("urls", [])
                if any(item.link in (u.get("expanded_url"), u.get("unwound_url")) for u in urls):
                    return Receipt(str(tweet.id), post_url(str(tweet.id)))
            if since and any(t.created_at and t.created_at < since - MARGIN for t in tweets):
                return None  # we read back past the pending record
            token = (response.meta or {}).get("next_token")
            if not token:
                return None  # the end of what X serves of the timeline
        raise Unsettled(f"{LABEL}: the pending post is older than the {PAGE * MAX_PAGES} most recent posts")

    def _page(self, token: str | None):
        try:
            page = self.client.get_users_tweets(
                self._user(), max_results=PAGE, pagination_token=token,
                tweet_fields=["created_at", "entities"], user_auth=True,
            )
            if not self._can_read_kept:
                self._remember_access(None)  # this tier can read (after all, if it was an upgrade)
            return page
        except tweepy.TooManyRequests as exc:
            when, window = reset_time(exc.response.headers)
            raise RateLimited(f"{LABEL}: reading recent posts is rate limited ({window} limit); "
                              "checked again next run", when) from None
        except tweepy.Forbidden as exc:
            refusal = tier_refusal(exc)
            if refusal:
                self._remember_access(refusal)
                raise Unsettled(refusal) from None
            raise Unsettled(f"{LABEL}: could not read recent posts (forbidden: {_messages(exc)})") from None
        except (tweepy.TwitterServerError, requests.RequestException) as exc:
            raise ReadFailed(f"{LABEL}: could not read recent posts for now ({type(exc).__name__}); "
                             "checked again next run") from None
        except tweepy.TweepyException as exc:
            raise Unsettled(f"{LABEL}: could not read recent posts ({type(exc).__name__})") from None


def tier_refusal(exc: tweepy.Forbidden) -> str | None:
    """Why X refuses timeline reads to this app's access level, or None for any other 403.

    X answers the Free tier's timeline reads with 403 and either a v1.1-style error code 453
    ("You currently have access to a subset of X API V2 endpoints…") or a v2 problem with
    `reason: client-not-enrolled` ("Appropriate Level of API Access").
    """
    try:
        body = exc.response.text or ""
    except Exception:  # noqa: BLE001 - a body that cannot be read is not a tier answer
        body = ""
    if 453 in exc.api_codes or "client-not-enrolled" in body or "subset of" in body:
        return (f"{LABEL}: this app's API access level cannot read the account's posts (HTTP 403, "
                "code 453 / client-not-enrolled): X's Free tier may post but not read timelines")
    return None


def reset_time(headers) -> tuple[datetime | None, str]:
    """When to try again after a 429, and which window was spent.

    X reports each window's `-remaining` and `-reset` (epoch seconds). The spent one (remaining 0)
    decides; when none says so, the latest reset given (never retry early and hit 429 again).
    """
    found = []
    for prefix, name in WINDOWS:
        raw = (headers.get(f"{prefix}-reset") or "").strip()
        if raw.isdigit():
            found.append((headers.get(f"{prefix}-remaining", "").strip() == "0", int(raw), name))
    spent = [f for f in found if f[0]] or found
    if not spent:
        return None, "15-minute"
    _, reset, name = max(spent, key=lambda f: f[1])
    return datetime.fromtimestamp(reset, tz=UTC), name


def _messages(exc: tweepy.HTTPException) -> str:
    return "; ".join(str(m) for m in exc.api_messages) or str(exc.response.status_code)


def connect(settings: dict, env: dict) -> X:
    return X(settings, env)
