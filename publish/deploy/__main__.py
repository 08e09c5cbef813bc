"""`python -m publish.deploy` (`make deploy [DRY_RUN=1] [FORCE=1]`): deploy output/ to DEPLOY_TARGET.

Exit status: 0 when the deploy (or the dry run) completed, 1 when it was refused or failed — the
message says whether anything was changed. Holds build/publish.lock, so a production build or a
`make publish` never swaps output/ while it is being read.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Sequence

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

from plugins.edition import is_internal

from .. import lock
from ..redact import redacting
from . import DeployError, Line, deploy, output_of, redactor


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m publish.deploy", description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="publishconf.py", help="Pelican settings file (production)")
    parser.add_argument("--output", help="the built site (default: the settings' OUTPUT_PATH)")
    parser.add_argument("--target", help="override DEPLOY_TARGET (e.g. s3://bucket/prefix)")
    parser.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    parser.add_argument("--force", action="store_true",
                        help="delete more than DEPLOY_MAX_DELETES files; on S3 also read every file's "
                             "headers again")
    parser.add_argument("--internal", action="store_true",
                        help="the internal edition (internalconf.py): build it (staged) and deploy it to "
                             "INTERNAL_DEPLOY_TARGET; nothing to do when that is not set")
    parser.add_argument("--content", help="--internal: the content folder (default: the settings' PATH)")
    parser.add_argument("--verbose", action="store_true", help="log every request (secrets shown as ***)")
    return parser.parse_args(argv)


def fancy(env) -> bool:
    """A progress bar on a terminal; plain lines in CI and in logs."""
    return sys.stderr.isatty() and str(env.get("CI", "")).lower() not in ("1", "true", "yes")


def main(argv: Sequence[str] | None = None, env=None) -> int:
    args = parse_args(argv)
    env = dict(os.environ if env is None else env)
    with redacting(redactor(env)):  # stdout, stderr and every log record (boto's too)
        if args.verbose:
            logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
        err = Console(stderr=True)
        try:
            return _main(args, env, err)
        except Exception:  # noqa: BLE001 - a traceback may quote a secret: shown redacted
            print("deploy: unexpected error (secrets shown as ***):\n" + traceback.format_exc(),
                  file=sys.stderr)
            return 1


def _main(args, env, err: Console) -> int:
    from ..settings import load

    settings = load(args.settings)
    output = output_of(settings, args.output)
    if args.internal and not is_internal(settings):
        print(f"deploy: --internal needs the internal edition's settings (internalconf.py), not "
              f"{args.settings}; nothing was deployed", file=sys.stderr)
        return 1
    if args.internal and not internal_wanted(args, settings, env):
        print("deploy: INTERNAL_DEPLOY_TARGET is not set: the internal edition was not built or deployed",
              file=sys.stderr)
        return 0
    try:
        with lock.held(lock.path_for(settings), "make deploy") as fd:
            if args.internal:
                from ..build import build

                # The same staged build as `make build-internal`: output-internal/ is replaced only
                # when the whole build passed, under the lock this deploy holds.
                status = build(args.content or settings["PATH"], output, args.settings, pass_fds=(fd,))
                if status != 0:
                    print("deploy: the internal edition's build failed; nothing was deployed",
                          file=sys.stderr)
                    return 1
            if fancy(env):
                columns = (TextColumn("{task.description}"), BarColumn(),
                           TextColumn("{task.completed}/{task.total}"))
                with Progress(*columns, console=err, transient=True) as bar:
                    task = bar.add_task("deploy", total=None)

                    def show(line: Line) -> None:
                        if line.total is not None:
                            bar.update(task, completed=line.done, total=line.total,
                                       description=line.text[:60])
                        else:
                            bar.console.print(line.text, markup=False, highlight=False, soft_wrap=True)

                    summary = run(args, output, settings, show, env)
            else:
                summary = run(args, output, settings, plain, env)
    except (DeployError, lock.Busy) as exc:
        print(f"deploy: {exc}", file=sys.stderr)
        return 1
    print(summary.text())
    return 0


def internal_wanted(args, settings, env) -> bool:
    """`make deploy` deploys the internal edition only where one is configured."""
    from .plan import Config

    return bool(args.target or Config.read(settings, env).internal_target)


def plain(line: Line) -> None:
    print(line.text, file=sys.stderr, flush=True)


def run(args, output, settings, show, env):
    return deploy(output, args.target, settings, dry_run=args.dry_run, force=args.force, progress=show,
                  env=env, settings_file=args.settings)


if __name__ == "__main__":
    sys.exit(main())
