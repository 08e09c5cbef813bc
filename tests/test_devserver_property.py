"""The dev server's output, once settled, is a clean build's output — after any sequence of edits.

A seeded random sequence (LECTERN_PROPERTY_SEED, default 11; LECTERN_PROPERTY_STEPS, default 50)
of the edits writers and designers make — body, title, date moved into the future, tag added,
category changed, new post, deleted post, `Status: draft`, `Audience: internal`, card image
changed, image file changed, template edited, brand.yml edited — is applied to a small site, one
step at a time, through the dev server's own worker (`Loop.apply`: the edited page first, then the
full build; some builds are stopped midway by a "newer edit", as when a writer saves twice). After
each step every file of output/ must equal, byte for byte, a clean build of the same tree in a
fresh process (`cleanbuild.py`), the sitemap's build-time `<lastmod>` aside. A body edit's page,
rendered first, must already be the clean build's page.
"""

from __future__ import annotations

import difflib
import os
import random
import re
import shutil
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest
from cleanbuild import CleanBuilds
from sitebuild import REPO

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from devserver.loop import Loop  # noqa: E402
from devserver.site import Site  # noqa: E402

SEED = int(os.environ.get("LECTERN_PROPERTY_SEED", "11"))
STEPS = int(os.environ.get("LECTERN_PROPERTY_STEPS", "50"))
OPS = ("body", "title", "future", "tag", "category", "new", "delete", "draft", "internal", "image",
       "image_file", "template", "brand")
BODY_TEXTS = ("Controllers trust evidence they can check.", "A <b>bold</b> claim &lt;escaped&gt; & more.",
              "Zürich, 東京 and São Paulo closed in five days — “on time”.",
              "Soft\u00adhyphen and zero\u200bwidth stay invisible.", "x" * 300)
NOW_LASTMOD = re.compile(rb"<lastmod>" + datetime.now().strftime("%Y-%m-%d").encode() + rb"[^<]*</lastmod>")


def _tree(root: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            files[path.relative_to(root).as_posix()] = _read(path)
    return files


def _read(path: Path) -> bytes | None:
    """A file's bytes (None: no such file), the sitemap's build-time `<lastmod>` masked."""
    if not path.is_file():
        return None
    data = path.read_bytes()
    return NOW_LASTMOD.sub(b"<lastmod>now</lastmod>", data) if path.name == "sitemap.xml" else data


def _differences(dev: dict[str, bytes], clean: dict[str, bytes]) -> list[str]:
    out = [f"only in dev output: {p}" for p in sorted(dev.keys() - clean.keys())]
    out += [f"missing from dev output: {p}" for p in sorted(clean.keys() - dev.keys())]
    out += [f"differs: {p}" for p in sorted(dev.keys() & clean.keys()) if dev[p] != clean[p]]
    return out


def _diff(got: bytes | None, want: bytes | None) -> str:
    lines = difflib.unified_diff((want or b"").decode("utf-8", "replace").splitlines(),
                                 (got or b"").decode("utf-8", "replace").splitlines(),
                                 "clean", "dev", lineterm="")
    return "\n".join(list(lines)[:40])


class Editor:
    """Random edits of a content folder, a theme and a brand.yml, the way people make them."""

    def __init__(self, rng: random.Random, content: Path, theme: Path, brand: Path):
        self.rng, self.content, self.theme, self.brand = rng, content, theme, brand
        self.count = 0

    def posts(self) -> list[Path]:
        return sorted((self.content / "posts").glob("*.md"))

    def _header(self, path: Path, key: str, value: str | None) -> None:
        text = path.read_text(encoding="utf-8")
        head, _, body = text.partition("\n\n")
        lines = [line for line in head.split("\n") if not line.lower().startswith(key.lower() + ":")]
        if value is not None:
            lines.append(f"{key}: {value}")
        path.write_text("\n".join(lines) + "\n\n" + body, encoding="utf-8")

    def _value(self, path: Path, key: str) -> str:
        head = path.read_text(encoding="utf-8").partition("\n\n")[0]
        for line in head.split("\n"):
            if line.lower().startswith(key.lower() + ":"):
                return line.split(":", 1)[1].strip()
        return ""

    def apply(self, op: str) -> tuple[list[Path], Path | None]:
        """Make one edit; returns (changed paths, the post whose body alone changed or None)."""
        self.count += 1
        n, rng = self.count, self.rng
        posts = self.posts()
        post = rng.choice(posts)
        if op == "body":
            pages = sorted((self.content / "pages").glob("*.md"))
            post = rng.choice(posts + pages)
            text = post.read_text(encoding="utf-8")
            addition = f"\n\n{rng.choice(BODY_TEXTS)} Edit zqbody{n}.\n"
            if rng.random() < 0.3 and "\n\n" in text.partition("\n\n")[2]:  # replace a paragraph
                head, _, body = text.partition("\n\n")
                paragraphs = body.split("\n\n")
                paragraphs[rng.randrange(len(paragraphs))] = addition.strip()
                text = head + "\n\n" + "\n\n".join(paragraphs)
            else:
                text = text.rstrip("\n") + addition
            post.write_text(text, encoding="utf-8")
            return [post], post
        if op == "title":
            self._header(post, "Title", f"{self._value(post, 'Title')[:40]} retitled {n}")
        elif op == "future":
            self._header(post, "Date", f"{2031 + n % 3}-0{1 + n % 9}-1{n % 10} 09:00")
        elif op == "tag":
            tags = self._value(post, "Tags")
            self._header(post, "Tags", f"{tags}, added tag {n}" if tags else f"added tag {n}")
        elif op == "category":
            self._header(post, "Category", rng.choice(["Insights", "Finance Operations", f"New Area {n}"]))
        elif op == "new":
            post = self.content / "posts" / f"2025-0{1 + n % 9}-1{n % 10}-new-post-{n}.md"
            post.write_text(
                f"Title: A new post on trusted close number {n}\n"
                f"Date: 2025-0{1 + n % 9}-1{n % 10} 10:{n % 60:02d}\n"
                "Author: Priya Raman\nCategory: Insights\nTags: trust, close\n"
                "Summary: Finance teams close with evidence.\n\n"
                f"Our controllers trust the ledger because every step leaves evidence. Post {n}.\n",
                encoding="utf-8")
        elif op == "delete":
            if len(posts) <= 4:
                return self.apply("new")
            post.unlink()
        elif op == "draft":
            self._header(post, "Status", rng.choice(["draft", "published", "hidden"]))
        elif op == "internal":
            self._header(post, "Audience", rng.choice(["internal", "public"]))
        elif op == "image":
            self._header(post, "Image", rng.choice(["images/close-calendar.png", "images/other.png", None]))
        elif op == "image_file":
            image = self.content / "images" / "other.png"
            image.write_bytes(image.read_bytes() + bytes([n % 256]))
            return [image], None
        elif op == "template":
            template = self.theme / "templates" / rng.choice(["article.html", "base.html", "index.html"])
            text = template.read_text(encoding="utf-8")
            template.write_text(text.replace("</footer>", f"<!-- template edit {n} --></footer>", 1)
                                if "</footer>" in text else text + f"\n{{# edit {n} #}}\n", encoding="utf-8")
            return [template], None
        elif op == "brand":
            text = self.brand.read_text(encoding="utf-8")
            text = re.sub(r"min_score: \d+", f"min_score: {30 + n % 30}", text, count=1)
            self.brand.write_text(text + f"\n# edited {n}\n", encoding="utf-8")
            return [self.brand], None
        return [post], None


class StopAfter(threading.Event):
    """An abort flag that turns on after `calls` looks: a newer edit arriving mid-build."""

    def __init__(self, calls: int):
        super().__init__()
        self.calls = calls

    def is_set(self) -> bool:
        self.calls -= 1
        return self.calls < 0


@pytest.fixture
def workspace(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    shutil.copy(content / "images" / "close-calendar.png", content / "images" / "other.png")
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    brand = tmp_path / "brand.yml"
    shutil.copy(REPO / "brand.yml", brand)
    return tmp_path, content, theme, brand


def _settings(work: Path, theme: Path, brand: Path, tag: str) -> dict:
    build = work / f"build-{tag}"
    return {"THEME": str(theme), "BRAND_CONFIG": str(brand), "LECTERN_BUILD_DIR": str(build),
            "SYNDICATION_MANIFEST": str(build / "manifest.json"),
            "SYNDICATION_LEDGER": str(work / "ledger.jsonl"), "CACHE_PATH": str(work / f"cache-{tag}")}


def test_settled_dev_output_equals_a_clean_build_after_every_random_edit(workspace):
    work, content, theme, brand = workspace
    rng = random.Random(SEED)
    site = Site(REPO / "pelicanconf.py", content, work / "output",
                overrides=_settings(work, theme, brand, "dev"), cache=work / "devcache")
    loop = Loop(site, config_files=[brand], say=lambda line: None)
    loop.apply(set())  # the first full build
    clean = CleanBuilds()
    schedule = list(OPS)
    rng.shuffle(schedule)  # every kind of edit early, then random ones
    schedule += [rng.choice(OPS + ("body",) * 4) for _ in range(max(0, STEPS - len(OPS)))]
    fast_pages = 0
    try:
        for step, op in enumerate(schedule[:STEPS], 1):
            editor = Editor(rng, content, theme, brand)
            editor.count = step
            changed, body_only = editor.apply(op)
            first: dict[str, bytes | None] = {}

            def note(paths: list[str], first=first) -> None:
                if not first:  # the edited page, before the full build touches output/
                    first.update({p: _read(site.output / p) for p in paths})

            loop.notify = note
            if rng.random() < 0.25:  # a newer save stops the full build midway
                loop.changes.abort = StopAfter(rng.randint(0, 40))
                loop.apply({str(p) for p in changed})
                loop.changes.abort = threading.Event()
                loop.apply(set())
            else:
                loop.apply({str(p) for p in changed})
            assert not loop.unsettled and not loop.full_needed, f"step {step} ({op}) did not settle"

            reference = work / f"clean-{step}"
            status = clean.build(content, reference, _settings(work, theme, brand, "clean"))
            assert status == 0, f"step {step} ({op}): the clean build failed"
            dev, expected = _tree(site.output), _tree(reference)
            problems = _differences(dev, expected)
            assert not problems, f"step {step} ({op} {changed}): " + "; ".join(problems[:10])
            for path, data in first.items():
                assert data == expected.get(path), (f"step {step} ({op}): {path} rendered first differs:\n"
                                                    + _diff(data, expected.get(path)))
            if body_only is not None and first:
                fast_pages += 1
            shutil.rmtree(reference)
    finally:
        clean.close()
    if STEPS >= 40:  # about a third of the steps edit a body; some of those posts are not written
        assert fast_pages >= 3, "the edited page was almost never rendered first: the fast path is dead"
