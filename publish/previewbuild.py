"""`python -m publish.previewbuild` (`make preview`): preview every post, even when one is broken.

`make build-prod` stops on a brand error, so a preview built on it showed nothing at all. Here
the production settings (production SITEURL, same channels and templates) are built with
`LECTERN_STRICT` and `BRAND_STRICT` off into a folder of its own (`build/preview-site`, manifest
`build/preview-manifest.json`): output/ and the production manifest are never touched, and
nothing built here can be deployed or published (the deploy step refuses a non-strict build,
`python -m publish` refuses its manifest without `--preview-build`). The publish step then runs
preview-only on that manifest and holds every post whose source has a brand error, with the
finding as the reason. `make publish` still builds strictly and stops.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from plugins.settings import value_of

from . import build, lock


def parse_args(argv: Sequence[str] | None) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="python -m publish.previewbuild",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="publishconf.py", help="Pelican settings file")
    parser.add_argument("--content", help="content folder (default: the settings' PATH)")
    parser.add_argument("--site",
                        help="folder for the preview build (default: LECTERN_BUILD_DIR/preview-site)")
    args, rest = parser.parse_known_args(argv)
    return args, [a for a in rest if a != "--"]


def main(argv: Sequence[str] | None = None, env: dict | None = None) -> int:
    from . import cli
    from .settings import load

    args, pelican_args = parse_args(argv)
    settings = load(args.settings)
    content = args.content or settings["PATH"]
    build_dir = Path(value_of(settings, "LECTERN_BUILD_DIR"))
    site = Path(args.site or build_dir / "preview-site")
    manifest = build_dir / "preview-manifest.json"
    overrides = {"LECTERN_STRICT": False, "BRAND_STRICT": False, "SYNDICATION_MANIFEST": str(manifest),
                 "DELETE_OUTPUT_DIRECTORY": False}
    extra = ["-e", *(f"{key}={json.dumps(value)}" for key, value in overrides.items())]
    try:
        manifest.unlink()  # a failed build must not leave last run's manifest to be previewed
    except FileNotFoundError:
        pass
    try:
        with lock.held(lock.path_for(settings), "make preview") as fd:
            status = build.build(content, site, args.settings, [*pelican_args, *extra], pass_fds=(fd,))
    except lock.Busy as exc:
        print(f"lectern: {exc}", file=sys.stderr)
        return 1
    if status != 0:
        return status
    return cli.main(["--settings", os.fspath(args.settings), "--preview-build", "--manifest", str(manifest),
                     "--content", os.fspath(content), "--site", str(site)], env=env)


if __name__ == "__main__":
    sys.exit(main())
