"""The dev server's parts: the HTTP side (clean URLs, 404 page, live-reload script, event stream),
the output sync, the header test that picks the fast path — and production output never carrying
the live-reload script."""

from __future__ import annotations

import http.client
import json
import sys
import threading
from urllib.parse import quote

import pytest
from sitebuild import REPO, all_output_bytes, production_build

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from devserver import serve  # noqa: E402
from devserver.site import header_of  # noqa: E402
from devserver.sync import sync_tree  # noqa: E402

#: What only the dev server's pages carry; production output must contain none of it.
LIVE_MARKERS = (b"/__lectern/", b"EventSource", b"text/event-stream")


@pytest.fixture
def served(tmp_path):
    root = tmp_path / "output"
    (root / "posts" / "2026" / "a-post").mkdir(parents=True)
    (root / "posts" / "2026" / "a-post" / "index.html").write_text(
        "<!doctype html><html><body><p>Post</p></body></html>", encoding="utf-8")
    (root / "404.html").write_text("<html><body><h1>Not here</h1></body></html>", encoding="utf-8")
    (root / "feeds").mkdir()
    (root / "feeds" / "all.atom.xml").write_text("<feed></feed>", encoding="utf-8")
    (root / "outside.txt").write_text("x", encoding="utf-8")
    hub = serve.Hub()
    server, thread = serve.start(root, "127.0.0.1", 0, hub)
    yield server, hub, root
    server.shutdown()
    server.server_close()


def _get(server, path: str, method: str = "GET") -> tuple[int, dict, bytes]:
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.request(method, path)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), body


def test_clean_urls_serve_index_html_with_the_live_script_added(served):
    server, _, root = served
    status, headers, body = _get(server, "/posts/2026/a-post/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert body.endswith(b'<p>Post</p><script src="/__lectern/live.js" defer></script></body></html>')
    assert headers["Cache-Control"] == "no-store"
    assert b"__lectern" not in (root / "posts" / "2026" / "a-post" / "index.html").read_bytes()
    status, headers, _ = _get(server, "/posts/2026/a-post")
    assert status == 301 and headers["Location"] == "/posts/2026/a-post/"
    status, _, body = _get(server, "/posts/2026/a-post/index.html")
    assert status == 200 and b"/__lectern/live.js" in body
    status, headers, body = _get(server, "/posts/2026/a-post/", "HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0


@pytest.mark.parametrize("path", ["/nope/", "/posts/2026/missing", "/../../etc/passwd", "/%2e%2e/x",
                                  "/posts/%00/", "/" + quote("é" * 300), "/feeds/all.atom.xml/extra"])
def test_missing_or_escaping_paths_get_the_sites_404_page(served, path):
    server, _, _ = served
    status, headers, body = _get(server, path)
    assert status == 404
    assert b"<h1>Not here</h1>" in body and b"/__lectern/live.js" in body
    assert headers["Content-Type"].startswith("text/html")


def test_feeds_and_the_script_have_their_types_and_no_injection(served):
    server, _, _ = served
    status, headers, body = _get(server, "/feeds/all.atom.xml")
    # application/xml, not atom+xml: a browser shows it instead of downloading it
    assert status == 200 and headers["Content-Type"] == "application/xml; charset=utf-8"
    assert body == b"<feed></feed>"
    status, headers, body = _get(server, "/__lectern/live.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert b"new EventSource(\"/__lectern/events\")" in body and b"location.reload()" in body


def test_event_stream_tells_open_pages_which_files_changed(served):
    server, hub, _ = served
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.request("GET", "/__lectern/events")
    response = conn.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/event-stream"
    assert response.readline() == b"retry: 500\n"
    while hub.listeners == 0:
        threading.Event().wait(0.01)
    hub.publish(["posts/2026/a-post/index.html", "tag/ünïcode/index.html"])
    lines = []
    while not lines or lines[-1] != b"\n" or not any(x.startswith(b"data:") for x in lines):
        lines.append(response.readline())
    data = next(x for x in lines if x.startswith(b"data: "))
    assert json.loads(data[6:]) == ["posts/2026/a-post/index.html", "tag/ünïcode/index.html"]
    conn.close()


def test_inject_puts_the_script_before_the_last_body_end_or_at_the_end():
    assert serve.inject(b"<body>a</body><!-- </BODY> --></BODY>") == (
        b"<body>a</body><!-- </BODY> -->" + serve.TAG + b"</BODY>")
    assert serve.inject(b"<p>fragment") == b"<p>fragment" + serve.TAG


def test_sync_replaces_only_what_differs_and_removes_what_a_clean_build_lacks(tmp_path):
    src, dest = tmp_path / "src", tmp_path / "dest"
    for root, files in ((src, {"a/index.html": "new", "same.css": "s", "b": "file now"}),
                        (dest, {"a/index.html": "old", "same.css": "s", "gone/index.html": "x",
                                "b/index.html": "was a folder"})):
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
    before = (dest / "same.css").stat().st_mtime_ns
    changed = sync_tree(src, dest)
    assert changed == ["a/index.html", "b", "b/index.html", "gone/index.html"]
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*")) == ["a", "a/index.html", "b",
                                                                              "same.css"]
    assert (dest / "a" / "index.html").read_text(encoding="utf-8") == "new"
    assert (dest / "same.css").stat().st_mtime_ns == before  # untouched
    assert [p for p in src.rglob("*") if p.is_file()] == []  # consumed, identical files too
    (dest / "b").unlink()
    (dest / "b").write_text("a file where a folder goes", encoding="utf-8")
    (src / "b" / "index.html").parent.mkdir(parents=True)
    (src / "b" / "index.html").write_text("page", encoding="utf-8")
    assert sync_tree(src, dest, delete=False) == ["b", "b/index.html"]
    assert (dest / "b" / "index.html").read_text(encoding="utf-8") == "page"
    assert (dest / "a" / "index.html").is_file()  # delete=False keeps what src lacks


@pytest.mark.parametrize(("before", "after", "same"), [
    (b"Title: A\nDate: 2026-01-01\n\nBody one.\n", b"Title: A\nDate: 2026-01-01\n\nBody two.\n", True),
    (b"Title: A\r\nTags: x\r\n\r\nBody.\r\n", b"Title: A\nTags: x\n\nOther body.\n", True),
    (b"Title: A\n\nBody.\n", b"Title: B\n\nBody.\n", False),
    (b"Title: A\n\nBody.\n", b"Title: A\nStatus: draft\n\nBody.\n", False),
    (b"Title: A\nno blank line at all", b"Title: A\nno blank line at all, edited", False),
    (b"\nTitle: A\n\nBody.\n", b"Title: A\n\nBody.\n", False),
])
def test_only_an_unchanged_header_counts_as_a_body_edit(before, after, same):
    assert (header_of(before) == header_of(after)) is same


def test_production_output_never_contains_the_live_reload_script(tmp_path, marked_content):
    conf = tmp_path / "prodconf.py"
    build = tmp_path / "build"
    conf.write_text(
        f"import sys; sys.path.insert(0, {str(REPO)!r})\nfrom publishconf import *  # noqa\n"
        f"LECTERN_BUILD_DIR = {str(build)!r}\nSYNDICATION_MANIFEST = {str(build / 'manifest.json')!r}\n"
        f"SYNDICATION_LEDGER = {str(tmp_path / 'ledger.jsonl')!r}\n"
        f"CACHE_PATH = {str(tmp_path / 'cache')!r}\n",
        encoding="utf-8")
    output = tmp_path / "output"
    proc = production_build(marked_content, output, conf)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    files = all_output_bytes(output)
    assert len([p for p in files if p.suffix == ".html"]) > 10
    leaks = [f"{p.relative_to(output)}: {m!r}" for p, data in files.items()
             for m in LIVE_MARKERS if m in data]
    assert leaks == []


def test_production_scan_would_see_a_served_page(served):
    """Guards the scan above: a page as the dev server sends it does carry every marker it looks for."""
    server, _, _ = served
    _, _, page = _get(server, "/posts/2026/a-post/")
    _, _, script = _get(server, "/__lectern/live.js")
    assert all(marker in page + script for marker in LIVE_MARKERS[:2])
