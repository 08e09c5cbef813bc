"""One adapter per network behind one small interface (the planner and ledger know no HTTP).

Each module exposes:
- `NAME`, `LABEL`, `ENV` (environment variable names it reads, for the README and secret redaction)
- `configured(env) -> bool`: are the credentials present?
- `connect(settings, env) -> channel`, an object with
  `post(item) -> Receipt` and `reconcile(item) -> Receipt | None` (None: proven not posted;
  raises `Unsettled` when it cannot tell).
Errors are `ChannelError` (`.uncertain` when the post may have gone out) or `RateLimited`.
"""

from __future__ import annotations

import importlib
from types import ModuleType

NAMES = ("x", "linkedin", "mastodon", "bluesky", "slack", "teams")


def module(name: str) -> ModuleType:
    if name not in NAMES:
        raise KeyError(name)
    return importlib.import_module(f"{__name__}.{name}")


#: Variables that identify rather than authorise; everything else a channel reads is a secret.
NOT_SECRET = frozenset({"MASTODON_API_BASE", "BLUESKY_HANDLE", "LINKEDIN_AUTHOR_URN"})


def all_env_names() -> list[str]:
    """Every environment variable any channel reads."""
    return [var for name in NAMES for var in module(name).ENV]


def secret_env_names() -> list[str]:
    """The secret ones: their values are replaced by *** in everything the step writes or prints."""
    return [var for var in all_env_names() if var not in NOT_SECRET]
