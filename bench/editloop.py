"""Edit to page: from saving a post to its page on disk showing the new text, with a resident watcher.

For each tool a watcher is started on its own copy of the bench corpus and left to finish its first
build; then, `edits` times, one post's body gets a new sentence and the clock runs from just before
the write until that post's page file on disk contains the sentence (polled every 2 ms). Before the
next edit the tool must have finished its rebuild (its "done" line), so every edit starts from a
quiet, settled site. Tools:

- `lectern`: `python -m devserver --no-serve` (`make regenerate`) with the dev settings;
- `lectern-pelican-r`: `pelican -r` with the dev settings (what `make regenerate` ran before);
- `vanilla`: `pelican -r` with vanilla Pelican's defaults (the reference);
- `hugo`: `hugo server --renderToDisk` on the same posts converted to Hugo front matter, with a
  minimal single/list layout — only when `hugo` is on PATH (`apt-get install hugo`).
"""

from __future__ import annotations

import json
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench import builds

TOOLS = ("lectern", "lectern-pelican-r", "vanilla", "hugo")
START_TIMEOUT = 900.0
EDIT_TIMEOUT = 300.0


@dataclass
class Watcher:
    """One running tool: its process, its output lines, where a post's page lands, its done line."""

    name: str
    proc: subprocess.Popen
    output: Path
    content: Path
    done: tuple[str, ...]  # the tool prints one of these when a (re)build finished
    page_globs: tuple[str, ...]  # where post number {i}'s page is, relative to output
    manifest: Path | None = None  # Lectern's build/manifest.json: each post's source and page

    def __post_init__(self) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []  # everything the tool printed, saved beside its output
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.log.append(line)
            self.lines.put(line)

    def wait_done(self, timeout: float) -> bool:
        """Wait for the next done line (False: the process ended or the time ran out)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.proc.poll() is not None:
                    return False
                continue
            if any(text in line for text in self.done):
                return True
        return False

    def drain(self, quiet: float = 0.5) -> None:
        """Let a tool finish whatever it still does (e.g. a second rebuild) before the next edit."""
        while True:
            try:
                self.lines.get(timeout=quiet)
            except queue.Empty:
                return

    def page_of(self, index: int) -> Path | None:
        for pattern in self.page_globs:
            found = sorted(self.output.glob(pattern.format(i=index)))
            if found:
                return found[0]
        if self.manifest is not None and self.manifest.is_file():  # a slug cut at 80 characters
            for post in json.loads(self.manifest.read_text(encoding="utf-8")).get("posts", []):
                if str(post.get("source_path", "")).endswith(f"-{index:05d}.md"):
                    return self.output / post["path"] / "index.html"
        return None

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _copy_corpus(content: Path, dest: Path) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(content, dest)
    return dest


def _popen(cmd: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=cwd, env=builds.env(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, errors="replace")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_lectern(scratch: Path, content: Path) -> Watcher:
    build = builds.make_build("edit-lectern", scratch, conf="pelicanconf")
    shutil.rmtree(build.output, ignore_errors=True)
    copy = _copy_corpus(content, build.conf.parent / "content")
    cmd = [sys.executable, "-m", "devserver", "--no-serve", "--settings", str(build.conf), "--content",
           str(copy), "--output", str(build.output), "--cache", str(build.cache), "-q"]
    return Watcher("lectern", _popen(cmd, builds.REPO), build.output, copy, ("devserver: settled",),
                   ("posts/*/*-{i}/index.html",), build.conf.parent / "build" / "manifest.json")


def start_pelican_r(scratch: Path, content: Path, *, vanilla: bool) -> Watcher:
    name = "edit-vanilla" if vanilla else "edit-lectern-pelican-r"
    build = builds.make_build(name, scratch, conf=None if vanilla else "pelicanconf")
    shutil.rmtree(build.output, ignore_errors=True)
    copy = _copy_corpus(content, build.conf.parent / "content")
    cmd = [str(builds.PELICAN), str(copy), "-o", str(build.output), "-s", str(build.conf), "-r"]
    globs = ("*-{i}.html",) if vanilla else ("posts/*/*-{i}/index.html",)
    manifest = None if vanilla else build.conf.parent / "build" / "manifest.json"
    return Watcher("vanilla" if vanilla else "lectern-pelican-r", _popen(cmd, builds.REPO), build.output,
                   copy, ("Done: Processed",), globs, manifest)


HUGO_CONFIG = """\
baseURL = "http://localhost:1313/"
title = "Bench"
languageCode = "en"
paginate = 6
disableKinds = []
[markup.goldmark.renderer]
unsafe = true
"""
HUGO_LAYOUTS = {
    "_default/baseof.html": (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
        '<body>{{ block "main" . }}{{ end }}</body></html>\n'),
    "_default/single.html": (
        '{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "2 January 2006" }}</time>'
        '{{ .Content }}<ul>{{ range .Params.tags }}<li>{{ . }}</li>{{ end }}</ul></article>{{ end }}\n'),
    "_default/list.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Paginator.Pages }}'
        '<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>{{ .Summary }}{{ end }}{{ end }}\n'),
}
_HEADER = re.compile(r"^(\w+):\s*(.*)$")


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_hugo(post: str) -> str:
    """A Lectern post (Pelican header) as a Hugo page with TOML front matter."""
    head, _, body = post.partition("\n\n")
    fields = {m.group(1).lower(): m.group(2) for m in map(_HEADER.match, head.splitlines()) if m}
    front = [f"title = {_toml(fields.get('title', ''))}",
             f"date = {fields.get('date', '2020-01-01 00:00').replace(' ', 'T')}:00Z",
             f"author = {_toml(fields.get('author', ''))}",
             f"summary = {_toml(fields.get('summary', ''))}",
             f"categories = [{_toml(fields.get('category', 'Insights'))}]",
             "tags = [" + ", ".join(_toml(t.strip()) for t in fields.get("tags", "").split(",") if t.strip())
             + "]"]
    return "+++\n" + "\n".join(front) + "\n+++\n\n" + body.replace("{static}", "")


def start_hugo(scratch: Path, content: Path) -> Watcher | None:
    hugo = shutil.which("hugo")
    if hugo is None:
        return None
    site = scratch / "edit-hugo"
    if site.exists():
        shutil.rmtree(site)
    (site / "content" / "posts").mkdir(parents=True)
    (site / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for rel, text in HUGO_LAYOUTS.items():
        (site / "layouts" / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / "layouts" / rel).write_text(text, encoding="utf-8")
    for post in sorted((content / "posts").glob("*.md")):
        (site / "content" / "posts" / post.name).write_text(to_hugo(post.read_text(encoding="utf-8")),
                                                           encoding="utf-8")
    if (content / "images").is_dir():
        shutil.copytree(content / "images", site / "static" / "images")
    public = site / "public"
    cmd = [hugo, "server", "--renderToDisk", "-d", str(public), "--bind", "127.0.0.1", "--port",
           str(_free_port()), "--source", str(site)]
    return Watcher("hugo", _popen(cmd, site), public, site / "content", ("Built in", "Total in"),
                   ("posts/*-{i:05d}/index.html",))


def _stats(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": values}


def _edit_and_time(watcher: Watcher, index: int, tag: str) -> float | None:
    """Append a sentence to post `index`; seconds until its page on disk shows it (None: never)."""
    post = next(iter(sorted((watcher.content / "posts").glob(f"*-{index:05d}.md"))), None)
    page = watcher.page_of(index)
    if post is None or page is None:
        return None
    marker = f"zqedit{tag}"
    text = post.read_text(encoding="utf-8").rstrip("\n") + f"\n\nEdited for the benchmark, {marker}.\n"
    needle = marker.encode()
    started = time.perf_counter()
    post.write_text(text, encoding="utf-8")
    deadline = started + EDIT_TIMEOUT
    while time.perf_counter() < deadline:
        try:
            if needle in page.read_bytes():
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.002)
    return None


def measure(content: Path, posts: int, scratch: Path, *, edits: int = 5,
            tools: tuple[str, ...] = TOOLS) -> dict:
    """{tool: row} — row: available, seconds (median/min/max/runs) or why."""
    rows: dict[str, dict] = {}
    picks = [(k * 7919 + 13) % posts for k in range(edits)]  # spread over the corpus, deterministic
    for tool in tools:
        if tool == "hugo":
            watcher = start_hugo(scratch, content)
            if watcher is None:
                rows[tool] = {"available": False, "why": "hugo is not on PATH"}
                continue
        elif tool == "lectern":
            watcher = start_lectern(scratch, content)
        else:
            watcher = start_pelican_r(scratch, content, vanilla=tool == "vanilla")
        try:
            if not watcher.wait_done(START_TIMEOUT):
                rows[tool] = {"available": False, "why": f"{tool} did not finish its first build"}
                continue
            watcher.drain()
            times = []
            for number, index in enumerate(picks):
                seconds = _edit_and_time(watcher, index, f"{tool.replace('-', '')}{number}")
                if seconds is None:
                    break
                times.append(seconds)
                watcher.wait_done(EDIT_TIMEOUT)
                watcher.drain()
            if len(times) < len(picks):
                rows[tool] = {"available": False, "why": f"{tool}: an edit never reached its page"}
            else:
                rows[tool] = {"available": True, "seconds": _stats(times), "edits": len(times)}
        finally:
            watcher.stop()
            (scratch / f"edit-{tool}.log").write_text("".join(watcher.log), encoding="utf-8")
        print(f"bench: edit to page, {tool} done", file=sys.stderr)
    reference = rows.get("vanilla", {})
    for row in rows.values():
        if row.get("available") and reference.get("available"):
            row["ratio"] = row["seconds"]["median"] / reference["seconds"]["median"]
    return {"posts": posts, "tools": rows}
