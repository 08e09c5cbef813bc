"""Shared machinery for the fake APIs."""

from __future__ import annotations

import json

from werkzeug import Request, Response


def reply(status: int, body=None, headers: dict | None = None) -> Response:
    if body is None:
        return Response("", status=status, headers=headers or {})
    if isinstance(body, str):
        return Response(body, status=status, headers=headers or {}, content_type="text/plain")
    return Response(json.dumps(body), status=status, headers=headers or {}, content_type="application/json")


class Fake:
    """A fake API: `errors` lists every request a real API would have rejected (tests assert it's empty)."""

    #: name → (status, body, headers) for forced failures, e.g. {"429": ...}
    FAILURES: dict = {}

    def __init__(self, httpserver):
        self.server = httpserver
        self.errors: list[str] = []
        self.queued: list[str] = []
        self.calls: list[Request] = []

    def fail_next(self, *kinds: str) -> None:
        """Answer the next posting calls with these real error responses (e.g. "429", "500")."""
        self.queued.extend(kinds)

    def forced(self) -> Response | None:
        if not self.queued:
            return None
        status, body, headers = self.FAILURES[self.queued.pop(0)]
        return reply(status, body, headers)

    def reject(self, message: str, status: int = 400, body=None) -> Response:
        self.errors.append(message)
        return reply(status, body if body is not None else {"error": message})

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")
