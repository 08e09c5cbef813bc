"""Python's cycle collector paused while a build runs (FAST_GC_PAUSE; a Pelican plugin).

A build allocates millions of objects and frees nearly all of them by reference counting; the few
cycles it makes (Jinja contexts, content objects and their translations) live until the build
ends anyway. The cycle collector still runs every 700 allocations, and each full collection walks
the whole heap — every module, compiled template, brand.yml matcher and post. Measured at 1,000
posts that is about 0.5 CPU s of a ~8.5 s build, spread over the main process, the render and
conversion pools and the background brand check, and it frees almost nothing.

So from `get_generators` (the first signal of each `Pelican.run()`) to `finalized` (connected at
pause time, so after every other plugin's receiver) the collector is off; the processes forked
meanwhile (fast_reader's pools, the brand check) inherit that and exit when their work is done.
Reference counting still frees everything that is not a cycle. At `finalized` the collector is
back on, so a resident process (`pelican -r`, the dev server) collects a build's cycles during
the next one's allocations, as before. A build that raises never reaches `finalized`: the next
build then collects once before pausing again, so at most one failed build's cycles wait.

Only a collector this plugin turned off is turned back on (the dev server pauses it itself while
it renders one page). `FAST_GC_PAUSE = False` leaves the collector alone.
"""

from __future__ import annotations

import gc

from plugins.settings import value_of

#: True while a build this plugin paused has not reached `finalized`.
_PAUSED = [False]


def pause(pelican) -> None:
    """`get_generators`: the collector off for this build (the previous one failed: collect first)."""
    if _PAUSED[0]:
        gc.enable()
        gc.collect()  # the failed build's cycles
        _PAUSED[0] = False
    if not value_of(pelican.settings, "FAST_GC_PAUSE") or not gc.isenabled():
        return
    from pelican import signals

    gc.disable()
    _PAUSED[0] = True
    signals.finalized.connect(resume)  # now: after the receivers every plugin connected at load


def resume(_pelican=None) -> None:
    """`finalized`: the collector back on, if this plugin paused it."""
    if _PAUSED[0]:
        _PAUSED[0] = False
        gc.enable()


def register() -> None:
    """Pelican entry point (PLUGINS = [..., "plugins.gcpause", ...])."""
    from pelican import signals

    signals.get_generators.connect(pause)
