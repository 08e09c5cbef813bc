"""Fake LinkedIn REST API: POST /rest/posts (versioned, Rest.li 2.0), Images API upload."""

from __future__ import annotations

from werkzeug import Request

from .base import Fake, reply

DUPLICATE_TEMPLATE = (
    '{{"errorDetailType":"com.linkedin.common.error.BadRequest","message":"com.linkedin.content.common.'
    'exception.BadRequestResponseException: Content is a duplicate of {urn}","errorDetails":{{"inputErrors":'
    '[{{"description":"Duplicate post is detected","input":{{}},"code":"DUPLICATE_POST"}}]}},"status":422}}'
)


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
        httpserver.expect_request("/rest/posts", method="POST").respond_with_handler(self.create)
        httpserver.expect_request("/rest/images", method="POST").respond_with_handler(self.init_upload)
        httpserver.expect_request("/upload/image-1", method="PUT").respond_with_handler(self.upload)

    def _headers(self, request: Request):
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return reply(*self.FAILURES["401"])
        if request.headers.get("LinkedIn-Version") != self.version:
            return self.reject(f"LinkedIn-Version {request.headers.get('LinkedIn-Version')!r}", 426)
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
        for post in self.posts:
            if post["commentary"] == body["commentary"] and post["source"] == article["source"]:
                return reply(
                    422, DUPLICATE_TEMPLATE.format(urn=post["urn"]), {"Content-Type": "application/json"}
                )
        urn = f"urn:li:share:{7300000000000000000 + len(self.posts) + 1}"
        self.posts.append(
            {"urn": urn, "commentary": body["commentary"], "source": article["source"], "body": body}
        )
        return reply(201, "", {"x-restli-id": urn, "x-linkedin-id": urn})

    def init_upload(self, request: Request):
        if (bad := self._headers(request)) is not None:
            return bad
        if request.args.get("action") != "initializeUpload":
            return self.reject("images call without ?action=initializeUpload")
        if request.get_json().get("initializeUploadRequest", {}).get("owner") != self.author:
            return self.reject("image owner is not the author")
        return reply(
            200,
            {
                "value": {
                    "uploadUrlExpiresAt": 1,
                    "uploadUrl": self.url + "/upload/image-1",
                    "image": "urn:li:image:C4E10AQFakeImage",
                }
            },
        )

    def upload(self, request: Request):
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return reply(401, {"message": "unauthorised upload"})
        self.images.append(request.get_data())
        return reply(201, "")
