"""Plain data passed between plan, compose, channels and the CLI (no behaviour, no I/O)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


class ManifestError(RuntimeError):
    """The manifest is missing or not what the syndication plugin writes."""


@dataclass(frozen=True)
class Post:
    slug: str
    url: str
    title: str
    summary: str
    social: dict
    tags: tuple[str, ...]
    category: str | None
    author: str | None
    image: str | None
    audience: str
    channels: tuple[str, ...] | None
    status: str
    date: str
    hash: str
    source_path: str
    confidential: tuple[str, ...] = ()
    placeholders: tuple[str, ...] = ()  # `make new` placeholder sentences still in the source
    path: str = ""  # the post's URL below the site (e.g. posts/2026/slug/)
    text: str = ""  # internal posts: the body as plain text (sent when there is no internal site)

    @classmethod
    def from_json(cls, data: dict) -> Post:
        return cls(
            slug=data["slug"], url=data["url"], title=data.get("title") or data["slug"],
            summary=data.get("summary") or "", social=dict(data.get("social") or {}),
            tags=tuple(data.get("tags") or ()), category=data.get("category"), author=data.get("author"),
            image=data.get("image"), audience=data.get("audience") or "public",
            channels=tuple(data["channels"]) if data.get("channels") is not None else None,
            status=data.get("status") or "published", date=data.get("date") or "",
            hash=data.get("hash") or "", source_path=data.get("source_path") or "",
            confidential=tuple(data.get("confidential") or ()),
            placeholders=tuple(data.get("placeholders") or ()),
            path=data.get("path") or "", text=data.get("text") or "",
        )


@dataclass
class Item:
    """One (post, channel) pair considered by a run, with its composed text and outcome."""

    post: Post
    channel: str
    status: str  # planned | posted | already-posted | edited | held | attention | deferred | ...
    reason: str = ""
    text: str = ""  # composed plain text as it will appear
    link: str = ""  # the shared link (canonical URL + UTM)
    length: int = 0
    limit: int = 0
    payload: dict = field(default_factory=dict)  # channel-specific extras (facets, blocks, card)
    key: str = ""  # idempotency key of this attempt
    since: str | None = None  # for reconcile: time of the pending record
    remote_url: str = ""
    warnings: list[str] = field(default_factory=list)  # brand warnings on `text` (never block)
    #: What the post references, uploaded before the intent is recorded (e.g. LinkedIn's thumbnail
    #: URN); recorded with `pending`, so a re-send is the same request. None: not prepared yet.
    media: dict | None = None
    kind: str = ""  # "" a company post; "amplify" the share-kit message to colleagues (publish.amplify)


@dataclass(frozen=True)
class Receipt:
    remote_id: str
    remote_url: str
    #: True when the network only *accepted* the post for later processing (Teams Workflows answer
    #: 202 before the flow runs): recorded as "accepted", never re-sent, but not known to be posted.
    accepted: bool = False


class ChannelError(Exception):
    """A call failed. `uncertain` means the network may have accepted the post anyway."""

    def __init__(self, message: str, *, uncertain: bool = False):
        super().__init__(message)
        self.uncertain = uncertain


class RateLimited(ChannelError):
    def __init__(self, message: str, reset: datetime | None):
        super().__init__(message)
        self.reset = reset


class Held(ChannelError):
    """The channel would not send this item as composed, and sent nothing (e.g. a card image the
    network cannot carry): recorded `not-sent` with the reason, shown as held, tried next run."""


class ReadFailed(ChannelError):
    """Reconcile could not read the network *for now* (rate limit, network error, timeout, 5xx).

    Not an answer: the pair stays open and the next run reads again. Only `Unsettled` (the
    network answered, and the answer cannot tell) makes a pair "needs attention".
    """


class Unsettled(Exception):
    """Reconcile read the network and still cannot tell whether a pending post went out (the post
    is older than what can be read, the account's API tier cannot read timelines, a webhook)."""


def load_manifest(path: str | Path, settings: dict | None = None,
                  settings_file: str | Path = "") -> tuple[str, list[Post]]:
    """Return (site_url, posts) from the manifest written by plugins/syndication; with `settings`,
    refuse (ManifestError) a manifest that another configuration built (`publish.buildinfo`)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(
            f"no manifest at {path} — build the site first (`make build-prod`) with the "
            "syndication plugin enabled"
        ) from None
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{path} is not valid JSON ({exc}) — rebuild with `make build-prod`") from None
    if settings is not None:
        from .buildinfo import mismatch

        problem = mismatch(data.get("build") if isinstance(data, dict) else None, settings,
                           _shown(path), settings_file)
        if problem:
            raise ManifestError(problem)
    try:
        return data.get("site_url", ""), [Post.from_json(p) for p in data["posts"]]
    except (KeyError, TypeError, AttributeError) as exc:
        raise ManifestError(f"{path} is not a Lectern manifest (missing {exc}) — rebuild it") from None


def _shown(path: Path) -> str:
    """The manifest's path as the operator typed it: relative to the working directory when inside."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
