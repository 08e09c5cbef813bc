"""`make publish` end to end under one lock, in the order that keeps every shared link working:

    production build → deploy → wait until each new post's page answers 200 → syndicate
    → rebuild with "Also on" links → deploy again (only the pages that changed)

Why one entry point: the lock must cover every step. Two `make publish` started seconds apart
used to run two production builds at once, each deleting the other's output/ (Pelican crashed),
while the ledger lock only covered the middle step. Here build/publish.lock is taken first; a
second run stops at once with "another publish is running" and touches neither output/ nor build/.
Each build goes through publish.build (staging folder, swap only when it passed).

The deploys run only when DEPLOY_TARGET is set (settings or environment); then the live check
(SYNDICATION_REQUIRE_LIVE) is on by default, so no link is shared before its page is served.
With INTERNAL_DEPLOY_TARGET set too, the internal
edition is built and deployed right after the public site, before anything is shared.
Without a target the run behaves as before and says the links may not be live yet. After each
deploy that changed a feed, WEBSUB_HUB (if set) is pinged. A run that changed the ledger says it
must be committed; `--commit` (`make publish COMMIT=1`) commits that file alone.

Exit status: the build's when it failed (nothing was posted); 1 when the first deploy failed
(nothing was posted); otherwise the publish step's, unless the rebuild, the second deploy or the
commit failed. The rebuild runs even when a post failed, so the ones that went out get their
"Also on" links. A failing WebSub hub never changes the exit status.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence

from plugins.settings import value_of

from . import build, ledgercommit, lock, websub
from .settings import REPO


def say(message: str) -> None:
    print(f"lectern: {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    from .settings import SettingsError, load

    parser = argparse.ArgumentParser(prog="python -m publish.pipeline", description=__doc__.splitlines()[0],
                                     epilog="Other arguments (after --) go to Pelican.")
    parser.add_argument("--settings", default="publishconf.py", help="Pelican settings file")
    parser.add_argument("--content", help="content folder (default: the settings' PATH)")
    parser.add_argument("--output", help="output folder (default: the settings' OUTPUT_PATH)")
    parser.add_argument("--internal-settings", default=str(REPO / "internalconf.py"),
                        help="the internal edition's settings (deployed when INTERNAL_DEPLOY_TARGET is set)")
    parser.add_argument("--internal-output", help="the internal edition's folder (default: its OUTPUT_PATH)")
    parser.add_argument("--commit", action="store_true",
                        help="commit the ledger (that file only, no push) when this run changed it")
    args, rest = parser.parse_known_args(argv)
    pelican_args = [a for a in rest if a != "--"]
    try:
        settings = load(args.settings)
    except SettingsError as exc:
        print(f"lectern: settings: {exc}", file=sys.stderr)
        return 2
    content, output = build.folders(args, settings)
    env = dict(os.environ)
    target = (env.get("DEPLOY_TARGET") or settings["DEPLOY_TARGET"]).strip()  # checked by load()
    try:
        with lock.held(lock.path_for(settings)) as fd:
            status = build.build(content, output, args.settings, pelican_args, pass_fds=(fd,))
            if status != 0:
                say("nothing was posted (the production build failed)")
                return status
            if target and not _deploy(output, settings, args.settings, env, "deploy"):
                say("nothing was posted (the deploy failed, so the new pages may not be online)")
                return 1
            if target and _internal_target(settings, env) and not _deploy_internal(args, content):
                say("nothing was posted (the internal edition's deploy failed, so Slack/Teams links to it "
                    "may not work)")
                return 1
            from .cli import main as publish  # imported under the lock: a refused run stops sooner

            ledger = settings["SYNDICATION_LEDGER"]
            before = ledgercommit.snapshot(ledger)
            published = publish(["--settings", str(args.settings)])
            after = ledgercommit.snapshot(ledger)
            rebuilt = build.build(content, output, args.settings, pelican_args, pass_fds=(fd,))
            status = rebuilt if rebuilt != 0 else published
            if target and rebuilt == 0 and not _deploy(output, settings, args.settings, env, "deploy again"):
                say("the rebuilt pages (\"Also on\" links) were not deployed — run make deploy")
                status = status or 1
            if not target:
                say("no DEPLOY_TARGET: nothing was deployed, so the links just shared may not be live "
                    "yet — deploy output/ now (make deploy), or set DEPLOY_TARGET so make publish "
                    "deploys first and waits for each page")
            if after != before:
                status = _ledger_changed(ledger, before, after, commit=args.commit) or status
            elif args.commit:
                say("the ledger did not change: nothing to commit")
            return status
    except lock.Busy as exc:
        say(str(exc))
        return 1


def _deploy(output, settings: Mapping, settings_file: str, env: Mapping[str, str], step: str) -> bool:
    """One deploy through the deploy package, then WebSub pings for the feeds it changed."""
    from .deploy import DeployError, deploy, redactor
    from .redact import redacting

    with redacting(redactor(env)):
        try:
            summary = deploy(output, None, settings, env=env, settings_file=settings_file,
                             progress=lambda line: print(line.text, file=sys.stderr, flush=True))
        except DeployError as exc:
            say(f"{step}: {exc}")
            return False
        say(f"{step}: {summary.text()}")
        try:
            lines = websub.after_deploy(summary.uploaded, settings, env)
        except Exception as exc:  # noqa: BLE001 - a hub never fails the run (e.g. a malformed WEBSUB_HUB)
            lines = [f"WebSub: the ping failed ({type(exc).__name__}: {exc}) — not announced"]
        for line in lines:
            say(line)
    return True


def _internal_target(settings: Mapping, env: Mapping[str, str]) -> str:
    return (env.get("INTERNAL_DEPLOY_TARGET") or value_of(settings, "INTERNAL_DEPLOY_TARGET")).strip()


def _deploy_internal(args, content) -> bool:
    """Build and deploy the internal edition (`make deploy`'s second step) before anything is shared,
    so a Slack/Teams link to INTERNAL_SITEURL works when it arrives."""
    command = [sys.executable, "-m", "publish.deploy", "--internal", "--settings", args.internal_settings,
               "--content", str(content)]
    if args.internal_output:
        command += ["--output", args.internal_output]
    return subprocess.run(command).returncode == 0


def _ledger_changed(ledger, before: bytes, after: bytes, *, commit: bool) -> int:
    if not commit:
        say(ledgercommit.hint(ledger))
        return 0
    try:
        sha = ledgercommit.commit(ledger, ledgercommit.message(before, after))
    except ledgercommit.CommitError as exc:
        say(f"the ledger changed but could not be committed: {exc}")
        return 1
    say(f"ledger committed ({sha}); push it so the next run sees it (nothing was pushed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
