"""One adapter per network behind one small interface (the planner and ledger know no HTTP).

A channel is one module here plus one entry in `registry.CHANNELS` (id, label, audience,
default template and limit, environment variables). The module satisfies `ChannelModule`:

- `SPEC`: its registry entry (`SPEC.label` in every message, `SPEC.env` for the README and
  secret redaction);
- `configured(env, settings) -> bool`: are the credentials present?
- `connect(settings, env) -> Channel`: an object with `post(item) -> Receipt` and
  `reconcile(item) -> Receipt | None` (None: proven not posted; raises `Unsettled` when the
  network answered and the answer cannot tell, `ReadFailed`/`RateLimited` when it could not be read
  for now — the pair then stays open). Errors are `ChannelError` (`.uncertain` when the post may
  have gone out), `RateLimited`, or `Held` (nothing sent: the item cannot go as composed).
  Optional: `prepare(item) -> dict` uploads what the post references before the intent is
  recorded (kept with it, so a re-send is the same request); `notes`: what the operator should
  know before anything is posted (shown by the CLI and the preview).
- optional `warnings(settings, env) -> list[str]`: configuration warnings shown on every run.

Importing this package is cheap (no network libraries): the modules load on first use.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from .registry import CHANNELS, IDS, ChannelSpec, env_names, label, secret_env_names

if TYPE_CHECKING:
    from ..model import Item, Receipt

__all__ = ["CHANNELS", "IDS", "Channel", "ChannelModule", "ChannelSpec", "env_names", "label", "module",
           "notes", "secret_env_names", "warnings"]


@runtime_checkable
class Channel(Protocol):
    """A connected channel (credentials checked, client built)."""

    spec: ChannelSpec

    def post(self, item: Item) -> Receipt:
        """Send `item`; raise ChannelError (uncertain or not) or RateLimited."""
        ...

    def reconcile(self, item: Item) -> Receipt | None:
        """Did an earlier, unfinished attempt arrive? None: proven not; raise Unsettled if unknown."""
        ...


@runtime_checkable
class ChannelModule(Protocol):
    """What a module under publish/channels/ provides (checked by tests/test_publish_registry.py)."""

    SPEC: ChannelSpec

    def configured(self, env: dict, settings: dict | None = None) -> bool: ...

    def connect(self, settings: dict, env: dict) -> Channel: ...


def module(name: str) -> ModuleType:
    """The adapter module of channel `name` (KeyError for an id the registry does not know)."""
    return importlib.import_module(CHANNELS[name].module)


def warnings(names, settings: dict, env: dict) -> list[str]:
    """Every enabled channel's configuration warnings (module-level `warnings`, no network)."""
    found: list[str] = []
    for name in names:
        check = getattr(module(name), "warnings", None)
        if check is not None:
            found += check(settings, env)
    return found


def notes(connection) -> list[str]:
    """What a connected channel found out that the operator should know before posting."""
    return list(getattr(connection, "notes", None) or [])
