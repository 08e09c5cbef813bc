"""LinkedIn Posts API (`POST /rest/posts`) through a small `requests` client.

Why our own client: the official `linkedin-api-client` is an unmaintained beta that hard-codes the
host. LinkedIn does not scrape link previews for API posts, so we send the article card (source,
title, description, optional thumbnail uploaded through the Images API). LinkedIn rejects a repeat
with `422 DUPLICATE_POST` naming the existing post's URN — reconcile relies on that answer.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import requests

from ..model import ChannelError, Item, RateLimited, Receipt
from ..settings import timeout
from . import http
from .local_image import local_image
from .registry import CHANNELS

SPEC = CHANNELS["linkedin"]
LABEL, ENV = SPEC.label, SPEC.env
_URN = re.compile(r"urn:li:(?:share|ugcPost|activity):\d+")


def configured(env: dict, settings: dict | None = None) -> bool:
    return all(env.get(name) for name in ENV)


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
        body = self.body(item, self.upload_thumbnail(item))
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
            return Receipt(duplicate, post_url(duplicate))
        if response.status_code == 429:
            # Member and application quotas reset at midnight UTC.
            midnight = (datetime.now(UTC) + timedelta(days=1)).replace(hour=0, minute=0, second=0,
                                                                        microsecond=0)
            raise RateLimited(f"{LABEL}: daily quota reached (HTTP 429)",
                              http.retry_after(response) or midnight)
        raise http.status_error(response, LABEL, self.message(response))

    def reconcile(self, item: Item) -> Receipt | None:
        """Send again: a new post if the first never arrived, or LinkedIn names the existing one."""
        return self.post(item)

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
