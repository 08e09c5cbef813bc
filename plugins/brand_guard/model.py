"""The validated contents of brand.yml, as plain frozen records (no behaviour, no imports).

Kept apart from `config.py` so rule modules can name these types without importing the loader.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pillar:
    name: str
    keywords: tuple[str, ...]
    #: "required" (a post under `band` gets a warning), "recommended" (a suggestion) or "" (neither)
    goal: str = ""
    band: str = "amber"  # the lowest acceptable band: green or amber


@dataclass(frozen=True)
class Term:
    use: str
    instead_of: tuple[str, ...]
    severity: str = "warning"
    reason: str = ""
    name: bool = False  # from brand.yml `names:` (all lower case it may be a common word: "apple")


@dataclass(frozen=True)
class AvoidEntry:
    reason: str
    severity: str = "warning"
    phrase: str | None = None  # literal, case-insensitive, spaces/hyphens interchangeable
    pattern: str | None = None  # a regex for inflections ("leverag(e|es|ed|ing)")
    suggest: str | None = None
    line: int = 0  # where the entry is in brand.yml (for error messages)


@dataclass(frozen=True)
class Spec:
    text: str
    expect: tuple[str, ...]
    audience: str = "public"
    line: int = 0
