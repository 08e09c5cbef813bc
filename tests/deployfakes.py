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
