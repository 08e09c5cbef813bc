"""Python's cycle collector all but paused while a build runs (FAST_GC_PAUSE; a Pelican plugin).

A build allocates millions of objects and frees nearly all of them by reference counting; the
cycles it makes (Jinja render contexts, content objects and their translations) are few. The
cycle collector still runs after every 700 net new container objects, and each run walks the
young objects — most of which live until the build ends (posts, metadata, templates) — and every
tenth run walks them again, every hundredth the whole heap. Measured at 1,000 posts that is
0.33 CPU s, spread over the main process, the render and conversion pools and the background
brand check, for almost nothing freed.

So from `initialized` (before brand.yml is loaded and compiled) or else `get_generators` (the
first signal of each `Pelican.run()`, for the next builds of a resident process) to `finalized`
(connected at pause time, so after every other plugin's receiver) the collector's thresholds are
`PAUSED_THRESHOLD`: a collection only once 100,000 more container objects were made than freed,
older generations never. A 1,000-post build then collects once in one render worker (0.35 ->
0.17 s of GC in all; the rest is start-up before the pause and the writer's explicit collect).
The processes forked meanwhile (fast_reader's pools, the brand check) inherit the thresholds;
cyclic garbage in a process is bounded by that count rather than left to grow with the site.
At `finalized` the thresholds are back, so a resident process (`pelican -r`, the dev server)
collects as before between builds; the build's own objects are handed to the oldest generation
without a walk (see `resume`), and after a build the heap is frozen at exit. A build that
raises never reaches `finalized`: the next build restores and collects once before pausing
again (a Pelican object made and never run leaves the paused thresholds in place: fewer
collections, garbage still bounded).

Only thresholds this plugin set are restored, and a collector someone turned off (`gc.disable()`,
threshold 0) is left alone. `FAST_GC_PAUSE = False` leaves the collector as it is.
"""

from __future__ import annotations

import atexit
import gc

from plugins.settings import value_of

#: The collector's thresholds while a build runs (Python's defaults: 700, 10, 10).
PAUSED_THRESHOLD = (100_000, 1_000, 1_000)
#: The thresholds a paused build found (None: not paused), and whether its run has started.
_SAVED: list[tuple[int, ...] | None] = [None]
_RUNNING = [False]
#: Whether a build finished in this process (then its heap is frozen at exit).
_BUILT = [False]
_EXIT_HOOKED: list = []  # the exit hook, once registered (every Pelican object calls `register`)


def pause_at_start(pelican) -> None:
    """`initialized`: paused before the plugins load what they need (brand.yml, its matchers)."""
    if _SAVED[0] is None:
        pause(pelican, running=False)


def pause(pelican, running: bool = True) -> None:
    """`get_generators`: the paused thresholds for this build, if `initialized` did not set them
    (the previous run failed: its thresholds back and one collection first)."""
    if _SAVED[0] is not None and _RUNNING[0]:
        resume()
        gc.collect()  # the failed build's cycles
    _RUNNING[0] = running
    if _SAVED[0] is not None:
        return  # paused at `initialized`
    if not value_of(pelican.settings, "FAST_GC_PAUSE") or not gc.isenabled() or not gc.get_threshold()[0]:
        return
    from pelican import signals

    _SAVED[0] = gc.get_threshold()
    gc.set_threshold(*PAUSED_THRESHOLD)
    signals.finalized.connect(resume)  # now: after the receivers every plugin connected at load


def resume(_pelican=None) -> None:
    """`finalized`: the thresholds the build found, if this plugin changed them.

    The build leaves a young generation of several hundred thousand objects (its posts, pages and
    memos), counted against the restored first threshold: the next allocation would walk them all
    (~0.07 CPU s at 1,000 posts) for a process that, run from the command line, exits right after.
    They are handed to the oldest generation instead (`freeze` + `unfreeze`, no walk), where the
    next full collection sees them, as it sees every long-lived object — so a resident process
    still frees a build's cycles, a full collection later. Skipped when something else keeps
    objects frozen (its permanent generation is not ours to empty)."""
    saved, _SAVED[0] = _SAVED[0], None
    _RUNNING[0] = False
    if saved is not None:
        _BUILT[0] = True
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        gc.set_threshold(*saved)


def paused() -> bool:
    """True while this build runs with the paused thresholds: a process forked now never walks the
    heap it inherits (no old-generation collection), so freezing it first buys nothing."""
    return _SAVED[0] is not None


def register() -> None:
    """Pelican entry point (PLUGINS = [..., "plugins.gcpause", ...])."""
    from pelican import signals

    if not _EXIT_HOOKED:
        _EXIT_HOOKED.append(atexit.register(_skip_exit_collection))
    signals.initialized.connect(pause_at_start)
    signals.get_generators.connect(pause)


def _skip_exit_collection() -> None:
    """At interpreter exit, after a build: freeze the heap, so that Python's last collection during
    shutdown does not walk every object the build made (~0.1 CPU s at 1,000 posts) only to free
    memory the operating system takes back anyway. Objects still reachable are freed by reference
    counting as modules are torn down, as before; only cycles that are garbage already skip their
    finalizers, which Python never promises at exit. Registered at load, so it runs after the
    atexit handlers of everything imported later (logging's flush runs after it: imported earlier).
    Nothing happens when no build finished in this process or the collector is off."""
    if _BUILT[0] and gc.isenabled():
        gc.freeze()
