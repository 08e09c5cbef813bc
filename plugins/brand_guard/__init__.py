"""Brand guard: check every post and every social text against the brand statement in brand.yml.

Pure rule functions live in `core` (and `rules/`); this package is also a Pelican plugin
(`register`) and a command (`python -m plugins.brand_guard`). Importing it is cheap: Pelican is
imported only when Pelican itself calls `register()`.
"""

from __future__ import annotations

from .config import BrandConfig, BrandConfigError
from .core import FileResult, Report, check_file, check_paths, check_social_text, check_source, load_config
from .findings import RULES, SEVERITIES, Finding

__all__ = [
    "RULES", "SEVERITIES", "BrandConfig", "BrandConfigError", "FileResult", "Finding", "Report",
    "check_file", "check_paths", "check_social_text", "check_source", "load_config", "register",
]


def register() -> None:
    """Pelican entry point (PLUGINS = ["plugins.brand_guard"])."""
    from .plugin import register as _register

    _register()
