"""Shared machinery for the fake APIs."""

from __future__ import annotations

import base64
import json
import re
import textwrap
import threading
from collections.abc import Callable
from urllib.parse import quote, quote_plus

from werkzeug import Request, Response

#: `fail_next(ECHO)`: answer 400 repeating what was sent, as careless servers do (issue 9 point 8).
ECHO = "echo"


def _lower_hex(text: str) -> str:
    return re.sub(r"%[0-9A-F]{2}", lambda m: m[0].lower(), quote(text, safe=" "))


#: `fail_next(f"{ECHO}:{name}")`: the same echo, changed the way servers and proxies change what
#: they repeat (issue: secret redaction variants): each function turns the echoed text into its form.
ECHO_FORMS: dict[str, Callable[[str], str]] = {
    "upper": str.upper,
    "lower": str.lower,
    "lower-hex": _lower_hex,
    "form": quote_plus,
    "twice": lambda text: quote(quote(text, safe=" "), safe=" "),
    "plus-as-space": lambda text: text.replace("+", " "),
    "html-safe-json": lambda text: json.dumps(text)[1:-1].replace("&", "\\u0026").replace("=", "\\u003d"),
    "html-refs": lambda text: "".join(c if c.isalnum() or c == " " else f"&#{ord(c)};" for c in text),
    "wrapped": lambda text: "\n".join(textwrap.wrap(text, 40, break_long_words=True, break_on_hyphens=False)),
    "base64": lambda text: base64.b64encode(text.encode()).decode(),
}


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
        if kind.startswith(ECHO + ":"):
            return echo(request, form=ECHO_FORMS[kind.partition(":")[2]])
        status, body, headers = self.FAILURES[kind]
        return reply(status, body, {key: value() if callable(value) else value
                                    for key, value in headers.items()})

    def reject(self, message: str, status: int = 400, body=None) -> Response:
        self.errors.append(message)
        return reply(status, body if body is not None else {"error": message})

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")


def echo(request: Request, status: int = 400, form: Callable[[str], str] | None = None) -> Response:
    """A 400 that repeats the request — path, query, Authorization header and body — raw, URL-encoded
    and JSON-escaped (`\\/`), in every field a client library reads an error message from; with
    `form`, everything it repeats is changed by it first (upper-cased, wrapped, base64…)."""
    said = (f"{request.method} {request.full_path} Authorization: {request.headers.get('Authorization', '')} "
            f"body: {request.get_data(as_text=True)}")
    if form is not None:
        said = form(said)
        fields = {"error": said, "message": said, "detail": said, "title": "Bad Request",
                  "errors": [{"message": said}], "url": form(request.url)}
        return Response(json.dumps(fields), status=status, content_type="application/json")
    fields = {"error": said, "message": said, "detail": said, "title": "Bad Request",
              "errors": [{"message": said}], "url": request.url, "encoded": quote(request.url, safe="")}
    body = json.dumps(fields)[:-1] + ', "escaped": "' + request.url.replace("/", "\\/") + '"}'
    return Response(body, status=status, content_type="application/json")
