"""Wait until new pages answer 200 before their links are shared (SYNDICATION_REQUIRE_LIVE).

Why wait at all: `make publish` deploys and then shares; a CDN or an rsync mirror may take a
while before the new page is served, and a link shared before that is a 404 for the first readers.
Why a bound: a page that never comes up must not hold the run (and the other posts) for ever;
it is reported "not live yet, will retry next run" and nothing is recorded for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import requests

#: Sent with every check, so `make report` can leave Lectern's own requests out of the visits
#: (publish/report/referrals.py matches the product token before the slash).
USER_AGENT = "Lectern-LiveCheck/1.0 (checks that a page is live before it is shared)"


def is_live(url: str, timeout: float) -> tuple[bool, str]:
    """One check: the canonical URL answers 200 (after redirects)."""
    try:
        response = requests.get(url, timeout=timeout, allow_redirects=True,
                                headers={"User-Agent": USER_AGENT})
    except requests.RequestException as exc:
        return False, type(exc).__name__
    return response.status_code == 200, f"HTTP {response.status_code}"


def wait_all(urls: Iterable[str], *, timeout: float, interval: float, request_timeout: float,
             check: Callable[[str, float], tuple[bool, str]] = is_live,
             clock: Callable[[], float] = time.monotonic,
             sleep: Callable[[float], None] = time.sleep) -> dict[str, tuple[bool, str]]:
    """Check every URL in rounds until all answer 200 or `timeout` seconds have passed.

    Every URL is checked at least once; a URL that answered 200 is not checked again. Returns
    url → (live, last answer).
    """
    pending = list(dict.fromkeys(urls))
    result: dict[str, tuple[bool, str]] = {}
    deadline = clock() + timeout
    while pending:
        for url in pending:
            result[url] = check(url, min(request_timeout, max(1.0, deadline - clock())))
        pending = [url for url in pending if not result[url][0]]
        if not pending or clock() + interval > deadline:
            break
        sleep(interval)
    return result
