"""`make publish COMMIT=1`: commit the syndication ledger (and nothing else) after a live run.

Exactly-once rests on ledger/syndication.jsonl: a checkout without the records of a run shares
those posts again. So a run that changed it says so, and COMMIT=1 commits that one file with a
message naming what was shared. Nothing is pushed: pushing is the operator's (or CI's) call.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path


class CommitError(Exception):
    pass


def snapshot(ledger: str | Path) -> bytes:
    try:
        return Path(ledger).read_bytes()
    except FileNotFoundError:
        return b""


def message(before: bytes, after: bytes) -> str:
    """A subject line plus one line per pair this run recorded as posted."""
    added = after[len(before):] if after.startswith(before) else after
    done = []
    for raw in added.decode("utf-8", "replace").splitlines():
        try:
            record = json.loads(raw)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("event") == "posted":
            how = " (accepted, delivery not confirmed)" if record.get("accepted") else ""
            done.append(f"- {record.get('post')} → {record.get('channel')}{how}")
    subject = "ledger: record this run's syndication (make publish)"
    return subject + ("\n\nShared:\n" + "\n".join(done) if done else "") + "\n"


def hint(ledger: str | Path) -> str:
    path = _relative(Path(ledger))
    return (f"the ledger changed: commit it, or the next checkout shares these posts again — "
            f"git add {path} && git commit -m 'ledger: record syndication' {path} "
            "(or run make publish COMMIT=1)")


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def commit(ledger: str | Path, text: str) -> str:
    """Commit only `ledger` in its git repository; return the new commit's short id."""
    path = Path(ledger).resolve()

    def git(*args: str, where: Path = path.parent) -> str:
        proc = subprocess.run(["git", "-C", str(where), *args], capture_output=True, text=True,
                              encoding="utf-8", errors="replace")
        if proc.returncode != 0:
            raise CommitError(f"git {args[0]} failed: {(proc.stderr or proc.stdout).strip()} — "
                              f"commit {path} by hand")
        return proc.stdout.strip()

    top = Path(git("rev-parse", "--show-toplevel")).resolve()
    rel = path.relative_to(top).as_posix()
    git("add", "--", rel, where=top)
    # --only with a path: whatever else is staged stays staged and out of this commit.
    git("commit", "--only", "--no-verify", "-m", text, "--", rel, where=top)
    return git("rev-parse", "--short", "HEAD", where=top)
