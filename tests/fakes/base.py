"""Shared machinery for the fake APIs."""

from __future__ import annotations

import json
import threading
from urllib.parse import quote

from werkzeug import Request, Response

#: `fail_next(ECHO)`: answer 400 repeating what was sent, as careless servers do (issue 9 point 8).
ECHO = "echo"


def reply(status: int, body=None, headers: dict | None = None) -> Response:
    if body is None:
        return Response("", status=status, headers=headers or {})
    if isinstance(body, str):
        return Response(body, status=status, headers=headers or {}, content_type="text/plain")
    return Response(json.dumps(body), status=status, headers=headers or {}, content_type="application/json")


class Fake:
    """A fake API: `errors` lists every request a real API would have rejected (tests assert it's empty)."""

    #: name → (status, body, headers) for forced failures, e.g. {"429": ...}; a header value may be a
    #: callable, read when the error is served (a rate-limit reset is "an hour from now", not from import)
    FAILURES: dict = {}

    def __init__(self, httpserver):
        self.server = httpserver
        self.errors: list[str] = []
        self.queued: list[str] = []
        self.calls: list[Request] = []
        #: Seconds every posting call takes before it is answered (a slow server: timeouts);
        #: `release` ends the wait early (a test's cleanup, so the next test finds the server free).
        self.delay = 0.0
        self.release = threading.Event()

    def slow(self) -> None:
        if self.delay:
            self.release.wait(self.delay)

    def fail_next(self, *kinds: str) -> None:
        """Answer the next posting calls with these real error responses (e.g. "429", "500")."""
        self.queued.extend(kinds)

    def forced(self, request: Request | None = None) -> Response | None:
        if not self.queued:
            return None
        kind = self.queued.pop(0)
        if kind == ECHO:
            return echo(request)
        status, body, headers = self.FAILURES[kind]
        return reply(status, body, {key: value() if callable(value) else value
                                    for key, value in headers.items()})

    def reject(self, message: str, status: int = 400, body=None) -> Response:
        self.errors.append(message)
        return reply(status, body if body is not None else {"error": message})

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")


def echo(request: Request, status: int = 400) -> Response:
    """A 400 that repeats the request — path, query, Authorization header and body — raw, URL-encoded
    and JSON-escaped (`\\/`), in every field a client library reads an error message from."""
    said = (f"{request.method} {request.full_path} Authorization: {request.headers.get('Authorization', '')} "
            f"body: {request.get_data(as_text=True)}")
    fields = {"error": said, "message": said, "detail": said, "title": "Bad Request",
              "errors": [{"message": said}], "url": request.url, "encoded": quote(request.url, safe="")}
    body = json.dumps(fields)[:-1] + ', "escaped": "' + request.url.replace("/", "\\/") + '"}'
    return Response(body, status=status, content_type="application/json")
