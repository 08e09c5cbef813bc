"""Prove a speed-up changed no byte: build two source trees' sites and diff them.

`python bench/same_output.py BASE_TREE HEAD_TREE [--posts 1000]` builds, with each tree's own code
and settings, the site of the tree's `content/` and of the bench corpus (bench/corpus.py, N posts),
each with `pelicanconf.py` (dev) and `publishconf.py` (production), into a temporary folder, and
compares every output file and the build folder (manifest, reports) byte for byte. What a build
stamps with the clock (sitemap `<lastmod>` of generated pages, feed `<updated>`/`lastBuildDate`,
the manifest's `generated`, the brand report's `built`) is masked first. Exit 0 when all four
pairs are identical, 1 otherwise (the first differences are printed). Use a `git worktree` of the
commit before the change as BASE_TREE.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import corpus  # noqa: E402

#: (file suffix, pattern) of clock-stamped values masked before comparing
MASKS = [
    (".xml", re.compile(r"<lastmod>[^<]*</lastmod>")),
    (".xml", re.compile(r"<lastBuildDate>[^<]*</lastBuildDate>")),
    (".xml", re.compile(r"<updated>[^<]*</updated>")),
    (".json", re.compile(r'"generated": "[^"]*"')),
    ("brand-report.html", re.compile(r"built \d{4}-\d\d-\d\d \d\d:\d\d")),
    ("brand-report.html", re.compile(r'vscode://file/[^"]*/content/')),  # each tree's own absolute path
]


def build(tree: Path, content: Path, conf: str, work: Path) -> tuple[Path, str]:
    """One build of `content` with `tree`'s code and settings module `conf`; (work dir, log)."""
    work.mkdir(parents=True)
    settings = work / "settings.py"
    settings.write_text(
        f"import sys; sys.path.insert(0, {str(tree)!r})\n"
        f"from {conf} import *  # noqa\n"
        f"OUTPUT_PATH = {str(work / 'output')!r}\n"
        f"LECTERN_BUILD_DIR = {str(work / 'build')!r}\n"
        f"SYNDICATION_MANIFEST = {str(work / 'build' / 'manifest.json')!r}\n"
        f"CACHE_PATH = {str(work / 'cache')!r}\n"
        "DELETE_OUTPUT_DIRECTORY = False\n",
        encoding="utf-8")
    pelican = Path(sys.executable).with_name("pelican")
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([str(pelican), str(content), "-o", str(work / "output"), "-s", str(settings)],
                          cwd=tree, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"same_output: build failed ({tree}, {conf}, {content}):\n{done.stdout[-3000:]}"
                         f"{done.stderr[-3000:]}")
    return work, done.stdout + done.stderr


def files(root: Path) -> dict[str, bytes]:
    found = {}
    for sub in ("output", "build"):
        base = root / sub
        for path in sorted(base.rglob("*")) if base.exists() else ():
            if path.is_file():
                found[str(path.relative_to(root))] = path.read_bytes()
    return found


def masked(name: str, data: bytes) -> bytes:
    for suffix, pattern in MASKS:
        if name.endswith(suffix):
            data = pattern.sub("#", data.decode("utf-8", "replace")).encode("utf-8")
    return data


def compare(base: Path, head: Path, label: str, limit: int = 5) -> bool:
    left, right = files(base), files(head)
    problems = [f"only in base: {n}" for n in sorted(left.keys() - right.keys())]
    problems += [f"only in head: {n}" for n in sorted(right.keys() - left.keys())]
    differing = [n for n in sorted(left.keys() & right.keys()) if masked(n, left[n]) != masked(n, right[n])]
    for name in differing[:limit]:
        a = masked(name, left[name]).decode("utf-8", "replace").splitlines()
        b = masked(name, right[name]).decode("utf-8", "replace").splitlines()
        diff = "\n".join(list(difflib.unified_diff(a, b, "base", "head", lineterm="", n=1))[:20])
        problems.append(f"differs: {name}\n{diff}")
    if len(differing) > limit:
        problems.append(f"... and {len(differing) - limit} more differing files")
    print(f"{label}: {len(left)} files, {'identical' if not problems else f'{len(differing)} differ'}")
    for problem in problems[:limit * 2]:
        print("  " + problem)
    return not problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", type=Path, help="source tree before the change (a git worktree)")
    parser.add_argument("head", type=Path, help="source tree after the change")
    parser.add_argument("--posts", type=int, default=1000, help="bench corpus size (0: content/ only)")
    parser.add_argument("--conf", action="append", choices=("pelicanconf", "publishconf"),
                        help="settings module(s) to compare (default both)")
    args = parser.parse_args(argv)
    ok = True
    with tempfile.TemporaryDirectory(prefix="lectern-same-") as tmp:
        scratch = Path(tmp)
        contents = {"content/": None}
        if args.posts:
            contents[f"corpus n={args.posts}"] = corpus.generate(args.posts, scratch / "corpus").content
        for conf in args.conf or ("pelicanconf", "publishconf"):
            for label, content in contents.items():
                pair = []
                for side, tree in (("base", args.base.resolve()), ("head", args.head.resolve())):
                    where = content if content is not None else tree / "content"
                    work = scratch / f"{conf}-{label[:6]}-{side}"
                    pair.append(build(tree, where, conf, work)[0])
                ok &= compare(pair[0], pair[1], f"{conf} {label}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
