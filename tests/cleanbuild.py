"""Clean reference builds, many of them, each as fresh as `make html` — without paying start-up each time.

A "zygote" subprocess imports Pelican and our plugins once and never builds anything itself; for
each request it forks a child that runs one build (`read_settings` + `Pelican(settings).run()`)
and exits. Every child therefore starts from the state of a fresh `pelican` process — nothing a
previous build left in module state can reach it — which is what the dev server's output must be
byte-identical to.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sitebuild import REPO

ZYGOTE = r"""
import json, logging, os, sys
sys.path.insert(0, sys.argv[1])
from pelican import Pelican
from pelican.log import init as init_logging
from pelican.settings import read_settings
import plugins.brand_guard, plugins.feeds, plugins.post_contract, plugins.syndication  # warm imports
init_logging(level=logging.CRITICAL, name="pelican")
for line in sys.stdin:
    job = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            Pelican(read_settings(job["conf"], override=job["settings"])).run()
        except BaseException:
            code = 1
        sys.stdout.flush()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"status": os.waitstatus_to_exitcode(status)}), flush=True)
"""


class CleanBuilds:
    """`build(content, output, settings)` → exit status of a clean dev build of `content`."""

    def __init__(self, conf: Path = REPO / "pelicanconf.py"):
        self.conf = conf
        env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"}
        self.proc = subprocess.Popen([sys.executable, "-c", ZYGOTE, str(REPO)], cwd=REPO, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)

    def build(self, content: Path, output: Path, settings: dict) -> int:
        job = {"conf": str(self.conf),
               "settings": {"PATH": str(content), "OUTPUT_PATH": str(output), **settings}}
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the clean-build process died")
            if line.startswith('{"status"'):
                return json.loads(line)["status"]

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)
