"""Fake Mastodon: POST /api/v1/statuses (Idempotency-Key honoured), verify_credentials, account statuses.

Follows mastodon/documentation: methods/statuses.md (`Idempotency-Key`, "stored for up to 1 hour",
stored once the status exists), methods/accounts.md (verify_credentials, statuses newest first,
`limit`), api/rate-limits.md (429 with `X-RateLimit-*`, reset as an ISO time).
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from werkzeug import Request

from .base import Fake, reply

ACCOUNT = {
    "id": "109000",
    "username": "northwind",
    "acct": "northwind",
    "url": "https://social.example/@northwind",
}


class MastodonFake(Fake):
    FAILURES = {
        "401": (401, {"error": "The access token is invalid"}, {}),
        "422": (422, {"error": "Validation failed: Text can't be blank"}, {}),
        "429": (
            429,
            {"error": "Too many requests"},
            {
                "X-RateLimit-Limit": "300",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": lambda: datetime.fromtimestamp(time.time() + 1800, UTC).isoformat(),
            },
        ),
        "500": (500, {"error": "We're sorry, but something went wrong on our end."}, {}),
    }

    def __init__(self, httpserver, token: str, delay: float = 0.0):
        super().__init__(httpserver)
        self.token = token
        #: Seconds a POST takes before the status exists (a slow server). Like Mastodon, the
        #: Idempotency-Key is stored only once the status is created, so a second request with the
        #: same key that arrives meanwhile creates a second status (needs a threaded server).
        self.delay = delay
        #: Cleared by a test to hold every POST until it is set again (`waiting` counts the held).
        self.gate = threading.Event()
        self.gate.set()
        self.waiting = 0
        self.statuses: list[dict] = []
        self.reads: list[float] = []  # time.monotonic() of each verify_credentials (reconcile starts)
        self.fail_reads: bool | str = False  # answer reads of the account with 503 (or this FAILURES kind)
        self.by_key: dict[str, dict] = {}
        httpserver.expect_request("/api/v1/statuses", method="POST").respond_with_handler(self.create)
        httpserver.expect_request("/api/v1/accounts/verify_credentials").respond_with_handler(self.me)
        httpserver.expect_request(f"/api/v1/accounts/{ACCOUNT['id']}/statuses").respond_with_handler(
            self.list
        )

    def _auth(self, request: Request):
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return self.reject("bad or missing bearer token", 401, {"error": "The access token is invalid"})
        return None

    def create(self, request: Request):
        self.calls.append(request)
        if (bad := self._auth(request)) is not None:
            return bad
        key = request.headers.get("Idempotency-Key")
        if not key:
            return self.reject("status posted without an Idempotency-Key", 400)
        fields = request.get_json() if request.is_json else request.form
        text = fields.get("status", "")
        if len(fields.get("language") or "") != 2:
            return self.reject(f"language must be an ISO 639-1 code, got {fields.get('language')!r}")
        if fields.get("visibility") != "public":
            return self.reject(f"visibility {fields.get('visibility')!r}")
        if (forced := self.forced(request)) is not None:
            return forced
        if not text:
            return reply(*self.FAILURES["422"])
        if key in self.by_key:  # Mastodon answers a repeated key with the status it already made
            return reply(200, self.by_key[key])
        self.slow()
        if not self.gate.is_set():
            self.waiting += 1
            self.gate.wait(120)
            self.waiting -= 1
        sid = str(110000000000000000 + len(self.statuses) + 1)
        link = next((w for w in text.split() if w.startswith("http")), "")
        status = {
            "id": sid,
            "uri": f"https://social.example/users/northwind/statuses/{sid}",
            "url": f"https://social.example/@northwind/{sid}",
            "account": ACCOUNT,
            "created_at": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "content": "<p>" + text.replace("&", "&amp;") + "</p>",
            "visibility": "public",
            "card": {"url": link} if link else None,
        }
        self.statuses.append(status)
        self.by_key[key] = status
        return reply(200, status)

    def me(self, request: Request):
        self.reads.append(time.monotonic())
        if (bad := self._auth(request)) is not None:
            return bad
        if self.fail_reads:  # True: 503; or a FAILURES kind ("429", "500")
            if self.fail_reads is True:
                return reply(503, {"error": "Service unavailable"})
            status, body, headers = self.FAILURES[self.fail_reads]
            return reply(status, body, {k: v() if callable(v) else v for k, v in headers.items()})
        return reply(200, ACCOUNT)

    def list(self, request: Request):
        if (bad := self._auth(request)) is not None:
            return bad
        limit = int(request.args.get("limit", 20))
        return reply(200, list(reversed(self.statuses))[:limit])
