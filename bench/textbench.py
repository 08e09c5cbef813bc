"""Throughput of the text tools on the corpus: brand guard vs proselint (words/s), publish (items/s).

Run as a subprocess by bench/run.py (`python bench/textbench.py brand|proselint|publish CONTENT
[SETTINGS_FILE]`), it prints one JSON object. Timing starts after imports and configuration loading
— those are paid once per build, not per word — and covers only the checking (or planning and
composing), so the figure is the tool's throughput, not Python's start-up time.

When the brand guard's or the publish step's Python API cannot be used (bench/adapters.py finds
no entry point) the answer is `{"available": false, ...}` and the table says "n/a".
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def post_files(content: Path) -> list[Path]:
    return sorted((content / "posts").glob("*.md"))


def count_words(paths: list[Path]) -> int:
    return sum(len(p.read_text(encoding="utf-8").split()) for p in paths)


def proselint_bench(content: Path) -> dict:
    """proselint 0.16's own lint loop (LintFile.lint with the default checks) over every post."""
    from proselint.checks import __register__
    from proselint.registry import CheckRegistry
    from proselint.tools import LintFile

    CheckRegistry().register_many(__register__)
    paths = post_files(content)
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in paths]
    start = time.perf_counter()
    findings = sum(len(LintFile(name, text).lint()) for name, text in texts)
    seconds = time.perf_counter() - start
    return {"available": True, "seconds": seconds, "words": count_words(paths), "findings": findings}


def brand_bench(content: Path) -> dict:
    """The brand guard's own API over every post, with the repo's brand.yml."""
    try:
        from bench import adapters
    except ImportError:  # run as a script: bench/ is on sys.path instead
        import adapters  # type: ignore[no-redef]
    check = adapters.brand_checker(REPO / "brand.yml")
    if check is None:
        return {"available": False, "why": "brand guard Python API not found (see bench/adapters.py)"}
    paths = post_files(content)
    start = time.perf_counter()
    findings = check(paths)
    seconds = time.perf_counter() - start
    return {"available": True, "seconds": seconds, "words": count_words(paths), "findings": findings}


def publish_bench(content: Path, settings_file: Path) -> dict:
    """Plan + compose in dry run for every post × every channel, from a dev build's manifest."""
    try:
        from bench import adapters
    except ImportError:
        import adapters  # type: ignore[no-redef]
    run = adapters.publish_runner(settings_file)
    if run is None:
        return {"available": False, "why": "publish plan/compose API not found (see bench/adapters.py)"}
    start = time.perf_counter()
    items = run()
    seconds = time.perf_counter() - start
    return {"available": True, "seconds": seconds, "items": items}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    kind, content = args[0], Path(args[1])
    if kind == "proselint":
        result = proselint_bench(content)
    elif kind == "brand":
        result = brand_bench(content)
    elif kind == "publish":
        result = publish_bench(content, Path(args[2]))
    else:
        raise SystemExit(f"unknown benchmark {kind!r}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
