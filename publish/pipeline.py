"""`make publish` end to end under one lock: production build → syndicate → rebuild.

Why one entry point: the lock must cover all three steps. Two `make publish` started seconds
apart used to run two production builds at once, each deleting the other's output/ (Pelican
crashed), while the ledger lock only covered the middle step. Here build/publish.lock is taken
first; a second run stops at once with "another publish is running" and touches neither output/
nor build/. Each build goes through publish.build (staging folder, swap only when it passed).

Exit status: the build's when it failed (nothing was posted); otherwise the publish step's,
unless the rebuild failed. The rebuild runs even when a post failed, so the ones that went out
get their "Also on" links.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import build, lock


def main(argv: Sequence[str] | None = None) -> int:
    from .settings import load

    parser = argparse.ArgumentParser(prog="python -m publish.pipeline", description=__doc__.splitlines()[0],
                                     epilog="Other arguments (after --) go to Pelican.")
    parser.add_argument("--settings", default="publishconf.py", help="Pelican settings file")
    parser.add_argument("--content", help="content folder (default: the settings' PATH)")
    parser.add_argument("--output", help="output folder (default: the settings' OUTPUT_PATH)")
    args, rest = parser.parse_known_args(argv)
    pelican_args = [a for a in rest if a != "--"]
    settings = load(args.settings)
    content, output = build.folders(args, settings)
    try:
        with lock.held(lock.path_for(settings)) as fd:
            status = build.build(content, output, args.settings, pelican_args, pass_fds=(fd,))
            if status != 0:
                print("lectern: nothing was posted (the production build failed)", file=sys.stderr)
                return status
            from .cli import main as publish  # imported under the lock: a refused run stops sooner

            published = publish(["--settings", str(args.settings)])
            rebuilt = build.build(content, output, args.settings, pelican_args, pass_fds=(fd,))
            return rebuilt if rebuilt != 0 else published
    except lock.Busy as exc:
        print(f"lectern: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
