"""What must never be deployed: a dev build, a build for another site, build/ and preview/.

`make html` and `make build-prod` write the same output/ and build/manifest.json; a dev build
links to http://localhost:8000 and lists what a production build would hold back. The manifest
records the settings that built it (`publish.buildinfo`, the same check `make publish` makes); the
sitemap's addresses are read as a second witness, because they are what crawlers follow.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

from plugins.settings import value_of

from ..buildinfo import mismatch
from .target import DeployError

_LOC = re.compile(r"<loc>\s*([^<\s]+)")


def never_deployed(settings: Mapping) -> list[Path]:
    """build/ (manifest, brand report, lock) and preview/: local only, whatever the output folder."""
    folders = [value_of(settings, name) for name in ("LECTERN_BUILD_DIR", "SYNDICATION_PREVIEW_DIR")]
    folders.append(value_of(settings, "SYNDICATION_MANIFEST").parent)
    return [Path(os.path.realpath(f)) for f in folders]


def check(output_dir: str | os.PathLike, settings: Mapping,
          settings_file: str | os.PathLike | None = None) -> Path:
    """The output folder to deploy, or DeployError saying why not (nothing was changed)."""
    output = Path(os.path.realpath(output_dir))
    for folder in never_deployed(settings):
        if output == folder or folder in output.parents:
            raise DeployError(f"{output_dir} is {folder} (build reports, the publish preview): it is "
                              "never deployed — deploy the site's output folder; nothing was deployed")
    if not (output / "index.html").is_file():
        raise DeployError(f"{output_dir} holds no index.html: it is not a built site — run `make build-prod` "
                          "first; nothing was deployed")
    name = os.path.basename(str(settings_file or "publishconf.py"))
    if not value_of(settings, "LECTERN_STRICT"):
        raise DeployError(f"{name} is a dev configuration (LECTERN_STRICT is off): only production builds "
                          "are deployed — use publishconf.py (`make deploy`); nothing was deployed")
    manifest = value_of(settings, "SYNDICATION_MANIFEST")
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise DeployError(f"no readable manifest at {manifest}, so nothing says which settings built "
                          f"{output_dir} — run `make build-prod` first; nothing was deployed") from None
    problem = mismatch(data.get("build") if isinstance(data, dict) else None, dict(settings), manifest,
                       settings_file or "publishconf.py")
    if problem:
        raise DeployError(problem.replace("nothing was posted", "nothing was deployed"))
    site = str(settings.get("SITEURL") or "").rstrip("/")
    sitemap = output / "sitemap.xml"
    if site and sitemap.is_file():
        for loc in _LOC.findall(sitemap.read_text(encoding="utf-8", errors="replace")[:200_000]):
            if not (loc == site or loc.startswith(site + "/")):
                raise DeployError(f"{sitemap} lists {loc}, which is not on SITEURL {site}: {output_dir} was "
                                  "built with other settings (a dev build?) — run `make build-prod`; "
                                  "nothing was deployed")
    return output
