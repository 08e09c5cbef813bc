"""The build log, read the way writers and CI read it: the real `pelican` command in its own process.

- Without a terminal (a pipe, as in CI): one line per finding, whole however long its path, no
  colour codes (not even with FORCE_COLOR), no `plugin.py:121` source suffix.
- In a terminal (a pseudo-terminal here): rich's coloured columns, as before.
- In a resident process (`pelican -r`): every rebuild prints its findings again (Pelican's
  LimitFilter used to swallow them as repeats), and a post whose findings are gone says
  "0 findings — all fixed".
"""

from __future__ import annotations

import os
import pty
import queue
import select
import subprocess
import threading
import time
from pathlib import Path

import pytest
from inprocess import post
from sitebuild import PELICAN, REPO

from plugins.brand_guard import check_file, load_config
from plugins.post_contract.facts import display_path

JARGON = "\nWe leverage synergy with our partners to close the books.\n"


def write_conf(tmp: Path, **extra) -> Path:
    lines = [f"import sys; sys.path.insert(0, {str(REPO)!r})", "from pelicanconf import *  # noqa",
             f"OUTPUT_PATH = {str(tmp / 'output')!r}", f"LECTERN_BUILD_DIR = {str(tmp / 'build')!r}",
             f"CACHE_PATH = {str(tmp / 'cache')!r}", "STATIC_PATHS = []"]
    lines += [f"{key} = {value!r}" for key, value in extra.items()]
    conf = tmp / "testconf.py"
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return conf


def site_with_finding(tmp: Path, folder: str = "posts") -> tuple[Path, Path]:
    """A content folder with a clean post and one with two brand warnings; returns (content, post)."""
    content = tmp / "content"
    post(content, "clean-post")
    jargon = post(content, "jargon-post")
    if folder != "posts":
        deep = content / "posts" / folder
        deep.mkdir(parents=True)
        jargon = jargon.rename(deep / jargon.name)
    jargon.write_text(jargon.read_text(encoding="utf-8") + JARGON, encoding="utf-8")
    return content, jargon


def expected_findings(source: Path) -> list:
    """The brand guard's findings for `source` (asked of the guard itself, so a reworded rule
    message does not break this test)."""
    result = check_file(str(source), load_config(REPO / "brand.yml"), display=display_path(str(source)))
    assert result.findings, "the fixture post must have findings"
    return result.findings


def expected_lines(source: Path) -> list[str]:
    """What the log must say for `source`: each finding as the brand guard states it, one line each."""
    level = {"error": "ERROR", "warning": "WARNING"}
    return [f"{level[f.severity]:<8} {f}" for f in expected_findings(source) if f.severity in level]


def env_without_terminal_hints(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR")}
    return {**env, "PYTHONPATH": str(REPO), **extra}


@pytest.mark.parametrize("extra_env", [{}, {"FORCE_COLOR": "1", "TERM": "xterm-256color"}],
                         ids=["plain-pipe", "force-color-pipe"])
def test_without_a_terminal_each_finding_is_one_whole_line(tmp_path, extra_env):
    folder = "a-very-long-folder-name-for-the-quarterly-close-series/" + "ünïcode-and-spaces " * 3 + "/x" * 5
    content, source = site_with_finding(tmp_path, folder)
    assert len(display_path(str(source))) > 120
    conf = write_conf(tmp_path)
    proc = subprocess.run([str(PELICAN), str(content), "-o", str(tmp_path / "output"), "-s", str(conf)],
                          cwd=REPO, env=env_without_terminal_hints(**extra_env), capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    log = proc.stdout + proc.stderr
    assert "\x1b" not in log  # no colour or cursor codes at all
    assert "plugin.py:" not in log and ".py:" not in log.replace(str(REPO), "")
    lines = log.splitlines()
    wanted = expected_lines(source)
    assert len(wanted) >= 2
    for line in wanted:
        assert line in lines, (line, lines)
    assert all(len(line) > 120 for line in wanted)
    # every line that names the post is one of the finding lines: nothing wrapped onto a next line
    named = [line for line in lines if display_path(str(source))[:40] in line]
    assert named == [line for line in lines if line in wanted]
    done = [line for line in lines if line.startswith("Done: Processed")]
    assert len(done) == 1 and done[0].endswith("seconds.")  # Pelican's console line is not wrapped either


def test_in_a_terminal_the_log_keeps_its_colours(tmp_path):
    content, source = site_with_finding(tmp_path)
    conf = write_conf(tmp_path)
    out = run_in_pty([str(PELICAN), str(content), "-o", str(tmp_path / "output"), "-s", str(conf)],
                     env=env_without_terminal_hints(TERM="xterm-256color"))
    assert "\x1b[" in out  # rich's colours, as before
    assert "WARNING" in out and "synergy" in out
    assert "Done: Processed" in out


def run_in_pty(command: list[str], env: dict, timeout: float = 300) -> str:
    """Run `command` with stdout and stderr on a pseudo-terminal; return what it printed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(command, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=follower,
                            stderr=follower, close_fds=True)
    os.close(follower)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                try:
                    data = os.read(leader, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
        proc.wait(timeout=max(1, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(leader)
    assert proc.returncode == 0, b"".join(chunks).decode(errors="replace")
    return b"".join(chunks).decode("utf-8", errors="replace")


class Resident:
    """`pelican -r` in its own process, its output read line by line."""

    def __init__(self, content: Path, conf: Path, output: Path):
        self.proc = subprocess.Popen(
            [str(PELICAN), "-r", str(content), "-o", str(output), "-s", str(conf)], cwd=REPO,
            env=env_without_terminal_hints(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def next_build(self, poke=None, timeout: float = 180) -> list[str]:
        """Lines up to the next "Done:"; `poke()` (an edit) is repeated if no build starts, since an
        edit made before the watcher is back in place is not seen."""
        seen: list[str] = []
        deadline = time.monotonic() + timeout
        retry = time.monotonic() + 20
        while time.monotonic() < deadline:
            if poke is not None and time.monotonic() > retry and not seen:
                poke()
                retry = time.monotonic() + 20
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                assert self.proc.poll() is None, "\n".join(seen)
                continue
            seen.append(line)
            if line.startswith("Done: Processed"):
                return seen
        raise AssertionError("no rebuild finished:\n" + "\n".join(seen))

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def test_every_rebuild_prints_the_findings_and_says_when_they_are_fixed(tmp_path):
    content, source = site_with_finding(tmp_path)
    clean = content / "posts" / "clean-post.md"
    wanted = expected_lines(source)
    shown = display_path(str(source))
    resident = Resident(content, write_conf(tmp_path), tmp_path / "output")
    try:
        first = resident.next_build()
        assert [line for line in wanted if line not in first] == []

        def edit_body() -> None:  # a change that keeps both findings
            source.write_text(source.read_text(encoding="utf-8") + "\nOne more plain sentence.\n",
                              encoding="utf-8")

        time.sleep(1)
        edit_body()
        second = resident.next_build(poke=edit_body)
        assert [line for line in wanted if line not in second] == []  # not swallowed as repeats
        assert not any("all fixed" in line for line in second)
        count = len(expected_findings(source))
        assert f"{shown}: {count} findings" in second  # the edited post's status line
        assert not any("clean-post.md:" in line for line in second)  # not edited: no line

        def fix() -> None:
            source.write_text(source.read_text(encoding="utf-8").replace(JARGON, "\n"), encoding="utf-8")
            clean.write_text(clean.read_text(encoding="utf-8") + "\nAn edit.\n", encoding="utf-8")

        time.sleep(1)
        fix()
        third = resident.next_build(poke=fix)
        assert f"{shown}: 0 findings — all fixed (had {count})" in third, third
        said = [line for line in third if not line.startswith("-> Modified")]  # Pelican's own line
        assert not any(shown in line and "all fixed" not in line for line in said), said
        assert f"{display_path(str(clean))}: 0 findings" in said  # edited, never had any
        assert not any("clean-post.md" in line and "all fixed" in line for line in said)

        def touch() -> None:
            clean.write_text(clean.read_text(encoding="utf-8") + "\nAnother edit.\n", encoding="utf-8")

        time.sleep(1)
        touch()
        fourth = resident.next_build(poke=touch)
        assert not any("all fixed" in line for line in fourth)  # said once, when it happened
        assert not any(shown in line for line in fourth)  # not edited this time: nothing to say
    finally:
        resident.stop()
