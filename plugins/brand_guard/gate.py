"""The last gate: no byte a production build is about to publish names a code name.

The per-post check reads each post's source. Code names can still reach the site another way: a
theme string, a setting such as SITESUBTITLE, a plugin, a page that is not Markdown, a feed
built from a field the checks never saw. So at the very end of a production build every file in
the output folder — pages, attributes, feeds, sitemap, search index, images' text — and the
public entries of the syndication manifest are read again, in the normalised form of `fold`
(tags stripped and their attributes kept, entities decoded, invisible characters dropped, NFKC,
confusables folded; twice, for escaped HTML inside XML and JSON), and any code name stops the
build. With atomic production output the old `output/` then stays as it was.

Pure functions, no Pelican: the plugin calls `scan_tree` and `scan_manifest` at `finalized`.
"""

from __future__ import annotations

import bisect
import json
import multiprocessing
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import fold
from .patterns import Anchors
from .rules.confidential import LeakMatcher, leak_spans, name_of, raw_leaky


@dataclass(frozen=True)
class Leak:
    """A code name in a file about to be published: `where` is `path:line:col` or `path: …`."""

    where: str
    name: str
    written: str

    def __str__(self) -> str:
        disguise = fold.lookalikes(self.written)
        return (f"{self.where}: confidential: the code name '{self.name}' is in a file about to be "
                f"published (written '{self.written}'{'; ' + disguise if disguise else ''}) — remove it "
                "from the post, template or setting that put it there")


def leaks_in_text(text: str, matcher: LeakMatcher, *, nested: bool = True) -> list[tuple[int, int, str]]:
    """(start, end, code name) of each code name in `text`, read as published: raw, once
    normalised, and normalised again (markup escaped inside XML or JSON, `&lt;b&gt;`).

    `nested=False` (an HTML page, whose text is not escaped twice) skips the second reading in
    the fast pre-check; where a page might leak, both readings are still made exactly.
    """
    if not might_leak(text, matcher, nested=nested):
        return []  # the common case, decided without building any offset map
    first = fold.view(text)
    spans = leak_spans(text, matcher)
    if first.changed:
        for start, end, seen in leak_spans(first.text, matcher):
            start, end = first.span(start, end)
            if not any(start < b and a < end for a, b, _ in spans):
                spans.append((start, max(end, start + 1), seen))
    return [(start, end, name_of(seen, matcher)) for start, end, seen in sorted(spans)]


def might_leak(text: str, matcher: LeakMatcher, *, nested: bool = True) -> bool:
    """Fast: could `text` name a code name, raw, normalised once or (`nested`) twice? A yes is
    then located exactly by `fold.view`, which has the last word.

    A page (not `nested`) is first cleared, where it can be, by `fold.skeletons`: when no anchor
    word of any code name is in them, none is in `fold.view(text)` either, and the dozen passes of
    `fold.quick` are not needed (most pages of a site; see `_clear`).
    """
    if matcher.regex is None:
        return False
    low = text.lower()
    if _raw_leaky(text, low, matcher):
        return True
    if not nested and _clear(text, low, matcher):
        return False
    once = fold.quick(text, low)
    if once == text:
        return False
    once_low = once.lower()
    if _raw_leaky(once, once_low, matcher):
        return True
    if nested:
        if _clear(once, once_low, matcher):
            return False  # the second reading, proved empty by the skeletons of the first
        twice = fold.quick(once, once_low)
        return twice != once and _raw_leaky(twice, twice.lower(), matcher)
    return False


def _raw_leaky(text: str, low: str, matcher: LeakMatcher) -> bool:
    """`raw_leaky` with the lower-cased text made once by the caller; a few anchor words are
    looked up with `str.__contains__` (C, no Python step per occurrence)."""
    anchors = matcher.anchors
    if len(anchors.folded) > _FEW or anchors.always or anchors.exact:
        return raw_leaky(text, matcher)
    if not any(all(word in low for word in entry) for entry in anchors.folded):
        return False
    return matcher.regex.search(text) is not None


_FEW = 16  # more code names than this: one Aho-Corasick pass (`Anchors.present`) beats `in` per word


def _clear(text: str, low: str, matcher: LeakMatcher) -> bool:
    """True when `fold.view(text)` provably holds no code name: every match of a code name holds
    its entry's longest anchor word, and `fold.skeletons` holds every such word of the view.
    False: not proven (a comment, a hidden element, an escape that decodes to a letter of a code
    name, an anchor word in a skeleton, an unusual code name) — the text is then read in full."""
    words = _anchor_words(matcher.anchors)
    if not words:
        return False
    found = fold.skeletons(text, frozenset("".join(words)), low)
    if found is None:
        return False
    return not any(word in skeleton for skeleton in found for word in words)


@lru_cache(maxsize=16)
def _anchor_words(anchors: Anchors) -> tuple[str, ...]:
    """The longest word of each code name when all are letters and digits (else (): no proof)."""
    if anchors.always or anchors.exact or not anchors.folded:
        return ()
    words = tuple(entry[0] for entry in anchors.folded)
    return words if all(word and word.isalnum() and word == word.lower() for word in words) else ()


def scan_bytes(shown: str, data: bytes, matcher: LeakMatcher) -> list[Leak]:
    """Code names in one published file (`shown`: its path as reported)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is None and b"\x00" not in data[:8192]:  # text with a stray byte: read it as text anyway
        text = data.decode("utf-8-sig", "replace")
    if text is None:
        # Binary (an image, a font): code names in its embedded text (EXIF, XMP) are ASCII runs.
        text = data.decode("latin-1")
        if matcher.regex is None or not matcher.anchors.present(text):
            return []
        return [Leak(f"{shown}: byte {m.start()}", name_of(m.group(), matcher), fold.shown(m.group()))
                for m in matcher.regex.finditer(text)]
    leaks = leaks_in_text(text, matcher, nested=not shown.lower().endswith((".html", ".htm")))
    if not leaks:
        return []
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    out = []
    for start, end, name in leaks:
        line = bisect.bisect_right(starts, start)
        out.append(Leak(f"{shown}:{line}:{start - starts[line - 1] + 1}", name, fold.shown(text[start:end])))
    return out


def scan_tree(root: str | os.PathLike, matcher: LeakMatcher, shown_root: str | None = None,
              processes: int = 1) -> list[Leak]:
    """Every file under `root` (the output folder), in path order.

    `processes` > 1: the files are read by that many forked processes (the matcher is inherited,
    not sent); the leaks come back in the same order as read in one process.
    """
    root = Path(root)
    shown_root = shown_root if shown_root is not None else str(root)
    paths: list[str] = []
    for directory, dirs, files in os.walk(root):
        dirs.sort()
        paths += [os.path.join(directory, name) for name in sorted(files)]
    jobs = [(path, os.path.join(shown_root, os.path.relpath(path, root))) for path in paths]
    if processes > 1 and len(jobs) >= _MIN_POOL and "fork" in multiprocessing.get_all_start_methods():
        _WORK[:] = [jobs, matcher]
        try:
            chunk = max(1, len(jobs) // (processes * 8))
            with multiprocessing.get_context("fork").Pool(min(processes, len(jobs))) as pool:
                found = pool.map(_scan_inherited, range(len(jobs)), chunksize=chunk)
        finally:
            _WORK.clear()
    else:
        found = [_scan_file(path, shown, matcher) for path, shown in jobs]
    return [leak for leaks in found for leak in leaks]


_MIN_POOL = 64  # fewer files: forking costs more than it saves
_WORK: list = []  # (jobs, matcher), set just before forking; workers read it from inherited memory


def _scan_inherited(index: int) -> list[Leak]:
    jobs, matcher = _WORK
    return _scan_file(*jobs[index], matcher)


def _scan_file(path: str, shown: str, matcher: LeakMatcher) -> list[Leak]:
    try:
        data = Path(path).read_bytes()
    except OSError:
        return []
    return scan_bytes(shown, data, matcher)


def scan_manifest(path: str | os.PathLike, matcher: LeakMatcher, shown: str | None = None) -> list[Leak]:
    """Public entries of the syndication manifest (internal posts may name code names: they are
    shared only on internal channels, and only when the operator allows it)."""
    shown = shown or str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        return [Leak(f"{shown}: unreadable ({exc})", "(unknown)", "")]
    leaks = []
    for post in data.get("posts", []) if isinstance(data, dict) else []:
        if not isinstance(post, dict) or post.get("audience") == "internal":
            continue
        for field, value in strings_in(post):
            for start, end, name in leaks_in_text(value, matcher):
                leaks.append(Leak(f"{shown}: post '{post.get('slug')}' field {field}", name,
                                  fold.shown(value[start:end])))
    for field in ("site_url",):
        value = data.get(field) if isinstance(data, dict) else None
        if isinstance(value, str):
            leaks += [Leak(f"{shown}: {field}", name, fold.shown(value[s:e]))
                      for s, e, name in leaks_in_text(value, matcher)]
    return leaks


def strings_in(value, path: str = ""):
    """(dotted field, string) for every string inside a JSON value (the gate reads each one)."""
    if isinstance(value, str):
        yield path or "value", value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from strings_in(item, f"{path}[{index}]")
