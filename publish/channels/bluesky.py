"""Bluesky via atproto: rich text facets, an external link card, and a session that lasts.

`createSession` is limited to 30 per 5 minutes and 300 a day per account, so a run reuses the
newest session it has. The PDS rotates refresh tokens: an access token lives 2 hours, a refresh
token 90 days, and a refresh token that has been used dies 2 hours later (bluesky-social/atproto
packages/pds/src/account-manager/helpers/auth.ts, `REFRESH_GRACE_MS`). So every refresh is
written to the session file at once (`on_session_change`, events CREATE and REFRESH — an IMPORT is
not news), and the sources are tried newest first: the session file, then `BLUESKY_SESSION` (a
seed, dead 2 hours after its first refresh), then the app password — the fallback says so.
`login(session_string=…)` sends no request, so each session is *verified* with a real call
(`getSession`, which refreshes an expired access token first) before it is trusted.

In CI the file lives in a cache between runs; with `BLUESKY_SESSION_KEY` set it is encrypted
(Fernet, `cryptography`), so a cache that others can restore never holds a usable token.

Bluesky builds no link preview itself: the card (title, description, thumbnail blob) is ours, and
a card whose image cannot be sent is held with the reason, never posted without its thumbnail.
There is no idempotency key; reconcile lists the account's recent post records for our link.
"""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import timedelta
from pathlib import Path

from atproto import Client, SessionEvent, client_utils, models
from atproto_client.exceptions import (
    AtProtocolError,
    BadRequestError,
    InvokeTimeoutError,
    NetworkError,
    RateLimitExceededError,
    RequestErrorBase,
    UnauthorizedError,
)
from atproto_client.request import Request

from plugins.settings import value_of

from ..ledger import parse_time
from ..model import ChannelError, Held, Item, RateLimited, ReadFailed, Receipt, Unsettled
from ..redact import remember
from ..settings import state_file, timeout
from .local_image import card_image
from .registry import CHANNELS

SPEC = CHANNELS["bluesky"]
LABEL, ENV = SPEC.label, SPEC.env
RECENT = 30
TRANSIENT = (RateLimitExceededError, NetworkError, InvokeTimeoutError)


def configured(env: dict, settings: dict | None = None) -> bool:
    return bool(env.get("BLUESKY_HANDLE") and (env.get("BLUESKY_SESSION") or env.get("BLUESKY_APP_PASSWORD")))


def session_file(settings: dict, handle: str) -> Path:
    """Where the newest session is kept: outside the repo, never committed."""
    return state_file(settings, "BLUESKY_SESSION_FILE", f"bluesky-{handle}.session")


def web_url(handle: str, at_uri: str) -> str:
    return f"https://bsky.app/profile/{handle}/post/{at_uri.rsplit('/', 1)[-1]}"


class SessionStore:
    """The session file: written 0600 on every new session; encrypted when a key is given."""

    def __init__(self, path: Path, key: str | None):
        self.path = path
        self.fernet = None
        if key:
            from cryptography.fernet import Fernet

            self.fernet = Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode("utf-8")).digest()))

    def read(self) -> tuple[str | None, str]:
        """(session string, "") or (None, why it cannot be used — "" when there is no file)."""
        try:
            raw = self.path.read_bytes().strip()
        except OSError:
            return None, ""
        if not raw:
            return None, ""
        if self.fernet is None:
            return raw.decode("utf-8", "replace"), ""
        from cryptography.fernet import InvalidToken

        try:
            return self.fernet.decrypt(raw).decode("utf-8"), ""
        except InvalidToken:
            return None, "the session file was not encrypted with this BLUESKY_SESSION_KEY"

    def write(self, session: str) -> None:
        data = session.encode("utf-8")
        if self.fernet is not None:
            data = self.fernet.encrypt(data)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, self.path)  # never a half-written session, even if killed here


class Bluesky:
    spec = SPEC

    def __init__(self, settings: dict, env: dict):
        self.settings = settings
        self.lang = str(settings.get("DEFAULT_LANG") or "en")
        self.handle = env["BLUESKY_HANDLE"]
        self.store = SessionStore(session_file(settings, self.handle), env.get("BLUESKY_SESSION_KEY"))
        #: What the operator should know (printed by the CLI, shown on the preview).
        self.notes: list[str] = []
        self.client = Client(base_url=value_of(settings, "BLUESKY_API_BASE") or None,
                             request=Request(timeout=timeout(settings)))
        self.client.on_session_change(self._save)
        try:
            self._login(env)
        except ChannelError:
            raise
        except AtProtocolError as exc:
            raise ChannelError(f"{LABEL}: login failed ({_why(exc)}) — check BLUESKY_HANDLE and "
                               "BLUESKY_SESSION / BLUESKY_APP_PASSWORD") from None
        self.did = self.client._session.did if self.client._session else None

    def _login(self, env: dict) -> None:
        stored, unreadable = self.store.read()
        dead = [unreadable] if unreadable else []
        for name, session in (("the session file", stored), ("BLUESKY_SESSION", env.get("BLUESKY_SESSION"))):
            if not session:
                continue
            try:
                self.client.login(session_string=session, fetch_bsky_profile=False)  # sends nothing
                self._remember()
                self.client.com.atproto.server.get_session()  # a real call; refreshes first if due
                return
            except (UnauthorizedError, BadRequestError) as exc:  # expired, revoked, rotated away
                dead.append(f"{name}: {_why(exc)}")
            except ValueError:
                dead.append(f"{name}: not a session string")
        if not env.get("BLUESKY_APP_PASSWORD"):
            if dead:
                raise ChannelError(f"{LABEL}: the saved session no longer works ({'; '.join(dead)}) and "
                                   "BLUESKY_APP_PASSWORD is not set — set it (the new session is then "
                                   "saved) or export a fresh BLUESKY_SESSION")
            raise UnauthorizedError()
        self.client.login(self.handle, env["BLUESKY_APP_PASSWORD"], fetch_bsky_profile=False)
        if dead:
            self.notes.append(f"{LABEL}: the saved session no longer works ({'; '.join(dead)}); logged in "
                              "with BLUESKY_APP_PASSWORD and saved the new session")

    def _remember(self) -> None:
        """The session's JWTs are credentials too: never let an echo write them anywhere."""
        session = self.client._session
        if session is not None:
            remember(session.access_jwt, session.refresh_jwt)

    def _save(self, event, session) -> None:
        remember(session.access_jwt, session.refresh_jwt)
        if event in (SessionEvent.CREATE, SessionEvent.REFRESH):  # an import is not newer than its source
            self.store.write(session.export())

    def embed(self, item: Item):
        """The link card; its thumbnail uploaded first. Nothing is posted when it cannot be."""
        card = item.payload["card"]
        thumb = None
        data, why = card_image(card.get("thumb"), self.settings)
        if why:
            raise Held(f"{LABEL}: {why}; nothing was posted (a card without its image is not sent)")
        if data is not None:
            try:
                thumb = self.client.upload_blob(data).blob
            except RateLimitExceededError as exc:
                raise RateLimited(f"{LABEL}: rate limited (HTTP 429)", exc.reset_at) from None
            except AtProtocolError as exc:
                raise ChannelError(f"{LABEL}: the card image could not be uploaded ({_why(exc)}); "
                                   "nothing was posted") from None
        return models.AppBskyEmbedExternal.Main(external=models.AppBskyEmbedExternal.External(
            uri=card["uri"], title=card["title"][:300], description=card["description"][:1000], thumb=thumb,
        ))

    def post(self, item: Item) -> Receipt:
        embed = self.embed(item)
        try:
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
        except RateLimitExceededError as exc:
            raise RateLimited(f"{LABEL}: reading recent posts is rate limited; checked again next run",
                              exc.reset_at) from None
        except TRANSIENT as exc:
            raise ReadFailed(f"{LABEL}: could not list recent posts for now ({_why(exc)}); "
                             "checked again next run") from None
        except RequestErrorBase as exc:
            if exc.response is not None and exc.response.status_code >= 500:
                raise ReadFailed(f"{LABEL}: could not list recent posts for now (HTTP "
                                 f"{exc.response.status_code}); checked again next run") from None
            raise Unsettled(f"{LABEL}: could not list recent posts ({_why(exc)})") from None
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
        # listRecords reads the repo directly: a page shorter than asked is the end of it.
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
    """The XRPC error name and message (e.g. "ExpiredToken: Token has expired"); clipped only
    after redaction (publish.redact.error_text)."""
    content = getattr(getattr(exc, "response", None), "content", None)
    error, message = getattr(content, "error", None), getattr(content, "message", None)
    if error or message:
        return ": ".join(str(x) for x in (error, message) if x)
    return str(exc) or type(exc).__name__


def connect(settings: dict, env: dict) -> Bluesky:
    return Bluesky(settings, env)
