"""LinkedIn Posts API (`POST /rest/posts`) through a small `requests` client.

Why our own client: the official `linkedin-api-client` is an unmaintained beta that hard-codes the
host. LinkedIn does not scrape link previews for API posts, so we send the article card (source,
title, description, optional thumbnail uploaded through the Images API).

Reconcile sends again and relies on LinkedIn's (undocumented) duplicate check: a repeat is
refused with `422 DUPLICATE_POST` naming the existing post's URN. For that check to see a repeat,
the re-send must be the same body: the thumbnail is uploaded once, *before* the intent is recorded
(`prepare`), and its URN is kept with the pending record and reused. A duplicate answer may name
a post that was since deleted, so the URN is read back (`GET /rest/posts/{urn}`) before it becomes
the receipt.

LinkedIn retires each monthly `LinkedIn-Version` about a year after release (426
`NONEXISTENT_VERSION`; "Versioning" in LinkedIn's Marketing API docs on learn.microsoft.com), so a
version older than ten months is a warning on every run, naming the version to move to.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

import requests

from plugins.settings import value_of

from ..model import ChannelError, Item, RateLimited, ReadFailed, Receipt, Unsettled
from ..settings import timeout
from . import http
from .local_image import local_image
from .registry import CHANNELS

SPEC = CHANNELS["linkedin"]
LABEL, ENV = SPEC.label, SPEC.env
_URN = re.compile(r"urn:li:(?:share|ugcPost|activity):\d+")
_VERSION = re.compile(r"(\d{4})(\d{2})(?:\.\d{2})?")
WARN_AFTER_MONTHS = 10  # LinkedIn supports a version for about twelve


def configured(env: dict, settings: dict | None = None) -> bool:
    return all(env.get(name) for name in ENV)


def version_age(version: str, today: date) -> int | None:
    """Whole months between a `YYYYMM` (or `YYYYMM.RR`) version and `today`; None if not a version."""
    match = _VERSION.fullmatch(str(version).strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return (today.year - int(match.group(1))) * 12 + today.month - int(match.group(2))


def suggested_version(today: date) -> str:
    """The version to move to: last month's (a month's version is out by the time one reads this)."""
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year}{month:02d}"


def warnings(settings: dict, env: dict | None = None, today: date | None = None) -> list[str]:
    """LINKEDIN_VERSION older than ten months (or not a version at all): said on every run."""
    today = today or datetime.now(UTC).date()
    version = value_of(settings, "LINKEDIN_VERSION")
    age = version_age(version, today)
    use = suggested_version(today)
    if age is None:
        return [f"{LABEL}: LINKEDIN_VERSION {version!r} is not a YYYYMM version — set LINKEDIN_VERSION = "
                f"\"{use}\" in publishconf.py"]
    if age > WARN_AFTER_MONTHS:
        return [f"{LABEL}: LINKEDIN_VERSION {version} is {age} months old; LinkedIn retires versions after "
                f"about a year (then every call fails with 426 NONEXISTENT_VERSION) — set LINKEDIN_VERSION "
                f"= \"{use}\" in publishconf.py after checking LinkedIn's changelog"]
    return []


def post_url(urn: str) -> str:
    return f"https://www.linkedin.com/feed/update/{urn}/"


class LinkedIn:
    spec = SPEC

    def __init__(self, settings: dict, env: dict):
        self.base = settings["LINKEDIN_API_BASE"].rstrip("/")
        self.author = env["LINKEDIN_AUTHOR_URN"]
        self.settings = settings
        self.session = http.session(timeout(settings))
        self.session.headers.update({
            "Authorization": f"Bearer {env['LINKEDIN_ACCESS_TOKEN']}",
            "LinkedIn-Version": settings["LINKEDIN_VERSION"],
            "X-Restli-Protocol-Version": "2.0.0",
        })

    def body(self, item: Item, thumbnail: str | None) -> dict:
        article = dict(item.payload["article"])
        if thumbnail:
            article["thumbnail"] = thumbnail
        return {
            "author": self.author,
            "commentary": item.payload["commentary"],
            "visibility": "PUBLIC",
            "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                             "thirdPartyDistributionChannels": []},
            "content": {"article": article},
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }

    def prepare(self, item: Item) -> dict:
        """Upload the thumbnail before the intent is recorded; its URN is kept with it."""
        thumbnail = self.upload_thumbnail(item)
        return {"thumbnail": thumbnail} if thumbnail else {}

    def upload_thumbnail(self, item: Item) -> str | None:
        """Upload the card image (Images API); a failure only costs the thumbnail, never the post."""
        data = local_image(item.payload.get("thumb"), self.settings)
        if data is None:
            return None
        try:
            init = self.session.post(f"{self.base}/images", params={"action": "initializeUpload"},
                                     json={"initializeUploadRequest": {"owner": self.author}})
            if init.status_code != 200:
                return None
            value = init.json()["value"]
            put = self.session.put(value["uploadUrl"], data=data,
                                   headers={"Content-Type": "application/octet-stream"})
            return value["image"] if put.status_code in (200, 201) else None
        except (requests.RequestException, ValueError, KeyError):
            return None

    def post(self, item: Item) -> Receipt:
        try:
            return self._send(item)
        except (Unsettled, ReadFailed) as why:  # a duplicate we could not confirm: it may be out
            raise ChannelError(str(why), uncertain=True) from None

    def _send(self, item: Item) -> Receipt:
        media = item.media if item.media is not None else self.prepare(item)
        body = self.body(item, media.get("thumbnail"))
        try:
            response = self.session.post(f"{self.base}/posts", json=body)
        except requests.RequestException as exc:
            raise http.transport_error(exc, LABEL) from None
        if response.status_code == 201:
            urn = response.headers.get("x-restli-id") or response.headers.get("x-linkedin-id")
            if not urn:
                raise ChannelError(f"{LABEL}: 201 without x-restli-id — it was posted, id unknown",
                                   uncertain=True)
            return Receipt(urn, post_url(urn))
        duplicate = self.duplicate_of(response)
        if duplicate:
            return self.verified(duplicate)
        if response.status_code == 429:
            # Member and application quotas reset at midnight UTC.
            midnight = (datetime.now(UTC) + timedelta(days=1)).replace(hour=0, minute=0, second=0,
                                                                        microsecond=0)
            raise RateLimited(f"{LABEL}: daily quota reached (HTTP 429)",
                              http.retry_after(response) or midnight)
        if response.status_code == 426:
            raise ChannelError(f"{LABEL}: HTTP 426 {self.message(response)} — LinkedIn no longer serves "
                               f"LINKEDIN_VERSION {self.session.headers['LinkedIn-Version']}; set it to "
                               f"\"{suggested_version(datetime.now(UTC).date())}\"")
        raise http.status_error(response, LABEL, self.message(response))

    def verified(self, urn: str) -> Receipt:
        """The post a duplicate answer names, once a read shows it still exists."""
        try:
            response = self.session.get(f"{self.base}/posts/{quote(urn, safe='')}")
        except requests.RequestException as exc:
            raise ReadFailed(f"{LABEL}: refused as a duplicate of {urn}, which could not be read for now "
                             f"({type(exc).__name__}) — checked again next run") from None
        if response.status_code == 200:
            return Receipt(urn, post_url(urn))
        if response.status_code in (404, 410):
            raise Unsettled(f"{LABEL}: refused as a duplicate of {urn}, which no longer exists (HTTP "
                            f"{response.status_code}: deleted?) — check the page, then use --retry-attention")
        if response.status_code == 429 or response.status_code >= 500:
            raise ReadFailed(f"{LABEL}: refused as a duplicate of {urn}, which could not be read for now "
                             f"(HTTP {response.status_code}) — checked again next run")
        raise Unsettled(f"{LABEL}: refused as a duplicate of {urn}, which could not be read (HTTP "
                        f"{response.status_code} {self.message(response)})")

    def reconcile(self, item: Item) -> Receipt | None:
        """Send again — the same body, thumbnail URN included: a new post if the first never
        arrived, or LinkedIn names the existing one (read back before it is believed)."""
        return self._send(item)

    @staticmethod
    def duplicate_of(response: requests.Response) -> str | None:
        if response.status_code != 422 or "DUPLICATE_POST" not in response.text:
            return None
        match = _URN.search(response.text)
        return match.group(0) if match else None

    @staticmethod
    def message(response: requests.Response) -> str:
        try:
            return str(response.json().get("message", ""))
        except ValueError:
            return response.text


def connect(settings: dict, env: dict) -> LinkedIn:
    return LinkedIn(settings, env)
