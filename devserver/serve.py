"""The dev server's HTTP side: output/ with clean URLs, the site's 404 page, and live reload.

Live reload needs nothing in the browser beyond `EventSource`: every HTML response gets one
`<script src="/__lectern/live.js">` before `</body>`, and that script listens on
`/__lectern/events` (Server-Sent Events, `text/event-stream`) for the list of output files each
rebuild changed, reloading when its own page (or a stylesheet/script) is among them. The script is
added while serving only: no file in output/ contains it, so `make build-prod` cannot ship it.
"""

from __future__ import annotations

import json
import mimetypes
import posixpath
import queue
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

PREFIX = "/__lectern/"
EVENTS = PREFIX + "events"
SCRIPT = PREFIX + "live.js"
TAG = f'<script src="{SCRIPT}" defer></script>'.encode()
LIVE_JS = (Path(__file__).with_name("live.js")).read_bytes()
#: feeds (*.atom.xml, *.rss.xml) as application/xml: a browser shows them instead of downloading them
TYPES = {".xml": "application/xml", ".webmanifest": "application/manifest+json", ".js": "text/javascript",
         ".json": "application/json"}
HEARTBEAT = 15.0  # seconds between keep-alive comments on an idle event stream


class Hub:
    """Fans each list of changed output paths out to every open event stream."""

    def __init__(self) -> None:
        self._clients: set[queue.Queue] = set()
        self._lock = threading.Lock()

    def subscribe(self) -> queue.Queue:
        client: queue.Queue = queue.Queue()
        with self._lock:
            self._clients.add(client)
        return client

    def unsubscribe(self, client: queue.Queue) -> None:
        with self._lock:
            self._clients.discard(client)

    def publish(self, paths: list[str]) -> None:
        with self._lock:
            clients = list(self._clients)
        for client in clients:
            client.put(list(paths))

    def publish_none(self) -> None:
        with self._lock:
            clients = list(self._clients)
        for client in clients:
            client.put(None)

    @property
    def listeners(self) -> int:
        with self._lock:
            return len(self._clients)


def inject(html: bytes) -> bytes:
    """`html` with the live-reload script before its last `</body>` (or at the end)."""
    at = html.lower().rfind(b"</body>")
    return html + TAG if at < 0 else html[:at] + TAG + html[at:]


class Handler(BaseHTTPRequestHandler):
    server: DevHTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 — stdlib signature; requests are not news
        pass

    def do_HEAD(self):  # noqa: N802 — stdlib naming
        self.do_GET(head=True)

    def do_GET(self, head: bool = False):  # noqa: N802 — stdlib naming
        path = unquote(urlsplit(self.path).path)
        if path == EVENTS:
            return self._events()
        if path == SCRIPT:
            return self._send(HTTPStatus.OK, LIVE_JS, "text/javascript; charset=utf-8", head)
        file, redirect = self._resolve(path)
        if redirect:
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", redirect)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        status = HTTPStatus.OK
        if file is None:
            status, file = HTTPStatus.NOT_FOUND, self.server.root / "404.html"
        try:
            body = file.read_bytes()
        except OSError:
            return self._send(HTTPStatus.NOT_FOUND, b"Not found\n", "text/plain; charset=utf-8", head)
        ctype = _content_type(file)
        if ctype.startswith("text/html"):
            body = inject(body)
        return self._send(status, body, ctype, head)

    def _resolve(self, path: str) -> tuple[Path | None, str | None]:
        """(file to send or None, or a redirect target for a folder asked without its slash)."""
        root = self.server.root
        parts = [p for p in posixpath.normpath(path).split("/") if p and p not in (".", "..")]
        try:
            real = root.joinpath(*parts).resolve()
            if real != root and root not in real.parents:
                return None, None
            if real.is_dir():
                if not path.endswith("/"):
                    query = urlsplit(self.path).query
                    return None, self.path.split("?", 1)[0] + "/" + (f"?{query}" if query else "")
                real = real / "index.html"
            return (real if real.is_file() else None), None
        except (OSError, ValueError):  # a NUL byte, a name too long for the file system
            return None, None

    def _send(self, status: HTTPStatus, body: bytes, ctype: str, head: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # a reload must show the new file
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self) -> None:
        hub = self.server.hub
        client = hub.subscribe()
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "keep-alive")
            self.end_headers()
            self.wfile.write(b"retry: 500\n: connected\n\n")
            self.wfile.flush()
            while not self.server.closing.is_set():
                try:
                    paths = client.get(timeout=HEARTBEAT)
                except queue.Empty:
                    self.wfile.write(b": ping\n\n")
                    self.wfile.flush()
                    continue
                if paths is None:
                    break
                self.wfile.write(b"data: " + json.dumps(paths).encode() + b"\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        finally:
            hub.unsubscribe(client)
            self.close_connection = True


class DevHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], root: Path, hub: Hub):
        self.root = Path(root).resolve()
        self.hub = hub
        self.closing = threading.Event()
        super().__init__(address, Handler)

    def server_close(self) -> None:
        self.closing.set()
        self.hub.publish_none()
        super().server_close()


def _content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    ctype = TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if ctype.startswith("text/") or ctype in ("application/xml", "application/json"):
        ctype += "; charset=utf-8"
    return ctype


def start(root: Path, bind: str, port: int, hub: Hub) -> tuple[DevHTTPServer, threading.Thread]:
    """Serve `root` on (bind, port) in a daemon thread."""
    server = DevHTTPServer((bind, port), root, hub)
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="devserver-http")
    thread.start()
    return server, thread


def url_of(server: DevHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"
