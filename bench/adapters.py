"""Thin adapters onto the brand guard and publish APIs: the one place to update when they change.

Each returns None when its API cannot be imported or lacks the entry point it calls, so the
benchmark reports "n/a" for that row instead of failing (tests/test_bench.py requires every row).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def brand_checker(config_path: Path) -> Callable[[list[Path]], int] | None:
    """A function checking Markdown files against brand.yml and returning the finding count.

    Uses `core.check_paths(paths, cfg)`, the entry point the brand guard's CLI uses.
    """
    try:
        from plugins.brand_guard import core
    except ImportError:
        return None
    load = getattr(core, "load_config", None)
    check = getattr(core, "check_paths", None)
    if load is None or check is None or not config_path.exists():
        return None
    config = load(config_path)

    def run(paths: list[Path]) -> int:
        return len(check(paths, config))

    return run


def publish_runner(settings_file: Path) -> Callable[[], int] | None:
    """Plan and compose (dry run: no ledger writes, no network) every post × channel of a build.

    Reads the manifest the dev build's syndication plugin wrote (settings from that build's
    settings file, as `python -m publish --settings` does), then times `plan` + `prepare` (which
    composes every item and runs the brand guard on each social text), uncapped.
    """
    try:
        from publish import brand, ledger, model, plan, settings
    except ImportError:
        return None
    conf = settings.load(settings_file)
    _, posts = model.load_manifest(conf["SYNDICATION_MANIFEST"])
    check = brand.load_check(conf)
    state = ledger.read(conf["SYNDICATION_LEDGER"])

    def run() -> int:
        items = plan.plan(posts, state, conf, cap=0)
        plan.prepare(items, conf, check)
        return len(items)

    return run
