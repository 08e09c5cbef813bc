"""Deploy with rsync: over ssh (`ssh://user@host:port/path`), to an rsync daemon (`rsync://…`), or
to a local or mounted folder (`file:///path`).

rsync compares by checksum (`-c`: Pelican rewrites every file, so times always differ). The plan
comes from rsync itself (`--dry-run --itemize-changes --delete`), so the dry run and the delete
cap see exactly what rsync would do; then one pass per upload tier (`--files-from`), and a last
`--delete` pass (with `--max-delete` as a second guard) that removes what is gone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Generator, Mapping
from pathlib import Path

from . import files
from .plan import Config, Line, Plan, Summary, check_deletes, summary_for
from .target import DeployError, Target

TIMEOUT = 120  # seconds without I/O before rsync gives up


def command(target: Target, excludes: list[str]) -> list[str]:
    rsync = shutil.which("rsync")
    if rsync is None:
        raise DeployError("rsync is not installed — install it (e.g. `apt-get install rsync`) or use another "
                          "DEPLOY_TARGET; nothing was deployed")
    argv = [rsync, "-rlpt", "--checksum", f"--timeout={TIMEOUT}", *(f"--exclude={e}" for e in excludes)]
    remote_shell = not target.destination.startswith(("/", "rsync://"))
    if remote_shell:
        argv += ["--compress", "-e", f"ssh -p {target.port}" if target.port else "ssh"]
    return argv


def excludes_for(output: Path, skip: list[Path]) -> list[str]:
    found = ["/.git", ".DS_Store"]
    for folder in skip:
        if output in folder.parents:
            found.append("/" + folder.relative_to(output).as_posix() + "/")
    return found


def call(argv: list[str], env: Mapping[str, str]) -> str:
    done = subprocess.run(argv, capture_output=True, encoding="utf-8", errors="surrogateescape",
                          env=dict(env), stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise DeployError(f"rsync exited with status {done.returncode}: {' / '.join(tail)}")
    return done.stdout


def planned(argv: list[str], source: str, target: Target, local: list[files.LocalFile],
            env: Mapping[str, str]) -> Plan:
    # -8: names as they are (in a C locale rsync escapes non-ASCII bytes as \#ooo, and they must match)
    listing = call([*argv, "--dry-run", "--delete", "--itemize-changes", "-8", "--out-format=%i %n",
                    source, target.destination], env)
    by_path = {f.path: f for f in local}
    plan = Plan()
    uploads = set()
    for line in listing.splitlines():
        if line.startswith("*deleting"):
            path = line.split(None, 1)[1].strip()
            if path.endswith("/"):
                plan.folders.append(path)
            else:
                plan.deletes.append(path)
            continue
        flags, _, path = line.partition(" ")
        if len(flags) >= 2 and flags[0] in "<>" and flags[1] == "f" and path in by_path:
            uploads.add(path)
            if "+" in flags:
                plan.new.add(path)
    plan.uploads = [f for f in local if f.path in uploads]
    plan.unchanged = [f for f in local if f.path not in uploads]
    plan.deletes.sort()
    return plan


def run(output: Path, target: Target, config: Config, local: list[files.LocalFile], *, dry_run: bool,
        force: bool, env: Mapping[str, str], skip: tuple[Path, ...] = ()) -> Generator[Line, None, Summary]:
    """Plan with rsync's own dry run, upload tier by tier, then delete (see the module docstring)."""
    started = time.monotonic()
    argv = command(target, excludes_for(output, list(skip)))
    source = str(output).rstrip("/") + "/"
    yield Line(f"comparing with {target.shown}")
    plan = planned(argv, source, target, local, env)
    check_deletes(plan, config, target.shown, force=force)
    summary = summary_for(plan, target.shown, dry_run=dry_run)
    if dry_run:
        yield from plan.lines()
    else:
        done, total = 0, plan.steps
        for group in plan.tiers():
            with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False, encoding="utf-8") as listed:
                listed.write("".join(f"{item.path}\n" for item in group))
            try:
                call([*argv, f"--files-from={listed.name}", source, target.destination], env)
            finally:
                os.unlink(listed.name)
            for item in group:
                done += 1
                yield Line(f"uploaded {item.path} ({files.TIER_NAMES[item.tier]})", done, total)
        # A second guard: rsync itself stops after as many deletions as the plan holds.
        cap = [] if force else [f"--max-delete={len(plan.deletes) + len(plan.folders)}"]
        call([*argv, "--delete", *cap, source, target.destination], env)
        for path in plan.deletes:
            done += 1
            yield Line(f"deleted {path}", done, total)
    summary.seconds = time.monotonic() - started
    return summary
