"""What a deploy will do, decided before anything is changed: uploads in tier order, deletes, the cap.

Pure: every target computes a `Plan` from the local files and what the remote holds, so the dry
run, the delete cap and the order are the same for S3, rsync and GitHub Pages.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from plugins.edition import is_internal
from plugins.settings import DECLARED, SettingsError, value_of

from . import files
from .target import DeployError

#: DEPLOY_MAX_DELETES's declared default (plugins/settings.py).
DEFAULT_MAX_DELETES: int = DECLARED["DEPLOY_MAX_DELETES"][1].default


@dataclass(frozen=True)
class Config:
    """The DEPLOY_* settings, checked once (DEPLOY_TARGET and DEPLOY_CLOUDFRONT_ID may come from
    the environment, so CI can set them without editing publishconf.py)."""

    target: str = ""
    max_deletes: int = DEFAULT_MAX_DELETES  # < 0: no cap
    cache_control: tuple[tuple[str, str], ...] = files.DEFAULT_CACHE_CONTROL
    content_types: tuple[tuple[str, str], ...] = ()
    order: tuple[tuple[str, tuple[str, ...]], ...] = files.DEFAULT_ORDER
    cloudfront_id: str = ""
    workers: int = 8
    public_target: str = ""  # DEPLOY_TARGET, whichever edition this is
    internal_target: str = ""  # INTERNAL_DEPLOY_TARGET (the internal edition's own place)
    internal: bool = False  # this is the internal edition (LECTERN_EDITION = "internal")

    @classmethod
    def read(cls, settings: Mapping, env: Mapping[str, str] | None = None) -> Config:
        env = os.environ if env is None else env
        try:
            max_deletes = value_of(settings, "DEPLOY_MAX_DELETES")
        except SettingsError as exc:
            raise DeployError(f"{exc} (-1: no cap)") from None
        internal = is_internal(settings)
        public_target = _text("DEPLOY_TARGET", settings, env)
        internal_target = _text("INTERNAL_DEPLOY_TARGET", settings, env)
        return cls(
            target=internal_target if internal else public_target,
            public_target=public_target,
            internal_target=internal_target,
            internal=internal,
            max_deletes=max_deletes,
            # Your rules are tried first, then the defaults: a setting lists only what differs.
            cache_control=_rules("DEPLOY_CACHE_CONTROL", settings) + files.DEFAULT_CACHE_CONTROL,
            content_types=_rules("DEPLOY_CONTENT_TYPES", settings),
            cloudfront_id=_text("DEPLOY_CLOUDFRONT_ID", settings, env),
        )


def _text(name: str, settings: Mapping, env: Mapping[str, str]) -> str:
    """The environment variable of the same name wins over the settings file."""
    return (env.get(name) or str(settings.get(name) or "")).strip()


def _rules(name: str, settings: Mapping) -> tuple[tuple[str, str], ...]:
    value = settings.get(name) or ()
    pairs = list(value.items()) if isinstance(value, Mapping) else list(value)
    for pair in pairs:
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2 and all(isinstance(v, str) for v in pair)):
            raise DeployError(f"{name}: {pair!r} is not a (glob, value) pair — e.g. "
                              f'{name} = [("theme/*", "public, max-age=31536000, immutable")]')
    return tuple((glob, value) for glob, value in pairs)


@dataclass(frozen=True)
class Line:
    """One progress line; `done`/`total` let a progress bar follow (plain output prints `text`)."""

    text: str
    done: int | None = None
    total: int | None = None

    def __str__(self) -> str:
        return self.text


@dataclass
class Plan:
    uploads: list[files.LocalFile] = field(default_factory=list)  # tier order
    deletes: list[str] = field(default_factory=list)
    unchanged: list[files.LocalFile] = field(default_factory=list)
    new: set[str] = field(default_factory=set)
    restyled: set[str] = field(default_factory=set)  # same bytes, other headers (Cache-Control, type)
    folders: list[str] = field(default_factory=list)  # emptied folders a target removes (rsync)

    @property
    def steps(self) -> int:
        return len(self.uploads) + len(self.deletes)

    def tiers(self) -> list[list[files.LocalFile]]:
        """Uploads grouped by tier, in order: each group finishes before the next starts."""
        groups: dict[int, list[files.LocalFile]] = {}
        for item in self.uploads:
            groups.setdefault(item.tier, []).append(item)
        return [groups[t] for t in sorted(groups)]

    def why(self, path: str) -> str:
        return "new" if path in self.new else "headers changed" if path in self.restyled else "changed"

    def restyle(self, paths: Iterable[str]) -> None:
        """Upload these unchanged files again: their bytes are the same, their headers are not."""
        paths = set(paths) - self.new
        if not paths:
            return
        self.restyled |= paths
        self.uploads += [f for f in self.unchanged if f.path in paths]
        self.unchanged = [f for f in self.unchanged if f.path not in paths]
        self.uploads.sort(key=lambda f: (f.tier, f.path))

    def lines(self, verb: str = "would") -> list[Line]:
        out = []
        for item in self.uploads:
            why = self.why(item.path)
            out.append(Line(f"{verb} upload {item.path} ({why}, {human(item.size)}, "
                            f"{files.TIER_NAMES[item.tier]})"))
        out += [Line(f"{verb} delete {path}") for path in self.deletes]
        return out


def diff(local: Iterable[files.LocalFile], remote: Mapping[str, object],
         same: Callable[[files.LocalFile, object], bool]) -> Plan:
    """Compare local files with the remote listing (path → whatever `same` needs)."""
    plan = Plan()
    seen = set()
    for item in local:
        seen.add(item.path)
        entry = remote.get(item.path)
        if entry is None:
            plan.uploads.append(item)
            plan.new.add(item.path)
        elif same(item, entry):
            plan.unchanged.append(item)
        else:
            plan.uploads.append(item)
    plan.uploads.sort(key=lambda f: (f.tier, f.path))
    plan.deletes = sorted(path for path in remote if path not in seen)
    return plan


def check_deletes(plan: Plan, config: Config, shown: str, *, force: bool) -> None:
    """Refuse the whole deploy (nothing changed yet) when it would delete more than the cap."""
    cap = config.max_deletes
    if force or cap < 0 or len(plan.deletes) <= cap:
        return
    sample = ", ".join(plan.deletes[:3]) + (", …" if len(plan.deletes) > 3 else "")
    raise DeployError(
        f"this deploy would delete {len(plan.deletes)} files from {shown} ({sample}), more than "
        f"DEPLOY_MAX_DELETES ({cap}) — check DEPLOY_TARGET and the output folder; if the deletes are "
        "intended, run `make deploy FORCE=1`; nothing was changed")


@dataclass
class Summary:
    """What a deploy did (or, in a dry run, would do). `changed` lists uploaded and deleted paths,
    for a later step (e.g. WebSub pings after a feed changed, a CDN invalidation)."""

    target: str
    dry_run: bool = False
    uploaded: list[str] = field(default_factory=list)
    uploaded_bytes: int = 0
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    unchanged_bytes: int = 0
    invalidation: str = ""
    seconds: float = 0.0

    @property
    def changed(self) -> list[str]:
        return [*self.uploaded, *self.deleted]

    def text(self) -> str:
        head = "deploy (dry run, nothing changed)" if self.dry_run else "deploy"
        verb = ("would upload", "would delete") if self.dry_run else ("uploaded", "deleted")
        parts = [f"{head} → {self.target}: {verb[0]} {len(self.uploaded)} ({human(self.uploaded_bytes)}), "
                 f"{verb[1]} {len(self.deleted)}, unchanged {self.unchanged} ({human(self.unchanged_bytes)})"]
        if self.invalidation:
            parts.append(f"CDN: {self.invalidation}")
        parts.append(f"{self.seconds:.1f} s")
        return "; ".join(parts)


def summary_for(plan: Plan, target: str, *, dry_run: bool) -> Summary:
    return Summary(target, dry_run, [f.path for f in plan.uploads], sum(f.size for f in plan.uploads),
                   list(plan.deletes), len(plan.unchanged), sum(f.size for f in plan.unchanged))


def human(size: int) -> str:
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"
