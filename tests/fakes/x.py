"""Fake X API v2: POST /2/tweets, GET /2/users/me, GET /2/users/:id/tweets (OAuth 1.0a user context).

Follows X's API docs (docs.x.com) and what X is seen to answer:
- Timelines › "Paginate": results come newest first, `max_results` 5–100, and "you may receive
  less than the max_results per page" while `meta.next_token` says more exist — `page_cap` makes
  every page that short; `pagination_token` continues;
- Rate limits: every answer carries the 15-minute window (`x-rate-limit-*`), and POST /2/tweets
  also the 24-hour caps per user and per app (`x-user-limit-24hour-*`, `x-app-limit-24hour-*`, seen
  in akrherz/iembot#163); a spent 24-hour cap answers 429 while the 15-minute window still has room;
- access levels: on the Free tier a timeline read is refused with 403 and the v1.1-style error
  code 453 ("You currently have access to a subset of X API V2 endpoints…"; tweepy#2080 et al.) —
  `tier = "free"`;
- a duplicate text is 403 "duplicate content" with no id (plhery/node-twitter-api-v2#469).
tweepy's Client hard-codes https://api.twitter.com; `redirect(client, fake)` mounts an adapter on
the client's public `session` that sends those requests to the fake instead.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from types import SimpleNamespace
from urllib.parse import urlsplit

from oauthlib.oauth1.rfc5849 import signature
from requests.adapters import HTTPAdapter
from werkzeug import Request

from .base import Fake, reply

USER_ID = "1700000000000000001"
TIER_REFUSAL = {
    "errors": [{
        "message": "You currently have access to a subset of X API V2 endpoints and limited v1.1 endpoints "
                   "(e.g. media post, oauth) only. If you need access to this endpoint, you may need a "
                   "different access level. You can learn more here: https://developer.x.com/en/portal/product",
        "code": 453,
    }]
}
DAY = 86400
DUPLICATE = {
    "detail": "You are not allowed to create a Tweet with duplicate content.",
    "type": "about:blank",
    "title": "Forbidden",
    "status": 403,
}


class XFake(Fake):
    FAILURES = {
        "duplicate": (403, DUPLICATE, {}),
        "401": (
            401,
            {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"},
            {},
        ),
        "429": (
            429,
            {
                "title": "Too Many Requests",
                "detail": "Too Many Requests",
                "type": "about:blank",
                "status": 429,
            },
            {
                "x-rate-limit-limit": "17",
                "x-rate-limit-remaining": "0",
                "x-rate-limit-reset": lambda: str(int(time.time()) + 3600),
            },
        ),
        "500": (
            503,
            {
                "title": "Service Unavailable",
                "detail": "Service Unavailable",
                "type": "about:blank",
                "status": 503,
            },
            {},
        ),
    }

    def __init__(self, httpserver, consumer_key: str, consumer_secret: str = "", token_secret: str = ""):
        super().__init__(httpserver)
        self.consumer_key = consumer_key
        self.consumer_secret, self.token_secret = consumer_secret, token_secret
        self.tweets: list[dict] = []
        self.tier = "basic"  # "free": timeline reads are refused (403, code 453)
        self.page_cap: int | None = None  # at most this many posts per timeline page
        self.user_cap, self.app_cap = 100, 10_000  # POST /2/tweets per 24 hours
        self.day_started = time.time()
        self.fail_reads: list[str] = []  # FAILURES kinds answered to the next timeline reads
        self.reads = 0
        self.me_calls = 0
        httpserver.expect_request("/2/tweets", method="POST").respond_with_handler(self.create)
        httpserver.expect_request("/2/users/me", method="GET").respond_with_handler(self.me)
        httpserver.expect_request(f"/2/users/{USER_ID}/tweets", method="GET").respond_with_handler(
            self.timeline
        )

    def _auth(self, request: Request):
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("OAuth ") or "oauth_signature=" not in auth:
            return self.reject("missing OAuth 1.0a Authorization header", 401)
        if f'oauth_consumer_key="{self.consumer_key}"' not in auth:
            return self.reject("wrong consumer key", 401)
        if self.consumer_secret and not self._signed(request):
            return self.reject("bad OAuth 1.0a signature", 401)
        return None

    def _signed(self, request: Request) -> bool:
        """Verify HMAC-SHA1 over the *original* api.twitter.com URL, as X does."""
        params = signature.collect_parameters(
            uri_query=request.query_string.decode(),
            headers={"Authorization": request.headers["Authorization"]},
            exclude_oauth_signature=True,
        )
        oauth = dict(
            signature.collect_parameters(
                headers={"Authorization": request.headers["Authorization"]}, exclude_oauth_signature=False
            )
        )
        base = signature.signature_base_string(
            request.method,
            signature.base_string_uri("https://api.twitter.com" + request.path),
            signature.normalize_parameters(params),
        )
        keys = SimpleNamespace(client_secret=self.consumer_secret, resource_owner_secret=self.token_secret)
        expected = signature.sign_hmac_sha1_with_client(base, keys)
        return signature.safe_string_equals(expected, oauth.get("oauth_signature", ""))

    def create(self, request: Request):
        self.calls.append(request)
        if (bad := self._auth(request)) is not None:
            return bad
        if request.mimetype != "application/json":
            return self.reject("body must be JSON")
        body = request.get_json()
        if set(body) != {"text"} or not isinstance(body["text"], str) or not body["text"]:
            return self.reject(f"unexpected body {body!r}")
        if (forced := self.forced(request)) is not None:
            return forced
        self.slow()
        if any(t["text"] == body["text"] for t in self.tweets):
            return reply(*self.FAILURES["duplicate"])
        if len(self.tweets) >= self.user_cap:
            return reply(429, {"title": "Too Many Requests", "detail": "Too Many Requests",
                               "type": "about:blank", "status": 429}, self.limits(spent=True))
        tweet_id = str(1800000000000000000 + len(self.tweets) + 1)
        self.tweets.append(
            {
                "id": tweet_id,
                "text": body["text"],
                "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            }
        )
        return reply(
            201,
            {"data": {"id": tweet_id, "text": body["text"], "edit_history_tweet_ids": [tweet_id]}},
            {"location": f"https://api.twitter.com/2/tweets/{tweet_id}", **self.limits()},
        )

    def limits(self, spent: bool = False) -> dict:
        """The rate-limit headers of a POST /2/tweets answer (15-minute window and 24-hour caps)."""
        now, reset = int(time.time()), str(int(self.day_started) + DAY)
        used = len(self.tweets)
        return {
            "x-rate-limit-limit": "10000", "x-rate-limit-remaining": "9999",
            "x-rate-limit-reset": str(now + 900),
            "x-user-limit-24hour-limit": str(self.user_cap),
            "x-user-limit-24hour-remaining": "0" if spent else str(max(0, self.user_cap - used)),
            "x-user-limit-24hour-reset": reset,
            "x-app-limit-24hour-limit": str(self.app_cap),
            "x-app-limit-24hour-remaining": str(max(0, self.app_cap - used)),
            "x-app-limit-24hour-reset": reset,
        }

    def me(self, request: Request):
        self.me_calls += 1
        if (bad := self._auth(request)) is not None:
            return bad
        return reply(200, {"data": {"id": USER_ID, "name": "Northwind", "username": "northwindledger"}})

    def timeline(self, request: Request):
        if (bad := self._auth(request)) is not None:
            return bad
        self.reads += 1
        if self.tier == "free":
            return reply(403, TIER_REFUSAL)
        if self.fail_reads:
            status, body, headers = self.FAILURES[self.fail_reads.pop(0)]
            return reply(status, body, {k: v() if callable(v) else v for k, v in headers.items()})
        size = int(request.args.get("max_results", 10))
        if not 5 <= size <= 100:
            return self.reject(f"max_results {size} outside 5-100", 400)
        start = int(request.args.get("pagination_token") or 0)
        newest_first = list(reversed(self.tweets))
        page = newest_first[start : start + min(size, self.page_cap or size)]
        fields = request.args.get("tweet.fields", "").split(",")  # X returns only the fields asked for
        data = []
        for tweet in page:
            urls = [
                {"url": "https://t.co/abc", "expanded_url": word, "display_url": word[:20]}
                for word in tweet["text"].split()
                if word.startswith("http")
            ]
            row = {"id": tweet["id"], "text": tweet["text"], "edit_history_tweet_ids": [tweet["id"]]}
            if "created_at" in fields:
                row["created_at"] = tweet["created_at"]
            if "entities" in fields:
                row["entities"] = {"urls": urls}
            data.append(row)
        meta = {"result_count": len(data)}
        if start + len(page) < len(newest_first):
            meta["next_token"] = str(start + len(page))
        return reply(200, {"data": data, "meta": meta} if data else {"meta": meta})


class RedirectAdapter(HTTPAdapter):
    """Send https://api.twitter.com/... to the fake (after OAuth1 signed the original URL)."""

    def __init__(self, base: str):
        super().__init__()
        self.base = base

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        request.url = self.base + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().send(request, **kwargs)


def redirect(client, fake: XFake) -> None:
    client.session.mount("https://api.twitter.com", RedirectAdapter(fake.url))
