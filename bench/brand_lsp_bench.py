"""Editor latency of the brand guard's Language Server on a 5,000-word post.

    .venv/bin/python bench/brand_lsp_bench.py [--words 5000] [--edits 40]

Two rows, both on one generated post of `--words` words (bench/corpus.py's prose, headings,
lists, code and links, with a few findings and emoji sprinkled in):

- **check (in-process)**: what one keystroke costs the server — `check_source` plus turning the
  findings into UTF-16 diagnostics — median and 90th percentile of `--edits` runs;
- **keystroke → diagnostics (stdio)**: `python -m plugins.brand_guard.lsp` with no debounce; each
  round sends one incremental `didChange` (a character typed in the middle of the post) and waits
  for the `publishDiagnostics` of that version — JSON-RPC framing, parsing, the check and
  serialisation included, the editor's own debounce (150 ms by default) excluded;
- **code actions after an edit (stdio)**: then the light-bulb request at a fixable finding — the
  quick fix and the "fix all" action, each planned by `fix.py` (two more checks each) for the new
  version (later requests for the same version are answered from a cache).

The machine is shared (2 cores, other work running), so medians and p90 are reported, and the
CPU time spent (in-process: per check; stdio: the server's per keystroke, from /proc), which other
load does not inflate; nothing
here asserts. A JSON copy goes to bench/results/brand-lsp-<UTC timestamp>.json (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
for extra in (REPO, REPO / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from lspclient import LspClient  # noqa: E402

from bench import corpus  # noqa: E402
from plugins.brand_guard.core import check_source, load_config  # noqa: E402
from plugins.brand_guard.lsp import Lines, diagnostic  # noqa: E402

SPRINKLES = ["We post on Linkedin every week.", "Our e-mail goes out on Friday 📈.",
             "The close is a partnership 😀 with the controller.", "Northwind ledger helps."]


def make_post(words: int) -> str:
    rng = random.Random(5)
    body = corpus.body(rng, words, unicode_post=True)
    paragraphs = body.split("\n\n")
    for i, extra in enumerate(SPRINKLES * 3):
        at = (i + 1) * len(paragraphs) // 13
        paragraphs[at] = f"{paragraphs[at]} {extra}"
    return ("Title: What a controller wants from the close 📈\nDate: 2026-01-05 09:00\n"
            "Summary: A long post to measure the editor.\n\n" + "\n\n".join(paragraphs) + "\n")


def server_cpu(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--edits", type=int, default=40)
    args = parser.parse_args(argv)
    text = make_post(args.words)
    words = len(text.split())
    cfg = load_config(REPO / "brand.yml")

    inproc, inproc_cpu = [], []
    for _ in range(args.edits):
        start, cpu = time.perf_counter(), time.process_time()
        findings = check_source("post.md", text, cfg).findings
        lines = Lines(text)
        [diagnostic(f, lines) for f in findings]
        inproc.append((time.perf_counter() - start) * 1000)
        inproc_cpu.append((time.process_time() - cpu) * 1000)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "brand.yml").write_bytes((REPO / "brand.yml").read_bytes())
        client = LspClient("--debounce-ms", "0", "--poll-ms", "0", cwd=root)
        try:
            client.initialize(root)
            uri = client.open(root / "post.md", text)
            first = client.diagnostics(uri, 1)
            line = len(text.splitlines()) // 2
            at = {"line": line, "character": 0}

            def keystroke(version: int) -> list[dict]:
                client.notify("textDocument/didChange", {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"range": {"start": at, "end": at}, "text": "a"}]})
                return client.diagnostics(uri, version)

            stdio = []
            cpu_before = server_cpu(client.proc.pid)
            for version in range(2, args.edits + 2):
                start = time.perf_counter()
                keystroke(version)
                stdio.append((time.perf_counter() - start) * 1000)
            server_cpu_ms = (server_cpu(client.proc.pid) - cpu_before) * 1000 / args.edits
            actions = []
            for version in range(args.edits + 2, 2 * args.edits + 2):
                fixable = [d for d in keystroke(version) if d.get("data")]
                start = time.perf_counter()  # the light bulb after an edit: quick fix + fix all
                client.request("textDocument/codeAction", {
                    "textDocument": {"uri": uri}, "range": fixable[0]["range"],
                    "context": {"diagnostics": fixable[:1]}})
                actions.append((time.perf_counter() - start) * 1000)
        finally:
            client.close()

    rows = {
        "check (in-process)": inproc,
        "keystroke -> diagnostics (stdio)": stdio,
        "code actions after an edit (stdio)": actions,
    }
    cpu = {"check (in-process)": statistics.median(inproc_cpu),
           "keystroke -> diagnostics (stdio)": server_cpu_ms}
    print(f"post: {words:,} words, {len(text):,} characters, {len(first)} diagnostics")
    print(f"{'':36} {'median ms':>10} {'p90 ms':>8} {'min ms':>8} {'CPU ms':>8}")
    for name, values in rows.items():
        used = f"{cpu[name]:8.1f}" if name in cpu else f"{'':8}"
        print(f"{name:36} {statistics.median(values):10.1f} {pct(values, 0.9):8.1f} "
              f"{min(values):8.1f} {used}")
    print("CPU ms: median process time in-process; server user+system time per keystroke over stdio")
    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (results / f"brand-lsp-{stamp}.json").write_text(json.dumps({
        "words": words, "diagnostics": len(first), "cpu_ms": cpu,
        "rows": {k: {"median_ms": statistics.median(v), "p90_ms": pct(v, 0.9), "min_ms": min(v), "runs": v}
                 for k, v in rows.items()},
    }, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
