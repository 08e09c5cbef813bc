"""moto's standalone S3 (and CloudFront) server on 127.0.0.1 for the deploy tests: a real HTTP API.

The server's own recorder (`/moto-api/recorder/…`) logs every request in arrival order on the
server side, which is how the tests see the upload order.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

import requests

#: Distinctive fake credentials: a test greps every output for them.
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIALECTERNTEST7Q2Z",
    "AWS_SECRET_ACCESS_KEY": "lectern/Secret+Key9wXyZ0123456789abcdef",
    "AWS_SESSION_TOKEN": "FwoGZXIvYXdzELecternSessionToken0123456789",
    "AWS_REGION": "us-east-1",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Moto:
    endpoint: str
    recording: Path

    def env(self, **extra: str) -> dict[str, str]:
        return {**CREDENTIALS, "AWS_ENDPOINT_URL": self.endpoint, **extra}

    def start_recording(self) -> None:
        requests.post(f"{self.endpoint}/moto-api/recorder/reset-recording", timeout=10).raise_for_status()
        requests.post(f"{self.endpoint}/moto-api/recorder/start-recording", timeout=10).raise_for_status()

    def stop_recording(self) -> list[dict]:
        requests.post(f"{self.endpoint}/moto-api/recorder/stop-recording", timeout=10).raise_for_status()
        text = requests.get(f"{self.endpoint}/moto-api/recorder/download-recording", timeout=10).text
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def start(tmp: Path):
    """Start a ThreadedMotoServer on a free port; returns (server, Moto)."""
    recording = tmp / "moto-recording.jsonl"
    os.environ["MOTO_RECORDER_FILEPATH"] = str(recording)  # read when the recorder is created
    from moto.moto_api import recorder
    from moto.moto_api._internal.recorder.models import Recorder
    from moto.server import ThreadedMotoServer

    recorder._location = str(recording)  # the recorder may exist already (import order)
    if not getattr(Recorder, "_lectern_locked", False):
        # The server answers the deploy's parallel uploads on several threads, and the recorder
        # appends each request with a separate write: one lock keeps the log one request per line.
        lock, record = threading.Lock(), Recorder._record_request

        def locked(self, *args, **kwargs):
            with lock:
                return record(self, *args, **kwargs)

        Recorder._record_request, Recorder._lectern_locked = locked, True
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server, Moto(f"http://127.0.0.1:{port}", recording)


class RefusingProxy:
    """A forwarding HTTP proxy on 127.0.0.1 in front of moto that answers 503 SlowDown (S3's
    throttling answer) to every PUT whose path ends with one of `refuse`: a store that throttles
    one key for longer than boto3's retries last."""

    def __init__(self, upstream: str, refuse: tuple[str, ...]):
        import http.server

        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path.split("?", 1)[0]
                if self.command == "PUT" and path.endswith(proxy.refuse):
                    proxy.refused += 1
                    data = (b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>SlowDown</Code>"
                            b"<Message>Please reduce your request rate.</Message></Error>")
                    self.send_response(503)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                skip = ("host", "content-length")
                headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
                answer = requests.request(self.command, upstream + self.path, data=body, headers=headers,
                                          timeout=30, allow_redirects=False)
                self.send_response(answer.status_code)
                for key, value in answer.headers.items():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection",
                                           "content-encoding"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(answer.content)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

        self.refuse = refuse
        self.refused = 0
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
