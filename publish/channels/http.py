"""Small helpers shared by the channel modules that speak plain HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import requests
from requests.adapters import HTTPAdapter

from ..model import ChannelError, RateLimited


class TimeoutAdapter(HTTPAdapter):
    """Give every request a timeout: a publish step must never hang on a silent network."""

    def __init__(self, timeout: float, **kwargs):
        self.timeout = timeout
        super().__init__(**kwargs)

    def send(self, request, **kwargs):
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


def session(timeout: float) -> requests.Session:
    s = requests.Session()
    adapter = TimeoutAdapter(timeout)
    s.mount("https://", adapter)
    s.mount("http://", adapter)
    return default_timeout(s, timeout)


def default_timeout(s: requests.Session, timeout: float) -> requests.Session:
    """Give every request of `s` a timeout whatever adapter serves it (an SDK's own session, such
    as tweepy's `Client.session`, may have other adapters mounted on more specific prefixes)."""
    request = s.request

    def timed(method, url, **kwargs):
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = timeout
        return request(method, url, **kwargs)

    s.request = timed  # an instance attribute: the SDK keeps its session object
    return s


def retry_after(response: requests.Response) -> datetime | None:
    """The reset time from `Retry-After` (seconds) or an `*-reset` epoch header."""
    value = response.headers.get("Retry-After")
    if value and value.strip().isdigit():
        return datetime.now(UTC) + timedelta(seconds=int(value))
    for header in ("x-rate-limit-reset", "X-RateLimit-Reset", "ratelimit-reset"):
        raw = response.headers.get(header)
        if raw and raw.strip().isdigit():
            return datetime.fromtimestamp(int(raw), tz=UTC)
    return None


def transport_error(exc: requests.RequestException, what: str) -> ChannelError:
    """Map a requests failure without echoing its text (it may contain a secret webhook URL)."""
    if isinstance(exc, requests.ConnectTimeout | requests.exceptions.InvalidURL):
        return ChannelError(f"{what}: could not connect ({type(exc).__name__}); nothing was sent")
    if isinstance(exc, requests.ConnectionError) and "Connection refused" in str(exc):
        return ChannelError(f"{what}: connection refused; nothing was sent")
    return ChannelError(f"{what}: {type(exc).__name__} after sending — it may have been posted",
                        uncertain=True)


def status_error(response: requests.Response, what: str, detail: str = "") -> ChannelError:
    """Map an HTTP error status: 429 defers, 5xx is uncertain, other 4xx are definite."""
    code = response.status_code
    detail = detail or response.text.strip()  # clipped after redaction, never before
    if code == 429:
        return RateLimited(f"{what}: rate limited (HTTP 429)", retry_after(response))
    if code >= 500:
        return ChannelError(f"{what}: server error HTTP {code} {detail} — it may have been posted",
                            uncertain=True)
    return ChannelError(f"{what}: HTTP {code} {detail}".strip())
