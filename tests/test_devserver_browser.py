"""`make devserver` in headless Chromium: an open post reloads by itself after its file is saved.

The dev server runs as `make devserver` runs it (`python -m devserver`, its own process, on
127.0.0.1). The page under edit must come back as a new document showing the new text; a page the
edit did not change must stay as it is (no reload); the served HTML carries the live-reload script
while the file on disk does not.
"""

from __future__ import annotations

import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time

import pytest
from sitebuild import REPO
from test_browser import CHROMIUM, LAUNCH_ARGS, require

ARTICLE = "/posts/2026/the-five-day-close-is-a-trust-problem-not-a-tooling-problem/"
SOURCE = "posts/2026-03-04-the-five-day-close-is-a-trust-problem.md"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def devserver(tmp_path):
    require(CHROMIUM, "Debian chromium")
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    build = tmp_path / "build"
    sets = {"SITEURL": base, "LECTERN_BUILD_DIR": str(build),
            "SYNDICATION_MANIFEST": str(build / "manifest.json"),
            "SYNDICATION_LEDGER": str(tmp_path / "ledger.jsonl")}
    command = [sys.executable, "-m", "devserver", "--content", str(content), "--output",
               str(tmp_path / "output"), "--port", str(port), "--cache", str(tmp_path / "cache")]
    for key, value in sets.items():
        command += ["--set", f"{key}={value!r}"]
    proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"})
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()

    def wait_for(text: str, timeout: float = 180) -> str:
        seen = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                if proc.poll() is not None:
                    break
                continue
            seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no {text!r} from the dev server:\n" + "".join(seen[-30:]))

    wait_for("devserver: ready")
    try:
        yield base, content, tmp_path / "output", wait_for
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_open_page_reloads_itself_after_its_post_is_saved(devserver):
    from playwright.sync_api import sync_playwright

    base, content, output, wait_for = devserver
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            context = browser.new_context()
            errors: list[str] = []
            pages = {}
            for name, path in (("article", ARTICLE), ("about", "/about/")):
                page = context.new_page()
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                response = page.goto(base + path, wait_until="load")
                assert response is not None and response.status == 200
                page.evaluate("window.__beforeEdit = true")
                pages[name] = page
            html = pages["article"].content()
            assert "/__lectern/live.js" in html
            on_disk = (output / ARTICLE.strip("/") / "index.html").read_text(encoding="utf-8")
            assert "/__lectern/" not in on_disk
            for page in pages.values():  # both listen before the edit
                page.wait_for_function("() => window.lecternLiveReload.readyState === 1", timeout=30_000)

            post = content / SOURCE
            text = post.read_text(encoding="utf-8")
            post.write_text(text + "\nA sentence the browser must show, zqreloaded.\n", encoding="utf-8")
            pages["article"].wait_for_function(
                "() => window.__beforeEdit === undefined && document.body.textContent.includes('zqreloaded')",
                timeout=60_000)
            wait_for("devserver: settled")
            time.sleep(1.0)  # any reload the settled build would trigger has arrived by now
            assert pages["about"].evaluate("window.__beforeEdit") is True, "an unchanged page reloaded"
            assert errors == []
        finally:
            browser.close()
