"""Build a small site in this process, the way pelican-plugins/sitemap tests its plugin.

`read_settings(override=...)` + `Pelican(settings).run()` into a temp folder: a failure points at
the plugin whose logic broke, not at a whole-site subprocess (tests/sitebuild.py keeps those, for
exit codes and strict mode).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from sitebuild import REPO

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


@dataclass
class Site:
    output: Path
    build_dir: Path
    settings: dict

    def read(self, rel: str) -> str:
        return (self.output / rel).read_text(encoding="utf-8")


def write_post(content: Path, name: str, header: dict[str, str], body: str = "") -> Path:
    """content/posts/<name>.md with `header` as `Key: value` lines."""
    folder = content / "posts"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.md"
    lines = [f"{key}: {value}" for key, value in header.items()]
    text = body or "Finance teams close the books with evidence and a trusted workflow integration."
    path.write_text("\n".join(lines) + "\n\n" + text + "\n", encoding="utf-8")
    return path


def post(content: Path, name: str, date: str = "2026-03-04 08:30", **header: str) -> Path:
    """A post that follows the contract, with `header` added or overriding (keys as written)."""
    base = {"Title": name.replace("-", " ").capitalize(), "Date": date, "Author": "Dana Whitfield",
            "Category": "Insights", "Tags": "close, evidence",
            "Summary": "How finance teams close with evidence."}
    base.update({key.capitalize(): value for key, value in header.items()})
    return write_post(content, name, base)


def build(tmp_path: Path, content: Path, conf: str = "pelicanconf", **override) -> Site:
    """Run real Pelican with the repo's settings file plus `override`, into `tmp_path`."""
    from pelican import Pelican
    from pelican.settings import read_settings

    output, build_dir = tmp_path / "output", tmp_path / "build"
    settings = read_settings(str(REPO / f"{conf}.py"), override={
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "CACHE_PATH": str(tmp_path / "cache"),
        "LECTERN_BUILD_DIR": str(build_dir),
        "SYNDICATION_MANIFEST": str(build_dir / "manifest.json"),
        "SYNDICATION_LEDGER": str(tmp_path / "ledger.jsonl"),
        "FAST_READER_PROCESSES": 1,  # in-process: no pools forked from the test runner
        "STATIC_PATHS": [],
        "DELETE_OUTPUT_DIRECTORY": False,
        **override,
    })
    Pelican(settings).run()
    return Site(output, build_dir, settings)
