"""The build's log, readable anywhere and complete on every rebuild (first in PLUGINS).

Two things about Pelican's logging (pelican/log.py) get in a writer's way:

- **Repeats are swallowed for the life of the process.** `LimitFilter` keeps a class-level set of
  every (level, message) it has let through and drops a record it has seen before (WARNING and
  below). In a resident process (`pelican -r`, the dev server) the second build's brand findings
  are exactly the first build's, so they never appeared again — a writer fixing a finding could
  not tell whether it was gone. `dedup.reset` forgets what was shown at the start of every build
  (`get_generators` is the one signal Pelican sends at the start of each `run()`); repeats inside
  one build are still folded, as Pelican intends.
- **Without a terminal (CI, `| tee`, a pipe), rich's handler wraps at 80 columns, colours, and
  appends `plugin.py:121`.** `style.apply` swaps it for a plain handler there: one record per line
  (a finding is one line), `LEVEL    message`, no colour codes, no source suffix, and Pelican's
  console ("Done: …") never wraps either. In a terminal nothing changes.

Pelican-free at import; `register()` applies the style at once, so the other plugins' messages
(including the settings check at `initialized`) already come out in it.
"""

from __future__ import annotations

from . import dedup, style
from .style import say

__all__ = ["register", "say"]


def register() -> None:
    """Pelican entry point (PLUGINS = ["plugins.buildlog", ...], first)."""
    from pelican import signals

    style.apply()
    signals.get_generators.connect(dedup.reset)
