"""Bluesky via atproto: rich text facets, an external link card, and a reused session.

`createSession` is limited to 30 per 5 minutes and 300 a day per account, so we log in with a
session string (BLUESKY_SESSION, or the file a first app-password login wrote) rather than per
run. Bluesky builds no link preview itself: the card (title, description, thumbnail blob) is ours.
There is no idempotency key; reconcile lists the account's recent post records for our link.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from atproto import Client, client_utils, models
from atproto_client.exceptions import (
    AtProtocolError,
    BadRequestError,
    InvokeTimeoutError,
    NetworkError,
    RateLimitExceededError,
    RequestErrorBase,
    UnauthorizedError,
)

from plugins.settings import value_of

from ..ledger import parse_time
from ..model import ChannelError, Item, RateLimited, Receipt, Unsettled
from ..redact import remember
from .local_image import local_image
from .registry import CHANNELS

SPEC = CHANNELS["bluesky"]
LABEL, ENV = SPEC.label, SPEC.env
RECENT = 30


def configured(env: dict, settings: dict | None = None) -> bool:
    return bool(env.get("BLUESKY_HANDLE") and (env.get("BLUESKY_SESSION") or env.get("BLUESKY_APP_PASSWORD")))


def session_file(settings: dict, handle: str) -> Path:
    """Where a session from an app-password login is kept: outside the repo, never committed."""
    chosen = value_of(settings, "BLUESKY_SESSION_FILE")  # None when "" (the default)
    if chosen is not None:
        return chosen
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return state / "lectern" / f"bluesky-{handle}.session"


def web_url(handle: str, at_uri: str) -> str:
    return f"https://bsky.app/profile/{handle}/post/{at_uri.rsplit('/', 1)[-1]}"


class Bluesky:
    spec = SPEC

    def __init__(self, settings: dict, env: dict):
        self.settings = settings
        self.lang = str(settings.get("DEFAULT_LANG") or "en")
        self.handle = env["BLUESKY_HANDLE"]
        self.file = session_file(settings, self.handle)
        self.client = Client(base_url=value_of(settings, "BLUESKY_API_BASE") or None)
        self.client.on_session_change(self._save)
        try:
            self._login(env)
        except AtProtocolError as exc:
            raise ChannelError(f"{LABEL}: login failed ({_why(exc)}) — check BLUESKY_HANDLE and "
                               "BLUESKY_SESSION / BLUESKY_APP_PASSWORD") from None
        self.did = self.client._session.did if self.client._session else None
        self._remember()

    def _remember(self) -> None:
        """The session's JWTs are credentials too: never let an echo write them anywhere."""
        session = self.client._session
        if session is not None:
            remember(session.access_jwt, session.refresh_jwt)

    def _login(self, env: dict) -> None:
        for session in (env.get("BLUESKY_SESSION"), self._stored()):
            if session:
                try:
                    self.client.login(session_string=session, fetch_bsky_profile=False)
                    return
                except (UnauthorizedError, BadRequestError, ValueError):
                    continue  # expired refresh token: fall back to the app password
        if not env.get("BLUESKY_APP_PASSWORD"):
            raise UnauthorizedError()
        self.client.login(self.handle, env["BLUESKY_APP_PASSWORD"], fetch_bsky_profile=False)

    def _stored(self) -> str | None:
        try:
            return self.file.read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def _save(self, event, session) -> None:
        remember(session.access_jwt, session.refresh_jwt)
        self.file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(session.export())

    def embed(self, item: Item):
        card = item.payload["card"]
        thumb = None
        data = local_image(card.get("thumb"), self.settings)
        if data is not None:
            try:
                thumb = self.client.upload_blob(data).blob
            except RateLimitExceededError:
                raise
            except AtProtocolError:
                thumb = None  # a card without a thumbnail beats no post
        return models.AppBskyEmbedExternal.Main(external=models.AppBskyEmbedExternal.External(
            uri=card["uri"], title=card["title"][:300], description=card["description"][:1000], thumb=thumb,
        ))

    def post(self, item: Item) -> Receipt:
        try:
            embed = self.embed(item)
            response = self.client.send_post(bluesky_builder(item.payload["segments"]),
                                             profile_identify=self.did, embed=embed, langs=[self.lang])
        except RateLimitExceededError as exc:
            raise RateLimited(f"{LABEL}: rate limited (HTTP 429)", exc.reset_at) from None
        except (UnauthorizedError, BadRequestError) as exc:
            raise ChannelError(f"{LABEL}: rejected ({_why(exc)})") from None
        except (InvokeTimeoutError, NetworkError) as exc:
            raise ChannelError(f"{LABEL}: {_why(exc)} — it may have been posted", uncertain=True) from None
        except RequestErrorBase as exc:
            code = exc.response.status_code if exc.response is not None else 0
            raise ChannelError(f"{LABEL}: HTTP {code} ({_why(exc)})", uncertain=code >= 500) from None
        return Receipt(response.uri, web_url(self.handle, response.uri))

    def reconcile(self, item: Item) -> Receipt | None:
        since = parse_time(item.since)
        try:
            listing = self.client.com.atproto.repo.list_records(models.ComAtprotoRepoListRecords.Params(
                repo=self.did, collection="app.bsky.feed.post", limit=RECENT,
            ))
        except AtProtocolError as exc:
            raise Unsettled(f"{LABEL}: could not list recent posts ({_why(exc)})") from None
        created = []
        for record in listing.records:
            value = record.value
            if _links_to(value, item.link):
                return Receipt(record.uri, web_url(self.handle, record.uri))
            stamp = parse_time(getattr(value, "created_at", None))
            if stamp:
                created.append(stamp)
        oldest = min(created, default=None)
        if len(listing.records) < RECENT or (since and oldest and oldest < since - timedelta(minutes=5)):
            return None
        raise Unsettled(f"{LABEL}: the pending post is older than the {RECENT} most recent posts")


def bluesky_builder(segments: list[list[str]]) -> client_utils.TextBuilder:
    """The post as an atproto TextBuilder (it carries the text and the link facets) from the
    segments compose stored; compose computes the same facets for the preview and the tests."""
    builder = client_utils.TextBuilder()
    for segment in segments:
        if segment[0] == "link":
            builder.link(segment[1], segment[2])
        else:
            builder.text(segment[1])
    return builder


def _links_to(value, link: str) -> bool:
    embed = getattr(value, "embed", None)
    external = getattr(embed, "external", None)
    if external is not None and getattr(external, "uri", None) == link:
        return True
    for facet in getattr(value, "facets", None) or []:
        for feature in facet.features:
            if getattr(feature, "uri", None) == link:
                return True
    return False


def _why(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text  # clipped only after redaction (publish.redact.error_text)


def connect(settings: dict, env: dict) -> Bluesky:
    return Bluesky(settings, env)

