"""One `make publish` at a time, end to end: a second run stops at once and changes nothing.

Ten times, a real `make publish` starts (production build, publish step against a fake Mastodon
that holds its POST, rebuild) and a second one starts 0.1–3 s later, wherever the first run is.
Every file operation of the second run and its children is recorded by a Python audit hook
(sys.addaudithook, loaded through sitecustomize) — the hook is checked on the first run too, so
an empty record really means "wrote nothing".
"""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import textwrap
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import copy_content
from fakes.harness import REPO, SECRETS, ledger_records, threaded_mastodon

RUNS = 10
CLOSE = "the-five-day-close-is-a-trust-problem-not-a-tooling-problem"

AUDIT = textwrap.dedent('''
    """Test-only: record every operation that may change a file (tests/test_publish_lock.py)."""
    import os
    import sys

    _WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    _CHANGES = {"os.mkdir", "os.rename", "os.remove", "os.rmdir", "shutil.rmtree", "os.utime", "os.chmod",
                "os.chown", "os.truncate", "os.link", "os.symlink", "shutil.copyfile", "shutil.move"}
    _fd = os.open(os.environ["LECTERN_AUDIT_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)


    def _hook(event, args):
        if event == "open":
            path, mode, flags = args
            if not ((isinstance(mode, str) and set(mode) & set("wax+")) or (flags or 0) & _WRITE):
                return
            paths = [path]
        elif event in _CHANGES or event == "subprocess.Popen":
            paths = [a for a in args if isinstance(a, (str, bytes, os.PathLike))]
        else:
            return
        shown = [os.path.abspath(os.fsdecode(p)) for p in paths if not isinstance(p, int)]
        os.write(_fd, f"{os.getpid()} {event} {shown!r}\\n".encode("utf-8", "replace"))


    os.write(_fd, f"{os.getpid()} hooked {sys.argv!r}\\n".encode())
    sys.addaudithook(_hook)
''')


@pytest.fixture
def held_mastodon():
    with threaded_mastodon() as fake:
        yield fake


def conf_for(tmp: Path, run: int) -> Path:
    """Shared output/ and build/; a ledger and preview per round, so the first run has posts to send."""
    lines = [
        f"import sys; sys.path.insert(0, {str(REPO)!r})",
        "from publishconf import *  # noqa",
        f"LECTERN_BUILD_DIR = {str(tmp / 'build')!r}",
        f"SYNDICATION_MANIFEST = {str(tmp / 'build' / 'manifest.json')!r}",
        f"SYNDICATION_LEDGER = {str(tmp / f'ledger-{run}.jsonl')!r}",
        f"SYNDICATION_PREVIEW_DIR = {str(tmp / f'preview-{run}')!r}",
        f"CACHE_PATH = {str(tmp / 'cache')!r}",
        "SYNDICATION_CHANNELS = ['mastodon']",
        "SYNDICATION_TIMEOUT = 120",  # the held POST must not time out
    ]
    path = tmp / f"conf-{run}.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def snapshot(*roots: Path) -> dict[str, tuple]:
    found = {}
    for root in roots:
        for path in [root, *root.rglob("*")] if root.exists() else []:
            stat = path.stat()
            digest = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
            found[str(path)] = (digest, stat.st_mtime_ns, stat.st_ino)
    return found


def test_a_second_make_publish_stops_at_once_and_touches_nothing(tmp_path, held_mastodon):
    fake = held_mastodon
    content = copy_content(tmp_path / "content")
    output, build = tmp_path / "output", tmp_path / "build"
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(AUDIT, encoding="utf-8")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MASTODON_", "X_", "LINKEDIN_"))}
    env = {
        **base,
        "MASTODON_ACCESS_TOKEN": SECRETS["MASTODON_ACCESS_TOKEN"],
        "MASTODON_API_BASE": fake.url,
        "COLUMNS": "200",
        "PYTHONPATH": f"{hook}{os.pathsep}{base.get('PYTHONPATH', '')}",
    }
    rng = random.Random()
    refusals, seconds = 0, []

    for run in range(RUNS):
        conf = conf_for(tmp_path, run)
        make = [
            "make",
            "--no-print-directory",
            "publish",
            f"PUBLISHCONF={conf}",
            f"INPUTDIR={content}",
            f"OUTPUTDIR={output}",
        ]
        first_log, second_log = tmp_path / f"audit-1-{run}.log", tmp_path / f"audit-2-{run}.log"
        fake.gate.clear()  # the first run's POST waits until the second run is over
        first = subprocess.Popen(
            make,
            cwd=REPO,
            env={**env, "LECTERN_AUDIT_LOG": str(first_log)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        time.sleep(rng.uniform(0.1, 3.0))
        quiet = fake.waiting > 0  # the first run sits in its publish step: output/ and build/ are still
        before = snapshot(output, build)
        began = time.monotonic()
        second = subprocess.run(
            make,
            cwd=REPO,
            env={**env, "LECTERN_AUDIT_LOG": str(second_log)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        seconds.append(time.monotonic() - began)
        if quiet and fake.waiting > 0:
            assert snapshot(output, build) == before
        fake.gate.set()
        log, _ = first.communicate(timeout=600)

        assert second.returncode != 0, second.stdout + second.stderr
        assert "another publish is running" in second.stderr
        refusals += 1
        changes = second_log.read_text(encoding="utf-8").splitlines()
        assert changes and all(" hooked " in line for line in changes), (
            changes
        )  # read, refused, wrote nothing

        assert first.returncode == 0, log
        assert "Traceback" not in log and "another publish is running" not in log
        audit = first_log.read_text(encoding="utf-8")
        assert str(build / "manifest.json") in audit and ".staging-" in audit  # the hook sees writes
        posted = [
            r["post"]
            for r in ledger_records({"SYNDICATION_LEDGER": str(tmp_path / f"ledger-{run}.jsonl")})
            if r["event"] == "posted"
        ]
        assert len(posted) == 3 and CLOSE in posted
        page = BeautifulSoup(
            (output / "posts" / "2026" / CLOSE / "index.html").read_text(encoding="utf-8"), "html.parser"
        )
        assert [a.get_text(strip=True) for a in page.select("a.u-syndication")] == ["Mastodon"]  # rebuilt
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("output")) == ["output"]

    assert refusals == RUNS
    print(f"{refusals} refusals; the second run stopped after {min(seconds):.1f}–{max(seconds):.1f} s")
