"""Build a real Lectern site with real Pelican into a temp folder, the way `make` does.

Tests run Pelican in a subprocess (not in-process) so exit codes, logging and `SystemExit` behave
exactly as for a writer running `make html` / `make build-prod`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PELICAN = Path(sys.executable).with_name("pelican")


@dataclass
class Build:
    output: Path
    build_dir: Path
    returncode: int
    log: str

    def read(self, rel: str) -> str:
        return (self.output / rel).read_text(encoding="utf-8")


def build_site(
    tmp: Path,
    *,
    content: Path | None = None,
    conf: str = "pelicanconf",
    settings: dict | None = None,
    env: dict | None = None,
    args: tuple[str, ...] = (),
) -> Build:
    """Build `content` (default: the repo's sample content) with `conf` plus `settings` overrides
    (`args`: more pelican options, e.g. "-v" to see INFO messages)."""
    tmp.mkdir(parents=True, exist_ok=True)
    output, build_dir = tmp / "output", tmp / "build"
    overrides = {
        "OUTPUT_PATH": str(output),
        "LECTERN_BUILD_DIR": str(build_dir),
        "SYNDICATION_MANIFEST": str(build_dir / "manifest.json"),
        "SYNDICATION_LEDGER": str(tmp / "ledger.jsonl"),
        "CACHE_PATH": str(tmp / "cache"),
        **(settings or {}),
    }
    lines = [f"import sys; sys.path.insert(0, {str(REPO)!r})", f"from {conf} import *  # noqa"]
    lines += [f"{key} = {value!r}" for key, value in overrides.items()]
    conf_file = tmp / "testconf.py"
    conf_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    content = content or REPO / "content"
    proc = subprocess.run(
        [str(PELICAN), str(content), "-o", str(output), "-s", str(conf_file), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200", **(env or {})},
        timeout=600,
    )
    return Build(output, build_dir, proc.returncode, proc.stdout + proc.stderr)


def all_output_bytes(root: Path) -> dict[Path, bytes]:
    """Every file under `root`, for "this marker never appears anywhere" scans."""
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def production_build(content: Path, output: Path, conf: Path, *, make: bool = False,
                     columns: str = "200") -> subprocess.CompletedProcess:
    """`make build-prod` (`make=True`) or the command it runs, `python -m publish.build` (staged,
    atomic), in its own process with `conf` as PUBLISHCONF."""
    if make:
        command = ["make", "--no-print-directory", "build-prod", f"PUBLISHCONF={conf}",
                   f"INPUTDIR={content}", f"OUTPUTDIR={output}"]
    else:
        command = [sys.executable, "-m", "publish.build", "--settings", str(conf),
                   "--content", str(content), "--output", str(output)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(command, cwd=REPO, env={**env, "COLUMNS": columns}, capture_output=True,
                          text=True, timeout=600)
