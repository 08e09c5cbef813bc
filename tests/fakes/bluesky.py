"""Fake Bluesky PDS (XRPC): createSession, refreshSession, getSession, getProfile, uploadBlob,
createRecord, listRecords.

Follows the PDS's own source (bluesky-social/atproto, packages/pds):
- tokens (src/account-manager/helpers/auth.ts): the access JWT lives 2 hours, the refresh JWT 90
  days; refreshing *rotates* the refresh token, and a used refresh token keeps working for a
  2-hour grace period (`REFRESH_GRACE_MS`) and is dead after it; an expired token is answered
  400 `ExpiredToken` (xrpc-server auth verifier), a revoked session (deleteSession) likewise;
- time comes from `clock`, which a test moves forward (`clock.advance(hours=3)`); the client's
  idea of "now" must be moved with it (`sync_client_clock`) or it would not refresh;
- `listRecords` (src/api/com/atproto/repo/listRecords.ts) returns newest first and a `cursor`
  (the last record's rkey) whenever it returns records; a short page is the end of the repo;
- tokens are JWT-shaped with an `exp` claim (atproto decodes them unsigned) and sessions carry no
  `didDoc`, so the client keeps talking to this server.
Facets must slice the UTF-8 text exactly and the card must be well formed (lexicons
app/bsky/feed/post.json, app/bsky/embed/external.json; blob ≤ 1,000,000 bytes).
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import grapheme
from werkzeug import Request

from .base import Fake, reply

DID = "did:plc:fakefakefakefakefakefake"
BLOB_CID = "bafkreibme22gw2h7y2h7tg2fhqotaqjucnbc24deqo72b6mkl2egezxhvy"
RECORD_CID = "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"
ACCESS_LIFETIME = 2 * 3600
REFRESH_LIFETIME = 90 * 86400
REFRESH_GRACE = 2 * 3600


@dataclass
class Clock:
    """The server's time: real time plus whatever a test moved it forward."""

    offset: float = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, hours: float = 0, seconds: float = 0) -> None:
        self.offset += hours * 3600 + seconds


@dataclass
class Refresh:
    expires: float
    used_at: float | None = None
    revoked: bool = False


@dataclass
class Tokens:
    access: dict[str, float] = field(default_factory=dict)  # token → expiry
    refresh: dict[str, Refresh] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)  # access tokens of revoked sessions


def jwt(kind: str, issued: float, lifetime: int) -> str:
    """JWT-shaped token (atproto decodes it unsigned to read `exp`)."""

    def b64(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    payload = {
        "scope": f"com.atproto.{kind}",
        "sub": DID,
        "iat": int(issued),
        "exp": int(issued) + lifetime,
        "aud": "did:web:fake.pds",
        "jti": f"{kind}-{int(issued)}-{time.perf_counter_ns()}",
    }
    return f"{b64({'typ': 'at+jwt', 'alg': 'ES256K'})}.{b64(payload)}.c2lnbmF0dXJl"


def sync_client_clock(monkeypatch, clock: Clock) -> None:
    """Make atproto's client read the fake's clock when it decides whether to refresh (a library's
    clock, not our code: the channel itself runs unchanged)."""
    from atproto_client.client.methods_mixin.time import TimeMethodsMixin

    monkeypatch.setattr(TimeMethodsMixin, "get_current_time",
                        lambda self: datetime.fromtimestamp(clock.now(), tz=UTC))


class BlueskyFake(Fake):
    FAILURES = {
        "400": (400, {"error": "InvalidRequest", "message": "Invalid app.bsky.feed.post record"}, {}),
        "401": (401, {"error": "ExpiredToken", "message": "Token has expired"}, {}),
        "429": (
            429,
            {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
            {
                "ratelimit-limit": "5000",
                "ratelimit-remaining": "0",
                "ratelimit-reset": lambda: str(int(time.time()) + 900),
                "ratelimit-policy": "5000;w=3600",
            },
        ),
        "500": (500, {"error": "InternalServerError", "message": "Internal Server Error"}, {}),
        "502": (502, {"error": "UpstreamFailure", "message": "Upstream Failure"}, {}),
    }

    def __init__(self, httpserver, handle: str, password: str):
        super().__init__(httpserver)
        self.handle, self.password = handle, password
        self.clock = Clock()
        self.logins = 0
        self.refreshes = 0
        self.echo_login = False  # True: a failed login repeats the password it was given
        self.records: list[dict] = []
        self.blobs: list[bytes] = []
        self.tokens = Tokens()
        self.fail_reads: list[str] = []  # FAILURES kinds answered to the next listRecords calls
        self.fail_blobs: list[str] = []  # … and to the next uploadBlob calls
        x = "/xrpc/"
        routes = (
            ("com.atproto.server.createSession", "POST", self.create_session),
            ("com.atproto.server.refreshSession", "POST", self.refresh_session),
            ("com.atproto.server.getSession", "GET", self.get_session),
            ("app.bsky.actor.getProfile", "GET", self.profile),
            ("com.atproto.repo.uploadBlob", "POST", self.upload_blob),
            ("com.atproto.repo.createRecord", "POST", self.create_record),
            ("com.atproto.repo.listRecords", "GET", self.list_records),
        )
        for name, method, handler in routes:
            httpserver.expect_request(x + name, method=method).respond_with_handler(handler)

    # ------------------------------------------------------------ sessions
    def _issue(self) -> dict:
        now = self.clock.now()
        access, refresh = jwt("access", now, ACCESS_LIFETIME), jwt("refresh", now, REFRESH_LIFETIME)
        self.tokens.access[access] = now + ACCESS_LIFETIME
        self.tokens.refresh[refresh] = Refresh(now + REFRESH_LIFETIME)
        return {"accessJwt": access, "refreshJwt": refresh, "handle": self.handle, "did": DID, "active": True}

    def session_string(self) -> str:
        """What `export_session_string()` gives after a login on this PDS (a seed for BLUESKY_SESSION)."""
        session = self._issue()
        return ":::".join([self.handle, DID, session["accessJwt"], session["refreshJwt"], self.url])

    @property
    def access(self) -> set[str]:
        """Every access JWT this server issued (tests check none of them leaks)."""
        return set(self.tokens.access) | self.tokens.revoked

    @property
    def refresh(self) -> set[str]:
        """Every refresh JWT this server issued."""
        return set(self.tokens.refresh)

    def revoke_all(self) -> None:
        """The account holder signs out everywhere (deleteSession / app password revoked)."""
        for refresh in self.tokens.refresh.values():
            refresh.revoked = True
        self.tokens.revoked |= set(self.tokens.access)
        self.tokens.access.clear()

    def _bearer(self, request: Request) -> str:
        return request.headers.get("Authorization", "").removeprefix("Bearer ")

    def _auth(self, request: Request):
        token = self._bearer(request)
        if token in self.tokens.revoked:
            return reply(400, {"error": "ExpiredToken", "message": "Token has been revoked"})
        if token not in self.tokens.access:
            return self.reject("bad access token", 401, {"error": "InvalidToken", "message": "Bad token"})
        if self.tokens.access[token] <= self.clock.now():
            return reply(400, {"error": "ExpiredToken", "message": "Token has expired"})
        return None

    def create_session(self, request: Request):
        body = request.get_json()
        if body.get("identifier") != self.handle or body.get("password") != self.password:
            said = f" ({body.get('identifier')} / {body.get('password')})" if self.echo_login else ""
            return reply(
                401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password" + said}
            )
        self.logins += 1
        return reply(200, self._issue())

    def refresh_session(self, request: Request):
        token = self._bearer(request)
        entry = self.tokens.refresh.get(token)
        now = self.clock.now()
        if entry is None:
            return self.reject("refresh with a token never issued", 400,
                               {"error": "InvalidToken", "message": "Token could not be verified"})
        if entry.revoked or entry.expires <= now or (entry.used_at is not None and
                                                     now > entry.used_at + REFRESH_GRACE):
            return reply(400, {"error": "ExpiredToken", "message": "Token has been revoked"})
        if entry.used_at is None:
            entry.used_at = now
        self.refreshes += 1
        return reply(200, self._issue())

    def get_session(self, request: Request):
        if (bad := self._auth(request)) is not None:
            return bad
        return reply(200, {"handle": self.handle, "did": DID, "active": True})

    def profile(self, request: Request):
        if (bad := self._auth(request)) is not None:
            return bad
        return reply(200, {"did": DID, "handle": self.handle})

    # ------------------------------------------------------------ repo
    def upload_blob(self, request: Request):
        if (bad := self._auth(request)) is not None:
            return bad
        if self.fail_blobs:
            return reply(*self.FAILURES[self.fail_blobs.pop(0)][:2])
        data = request.get_data()
        if not data or len(data) > 1_000_000:
            return self.reject(f"blob of {len(data)} bytes")
        self.blobs.append(data)
        return reply(
            200,
            {
                "blob": {
                    "$type": "blob",
                    "ref": {"$link": BLOB_CID},
                    "mimeType": request.mimetype or "*/*",
                    "size": len(data),
                }
            },
        )

    def create_record(self, request: Request):
        self.calls.append(request)
        if (bad := self._auth(request)) is not None:
            return bad
        body = request.get_json()
        record = body.get("record", {})
        problems = self.check_post(body)
        if problems:
            return self.reject("; ".join(problems), 400, {"error": "InvalidRequest", "message": problems[0]})
        if (forced := self.forced(request)) is not None:
            return forced
        self.slow()
        rkey = f"3l{len(self.records) + 1:011d}"
        uri = f"at://{DID}/app.bsky.feed.post/{rkey}"
        self.records.append({"uri": uri, "cid": RECORD_CID, "value": record})
        return reply(200, {"uri": uri, "cid": RECORD_CID, "validationStatus": "valid"})

    def check_post(self, body: dict) -> list[str]:
        problems = []
        record = body.get("record", {})
        if body.get("repo") != DID or body.get("collection") != "app.bsky.feed.post":
            problems.append(f"repo/collection {body.get('repo')!r}/{body.get('collection')!r}")
        if record.get("$type") != "app.bsky.feed.post" or not record.get("createdAt"):
            problems.append("record needs $type app.bsky.feed.post and createdAt")
        if not 1 <= len(record.get("langs") or []) <= 3:
            problems.append("langs must list 1 to 3 languages")
        text = record.get("text", "")
        if grapheme.length(text) > 300 or len(text.encode()) > 3000:
            problems.append("text longer than 300 graphemes")
        raw = text.encode("utf-8")
        for facet in record.get("facets") or []:
            start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
            try:
                raw[start:end].decode("utf-8")
            except UnicodeDecodeError:
                problems.append(f"facet {start}-{end} splits a UTF-8 character")
            if not 0 <= start < end <= len(raw):
                problems.append(f"facet {start}-{end} outside the text")
            for feature in facet["features"]:
                if feature.get("$type") != "app.bsky.richtext.facet#link" or not feature.get("uri"):
                    problems.append(f"bad facet feature {feature!r}")
        embed = record.get("embed")
        if embed is not None:
            external = embed.get("external", {})
            if embed.get("$type") != "app.bsky.embed.external" or not {"uri", "title", "description"} <= set(
                external
            ):
                problems.append(f"bad external embed {embed!r}")
            thumb = external.get("thumb")
            if thumb is not None and thumb.get("ref", {}).get("$link") != BLOB_CID:
                problems.append("thumb is not an uploaded blob")
        return problems

    def list_records(self, request: Request):
        if (bad := self._auth(request)) is not None:
            return bad
        if self.fail_reads:
            status, body, headers = self.FAILURES[self.fail_reads.pop(0)]
            return reply(status, body, {k: v() if callable(v) else v for k, v in headers.items()})
        if request.args.get("collection") != "app.bsky.feed.post" or request.args.get("repo") != DID:
            return self.reject("listRecords for the wrong repo/collection")
        limit = int(request.args.get("limit", 50))
        page = list(reversed(self.records))[:limit]
        body = {"records": page}
        if page:
            body["cursor"] = page[-1]["uri"].rsplit("/", 1)[-1]
        return reply(200, body)
