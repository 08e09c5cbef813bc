"""Thin adapters onto the brand guard and publish APIs, which other engineers are still writing.

Each returns None when the API is not importable yet, so the benchmark reports "n/a" instead of
failing; the one place to update when those APIs settle.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def brand_checker(config_path: Path) -> Callable[[list[Path]], int] | None:
    """A function checking Markdown files against brand.yml and returning the finding count."""
    try:
        from plugins.brand_guard import core  # type: ignore[attr-defined]
    except ImportError:
        return None
    load = getattr(core, "load_config", None)
    check = next((getattr(core, name) for name in ("check_paths", "check_files") if hasattr(core, name)),
                 None)
    if load is None or check is None or not config_path.exists():
        return None
    config = load(config_path)

    def run(paths: list[Path]) -> int:
        return len(list(check(paths, config)))

    return run


def publish_runner(build_dir: Path) -> Callable[[], int] | None:
    """A function planning and composing every post × channel in dry run; returns the item count."""
    try:
        from publish import compose, plan  # type: ignore[attr-defined]  # noqa: F401
    except ImportError:
        return None
    return None
