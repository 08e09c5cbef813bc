"""Deploy to GitHub Pages: output/ becomes the one commit on top of a branch (default `gh-pages`),
pushed to a remote (default `origin`), with ghp-import (as Pelican's quickstart does).

A commit is atomic for readers (GitHub Pages publishes the new tree as a whole), so the upload
order does not matter here; the plan, the dry run and the delete cap still do: the branch's tree
is compared with output/ by git blob id, and nothing is committed or pushed when nothing changed.
The branch is first brought up to the remote's (fetch), so the push is a fast-forward.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import time
from collections.abc import Generator, Mapping
from pathlib import Path

from . import files
from .plan import Config, Line, Plan, Summary, check_deletes, diff, summary_for
from .target import DeployError, Target

MESSAGE = "Generate Pelican site"
#: ghp-import -n writes this file (GitHub Pages then skips Jekyll); it is not a leftover.
OURS = frozenset({".nojekyll"})


def git(repo: Path, *args: str, env: Mapping[str, str], check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, encoding="utf-8",
                          errors="surrogateescape", env=dict(env), stdin=subprocess.DEVNULL)
    if check and done.returncode != 0:
        tail = " / ".join((done.stderr or done.stdout).strip().splitlines()[-2:])
        raise DeployError(f"git {args[0]} failed: {tail}")
    return done


def blob_id(path: Path) -> str:
    data = path.read_bytes()
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def repository(output: Path, env: Mapping[str, str]) -> Path:
    found = git(output.parent, "rev-parse", "--show-toplevel", env=env, check=False)
    if found.returncode != 0:
        raise DeployError(f"{output} is not inside a git repository, so there is no branch to publish "
                          "from — run make deploy in your site's repository; nothing was deployed")
    return Path(found.stdout.strip())


def tree(repo: Path, branch: str, env: Mapping[str, str]) -> dict[str, str]:
    """path → blob id of the branch's current tree ({} when the branch does not exist yet)."""
    # -z: paths as they are (git quotes non-ASCII names otherwise, and they must match)
    listed = git(repo, "ls-tree", "-r", "-z", "--full-tree", f"refs/heads/{branch}", env=env, check=False)
    if listed.returncode != 0:
        return {}
    found = {}
    for line in listed.stdout.split("\0"):
        meta, _, path = line.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob":
            found[path] = parts[2]
    return found


def run(output: Path, target: Target, config: Config, local: list[files.LocalFile], *, dry_run: bool,
        force: bool, env: Mapping[str, str], skip: tuple[Path, ...] = ()) -> Generator[Line, None, Summary]:
    """Fetch the branch, compare trees, then commit output/ with ghp-import and push (see above)."""
    started = time.monotonic()
    inside = [p for p in skip if output in p.parents]
    if inside:
        raise DeployError(f"{inside[0]} is inside {output}: GitHub Pages takes the whole folder — move it "
                          "out (LECTERN_BUILD_DIR, SYNDICATION_PREVIEW_DIR); nothing was deployed")
    repo = repository(output, env)
    yield Line(f"fetching {target.remote} {target.branch}")
    fetched = git(repo, "fetch", "--quiet", target.remote, target.branch, env=env, check=False)
    if fetched.returncode == 0:
        current = git(repo, "symbolic-ref", "--quiet", "--short", "HEAD", env=env, check=False).stdout.strip()
        if current == target.branch:
            raise DeployError(f"the branch {target.branch} is checked out in {repo}: switch to your "
                              "source branch first; nothing was deployed")
        git(repo, "update-ref", f"refs/heads/{target.branch}", "FETCH_HEAD", env=env)
    remote = {p: b for p, b in tree(repo, target.branch, env).items() if p not in OURS}
    blobs = {f.path: blob_id(output / f.path) for f in local}
    plan: Plan = diff(local, remote, lambda item, blob: blobs[item.path] == blob)
    check_deletes(plan, config, target.shown, force=force)
    summary = summary_for(plan, target.shown, dry_run=dry_run)
    if dry_run:
        yield from plan.lines()
    elif plan.steps:
        command = [_ghp_import(), "-n", "-m", MESSAGE, "-b", target.branch, "-r", target.remote, "-p",
                   str(output)]
        done = subprocess.run(command, cwd=repo, capture_output=True, encoding="utf-8", errors="replace",
                              env=dict(env), stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            tail = " / ".join((done.stderr or done.stdout).strip().splitlines()[-2:])
            raise DeployError(f"ghp-import failed ({tail}); the branch {target.branch} may hold the new "
                              f"commit unpushed — fix the cause and run make deploy again")
        total = plan.steps
        for number, line in enumerate(plan.lines(verb="pushed:"), start=1):
            yield Line(line.text.replace("pushed: upload", "uploaded").replace("pushed: delete", "deleted"),
                       number, total)
    summary.seconds = time.monotonic() - started
    return summary


def _ghp_import() -> str:
    beside = Path(sys.executable).with_name("ghp-import")
    found = str(beside) if beside.exists() else shutil.which("ghp-import")
    if not found:
        raise DeployError("ghp-import is not installed — run `make venv`; nothing was deployed")
    return found
