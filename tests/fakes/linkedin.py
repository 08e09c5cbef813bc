"""Fake LinkedIn REST API: POST/GET /rest/posts (versioned, Rest.li 2.0), Images API upload.

Follows LinkedIn's Marketing API docs on learn.microsoft.com ("Posts API", "Images API",
"Versioning") and what LinkedIn is seen to answer:
- a created post's URN comes back in `x-restli-id`; `GET /rest/posts/{encoded urn}` reads it
  back, 404 once deleted (`delete`);
- every `initializeUpload` issues a *new* image URN, so a post re-sent with a re-uploaded
  thumbnail is a different body;
- the duplicate check is undocumented: a body equal to an earlier one (commentary, article
  source and thumbnail) is refused with 422 `DUPLICATE_POST` naming the earlier post's URN — even
  when that post was deleted since (Arisamiga/Linkedin-RSS#5 for the answer's shape);
- `LinkedIn-Version` must be an active version: about a year of monthly versions back from today
  (older: 426 `NONEXISTENT_VERSION`, "Requested version … is not active").
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import unquote

from werkzeug import Request

from .base import Fake, reply

DUPLICATE_TEMPLATE = (
    '{{"errorDetailType":"com.linkedin.common.error.BadRequest","message":"com.linkedin.content.common.'
    'exception.BadRequestResponseException: Content is a duplicate of {urn}","errorDetails":{{"inputErrors":'
    '[{{"description":"Duplicate post is detected","input":{{}},"code":"DUPLICATE_POST"}}]}},"status":422}}'
)


def active(version: str, today=None) -> bool:
    """Is `version` (YYYYMM) one LinkedIn still serves: released, and at most 12 months old?"""
    match = re.fullmatch(r"(\d{4})(\d{2})", version or "")
    if not match:
        return False
    today = today or datetime.now(UTC).date()
    age = (today.year - int(match.group(1))) * 12 + today.month - int(match.group(2))
    return 0 <= age <= 12


class LinkedInFake(Fake):
    FAILURES = {
        "401": (
            401,
            {
                "status": 401,
                "serviceErrorCode": 65600,
                "code": "REVOKED_ACCESS_TOKEN",
                "message": "The token used in the request has been revoked by the user",
            },
            {},
        ),
        "429": (
            429,
            {
                "status": 429,
                "message": "Resource level throttle APPLICATION DAY limit for calls to "
                "this resource is reached.",
            },
            {},
        ),
        "500": (500, {"status": 500, "message": "Internal Server Error"}, {}),
        "426": (
            426,
            {
                "status": 426,
                "code": "NONEXISTENT_VERSION",
                "message": "Requested version 202001 is not active",
            },
            {},
        ),
    }

    def __init__(self, httpserver, token: str, author: str, version: str):
        super().__init__(httpserver)
        self.token, self.author, self.version = token, author, version
        self.posts: list[dict] = []
        self.images: list[bytes] = []
        self.issued: list[str] = []  # image URNs handed out by initializeUpload
        self.deleted: set[str] = set()
        self.reads: list[str] = []  # URNs read back with GET /rest/posts/{urn}
        httpserver.expect_request("/rest/posts", method="POST").respond_with_handler(self.create)
        httpserver.expect_request(re.compile(r"^/rest/posts/.+$"), method="GET").respond_with_handler(
            self.read)
        httpserver.expect_request("/rest/images", method="POST").respond_with_handler(self.init_upload)
        httpserver.expect_request(re.compile(r"^/upload/image-\d+$"), method="PUT").respond_with_handler(
            self.upload)

    def delete(self, urn: str) -> None:
        """Someone deletes the post on LinkedIn (its duplicate answer still names it)."""
        self.deleted.add(urn)

    def _headers(self, request: Request):
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return reply(*self.FAILURES["401"])
        version = request.headers.get("LinkedIn-Version")
        if not active(version or ""):
            return reply(426, {"status": 426, "code": "NONEXISTENT_VERSION",
                               "message": f"Requested version {version} is not active"})
        if version != self.version:
            return self.reject(f"LinkedIn-Version {version!r}, expected {self.version!r}", 426)
        if request.headers.get("X-Restli-Protocol-Version") != "2.0.0":
            return self.reject("missing X-Restli-Protocol-Version: 2.0.0")
        return None

    def create(self, request: Request):
        self.calls.append(request)
        if (bad := self._headers(request)) is not None:
            return bad
        body = request.get_json()
        problems = []
        if body.get("author") != self.author:
            problems.append(f"author {body.get('author')!r}")
        for key, want in (("visibility", "PUBLIC"), ("lifecycleState", "PUBLISHED")):
            if body.get(key) != want:
                problems.append(f"{key} {body.get(key)!r}")
        if body.get("distribution", {}).get("feedDistribution") != "MAIN_FEED":
            problems.append("distribution.feedDistribution must be MAIN_FEED")
        article = body.get("content", {}).get("article", {})
        if not {"source", "title"} <= set(article):
            problems.append(f"content.article needs source and title: {article!r}")
        if "thumbnail" in article and not article["thumbnail"].startswith("urn:li:image:"):
            problems.append("thumbnail must be an image URN")
        if not isinstance(body.get("commentary"), str):
            problems.append("commentary missing")
        if problems:
            return self.reject("; ".join(problems), 422, {"status": 422, "message": "; ".join(problems)})
        if (forced := self.forced(request)) is not None:
            return forced
        self.slow()
        for post in self.posts:
            if (post["commentary"], post["source"], post["thumbnail"]) == (
                    body["commentary"], article["source"], article.get("thumbnail")):
                return reply(
                    422, DUPLICATE_TEMPLATE.format(urn=post["urn"]), {"Content-Type": "application/json"}
                )
        urn = f"urn:li:share:{7300000000000000000 + len(self.posts) + 1}"
        self.posts.append(
            {"urn": urn, "commentary": body["commentary"], "source": article["source"],
             "thumbnail": article.get("thumbnail"), "body": body}
        )
        return reply(201, "", {"x-restli-id": urn, "x-linkedin-id": urn})

    def init_upload(self, request: Request):
        if (bad := self._headers(request)) is not None:
            return bad
        if request.args.get("action") != "initializeUpload":
            return self.reject("images call without ?action=initializeUpload")
        if request.get_json().get("initializeUploadRequest", {}).get("owner") != self.author:
            return self.reject("image owner is not the author")
        number = len(self.issued) + 1
        urn = "urn:li:image:C4E10AQFakeImage" + ("" if number == 1 else str(number))
        self.issued.append(urn)
        return reply(
            200,
            {
                "value": {
                    "uploadUrlExpiresAt": 1,
                    "uploadUrl": self.url + f"/upload/image-{number}",
                    "image": urn,
                }
            },
        )

    def read(self, request: Request):
        if (bad := self._headers(request)) is not None:
            return bad
        urn = unquote(request.path.removeprefix("/rest/posts/"))
        self.reads.append(urn)
        post = next((p for p in self.posts if p["urn"] == urn), None)
        if post is None or urn in self.deleted:
            return reply(404, {"status": 404, "code": "NOT_FOUND", "message": f"Not found: {urn}"})
        return reply(200, {"id": urn, **post["body"]})

    def upload(self, request: Request):
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return reply(401, {"message": "unauthorised upload"})
        self.images.append(request.get_data())
        return reply(201, "")
