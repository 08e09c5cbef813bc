"""Which settings built a manifest, and does the publish step run with the same ones?

`make html` and `make build-prod` write the same `build/manifest.json`. Publishing a dev build's
manifest with production credentials posts `http://localhost:8000/…` links and the ledger then
counts them as done; publishing a manifest built for another SITEURL shares links to a site that
is not this one. So the syndication plugin records what the build ran with (`identity`), and
`python -m publish` refuses a manifest whose identity differs from its own settings (`mismatch`),
naming the command that builds the right one. Pelican-free: the plugin imports it on every build.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: The settings that decide what a manifest says (its links, what is out yet, strictness).
#: Paths are left out on purpose: `make` passes OUTPUT_PATH and the content folder on the command line.
KEYS = ("SITEURL", "LECTERN_STRICT", "BRAND_STRICT", "ARTICLE_URL", "TIMEZONE", "DEFAULT_LANG")
FLAGS = frozenset({"LECTERN_STRICT", "BRAND_STRICT"})


def identity(settings: dict) -> dict:
    """What the manifest records about the build: the values of KEYS and their fingerprint."""
    values = {key: bool(settings.get(key)) if key in FLAGS else str(settings.get(key) or "") for key in KEYS}
    values["SITEURL"] = values["SITEURL"].rstrip("/")
    return {"settings": values, "fingerprint": fingerprint(values)}


def fingerprint(values: dict) -> str:
    data = json.dumps(values, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return "sha256:" + hashlib.sha256(data).hexdigest()[:16]


def describe(values: dict) -> str:
    kind = "a production build" if values.get("LECTERN_STRICT") else "a dev build (as `make html` makes)"
    return f"{kind}, SITEURL {values.get('SITEURL') or '(none)'}"


def build_command(settings: dict, settings_file: str | os.PathLike) -> str:
    """The command that builds a manifest for these settings."""
    path = Path(settings_file).resolve()
    if path == REPO / "publishconf.py":
        return "`make build-prod` (or `make publish`)"
    if path == REPO / "pelicanconf.py":
        return "`make html`"
    if settings.get("LECTERN_STRICT"):
        return f"`make build-prod PUBLISHCONF={settings_file}` (or `make publish PUBLISHCONF=…`)"
    return f"`make html CONFFILE={settings_file}`"


def mismatch(build, settings: dict, manifest: str | os.PathLike,
             settings_file: str | os.PathLike) -> str | None:
    """Why the manifest at `manifest` must not be published with `settings` (None: it may)."""
    run = f"run {build_command(settings, settings_file)} first; nothing was posted"
    wanted = identity(settings)["settings"]
    if not isinstance(build, dict) or not isinstance(build.get("settings"), dict):
        return f"{manifest} does not say which settings built it (an older or hand-made manifest) — {run}"
    built = build["settings"]
    if fingerprint(built) == fingerprint(wanted) and built == wanted:
        return None
    name = os.path.basename(str(settings_file))
    if built.get("LECTERN_STRICT") != wanted["LECTERN_STRICT"]:
        return (f"{manifest} was made by {describe(built)}, but {name} is for {describe(wanted)} — {run}")
    if built.get("SITEURL") != wanted["SITEURL"]:
        return (f"{manifest} was built for SITEURL {built.get('SITEURL') or '(none)'}, but {name} says "
                f"{wanted['SITEURL'] or '(none)'} — {run}")
    changed = ", ".join(f"{key} {built.get(key)!r} → {wanted[key]!r}"
                        for key in KEYS if built.get(key) != wanted[key])
    return f"{manifest} was built with other settings than {name} ({changed}) — {run}"
