"""Where an internal post's Slack/Teams message points: the internal edition, or nowhere.

An `Audience: internal` post is never on the public site, so a link to SITEURL is a 404 for every
employee who clicks. With INTERNAL_SITEURL set (publishconf.py or the environment, which wins) the
post's URL and card image are moved to the internal edition (`make build-internal`), keeping the
post's path; without it the URL and image are dropped, and compose sends the post's own text,
fitted to the channel's limit, with no link. Public posts are left exactly as the manifest says.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from plugins.settings import value_of

from .model import Post


def internal_siteurl(settings: Mapping, env: Mapping[str, str]) -> str:
    """INTERNAL_SITEURL from the environment, else the settings; "" when there is no internal site."""
    return (env.get("INTERNAL_SITEURL") or value_of(settings, "INTERNAL_SITEURL")).strip().rstrip("/")


def localise(posts: list[Post], settings: Mapping, env: Mapping[str, str], site_url: str = "") -> list[Post]:
    """`posts` with every internal post's url/image on the internal edition (or "" / None)."""
    internal = internal_siteurl(settings, env)
    public = (site_url or str(settings.get("SITEURL") or "")).rstrip("/")
    return [_moved(post, public, internal) if post.audience == "internal" else post for post in posts]


def _moved(post: Post, public: str, internal: str) -> Post:
    path = post.path or _relative(post.url, public)
    image = _relative(post.image, public) if post.image else None
    return dataclasses.replace(
        post,
        url=f"{internal}/{path}" if internal and path is not None else "",
        # An image on the public site is left out too: the message must never point there.
        image=f"{internal}/{image}" if internal and image is not None else None,
    )


def _relative(url: str | None, site: str) -> str | None:
    """`url`'s path below `site`, or None when it is not on it."""
    if url and site and url.startswith(site + "/"):
        return url[len(site) + 1:]
    return None
