"""Fake Bluesky PDS (XRPC): createSession, refreshSession, getProfile, uploadBlob, createRecord,
listRecords. Checks that link facets slice the UTF-8 text exactly and the card is well formed."""

from __future__ import annotations

import base64
import json
import time

import grapheme
from werkzeug import Request

from .base import Fake, reply

DID = "did:plc:fakefakefakefakefakefake"
BLOB_CID = "bafkreibme22gw2h7y2h7tg2fhqotaqjucnbc24deqo72b6mkl2egezxhvy"
RECORD_CID = "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"


def jwt(kind: str, lifetime: int = 7200) -> str:
    """JWT-shaped token (atproto decodes it unsigned to read `exp`)."""

    def b64(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    now = int(time.time())
    payload = {
        "scope": f"com.atproto.{kind}",
        "sub": DID,
        "iat": now,
        "exp": now + lifetime,
        "aud": "did:web:fake.pds",
        "jti": f"{kind}-{now}-{time.perf_counter_ns()}",
    }
    return f"{b64({'typ': 'at+jwt', 'alg': 'ES256K'})}.{b64(payload)}.c2lnbmF0dXJl"


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
    }

    def __init__(self, httpserver, handle: str, password: str):
        super().__init__(httpserver)
        self.handle, self.password = handle, password
        self.logins = 0
        self.echo_login = False  # True: a failed login repeats the password it was given
        self.records: list[dict] = []
        self.blobs: list[bytes] = []
        self.access: set[str] = set()
        self.refresh: set[str] = set()
        x = "/xrpc/"
        httpserver.expect_request(x + "com.atproto.server.createSession", method="POST").respond_with_handler(
            self.create_session
        )
        httpserver.expect_request(
            x + "com.atproto.server.refreshSession", method="POST"
        ).respond_with_handler(self.refresh_session)
        httpserver.expect_request(x + "app.bsky.actor.getProfile").respond_with_handler(self.profile)
        httpserver.expect_request(x + "com.atproto.repo.uploadBlob", method="POST").respond_with_handler(
            self.upload_blob
        )
        httpserver.expect_request(x + "com.atproto.repo.createRecord", method="POST").respond_with_handler(
            self.create_record
        )
        httpserver.expect_request(x + "com.atproto.repo.listRecords").respond_with_handler(self.list_records)

    def session_string(self) -> str:
        """What `export_session_string()` gives after a login on this PDS."""
        access, refresh = jwt("access"), jwt("refresh", 86400 * 60)
        self.access.add(access)
        self.refresh.add(refresh)
        return ":::".join([self.handle, DID, access, refresh, self.url])

    def _session(self):
        access, refresh = jwt("access"), jwt("refresh", 86400 * 60)
        self.access.add(access)
        self.refresh.add(refresh)
        return {"accessJwt": access, "refreshJwt": refresh, "handle": self.handle, "did": DID, "active": True}

    def _auth(self, request: Request):
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.access:
            return self.reject("bad access token", 401, {"error": "InvalidToken", "message": "Bad token"})
        return None

    def create_session(self, request: Request):
        body = request.get_json()
        if body.get("identifier") != self.handle or body.get("password") != self.password:
            said = f" ({body.get('identifier')} / {body.get('password')})" if self.echo_login else ""
            return reply(
                401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password" + said}
            )
        self.logins += 1
        return reply(200, self._session())

    def refresh_session(self, request: Request):
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.refresh:
            return reply(400, {"error": "ExpiredToken", "message": "Token has expired"})
        return reply(200, self._session())

    def profile(self, request: Request):
        if (bad := self._auth(request)) is not None:
            return bad
        return reply(200, {"did": DID, "handle": self.handle})

    def upload_blob(self, request: Request):
        if (bad := self._auth(request)) is not None:
            return bad
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
        if request.args.get("collection") != "app.bsky.feed.post" or request.args.get("repo") != DID:
            return self.reject("listRecords for the wrong repo/collection")
        limit = int(request.args.get("limit", 50))
        return reply(200, {"records": list(reversed(self.records))[:limit]})
