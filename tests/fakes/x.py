"""Fake X API v2: POST /2/tweets, GET /2/users/me, GET /2/users/:id/tweets (OAuth 1.0a user context).

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
        if any(t["text"] == body["text"] for t in self.tweets):
            return reply(*self.FAILURES["duplicate"])
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
            {
                "location": f"https://api.twitter.com/2/tweets/{tweet_id}",
                "x-rate-limit-limit": "17",
                "x-rate-limit-remaining": str(17 - len(self.tweets)),
            },
        )

    def me(self, request: Request):
        if (bad := self._auth(request)) is not None:
            return bad
        return reply(200, {"data": {"id": USER_ID, "name": "Northwind", "username": "northwindledger"}})

    def timeline(self, request: Request):
        if (bad := self._auth(request)) is not None:
            return bad
        if "entities" not in request.args.get("tweet.fields", ""):
            return self.reject("timeline read without entities")
        data = []
        for tweet in reversed(self.tweets[-int(request.args.get("max_results", 10)) :]):
            urls = [
                {"url": "https://t.co/abc", "expanded_url": word, "display_url": word[:20]}
                for word in tweet["text"].split()
                if word.startswith("http")
            ]
            data.append(
                {
                    "id": tweet["id"],
                    "text": tweet["text"],
                    "created_at": tweet["created_at"],
                    "edit_history_tweet_ids": [tweet["id"]],
                    "entities": {"urls": urls},
                }
            )
        return reply(
            200,
            {"data": data, "meta": {"result_count": len(data)}} if data else {"meta": {"result_count": 0}},
        )


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
