"""Apply the brand guard's unambiguous fixes (`make brand FIX=1`, `FIX=diff`, the editor's quick fixes).

A finding is fixable when its rule knows the one right text (`Finding.replacement`: a term variant
with one preferred form, a miscased name, mojibake; "" deletes, for invisible direction controls
only). Everything else stays advice. The fixer is
deliberately timid: a file is left exactly as it was when anything is in doubt, and the reason is
reported in the usual `path:line:col: what — what to do` form:

- a fix outside prose — code blocks, inline code, URLs, markup, header keys (values of Title,
  Summary and Social* may be fixed) — or touching a code name (`confidential` findings);
- two fixes that overlap, or a span that no longer holds the text the finding was about;
- a result that raises a finding the original did not have (a replacement that is itself
  off-brand, a score that drops under its floor), or that would need another fix (not idempotent);
- a file that is not UTF-8, not writable, hard-linked, or that changed on disk while we worked.

Bytes are kept: the BOM, the line endings (CRLF, CR) and every untouched character; the new file
is written next to the old one with the old mode and moved over it in one step (`os.replace`).
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from .core import SOCIAL_KEYS, check_source, display_path, iter_markdown
from .findings import Finding
from .rules.bidi import CONTROLS as BIDI_CONTROLS
from .source import inline_view, read_post

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Edit:
    """Replace `old` at [start, end) of the decoded text by `new` (because of `finding`)."""

    start: int
    end: int
    old: str
    new: str
    finding: Finding


@dataclass
class Plan:
    """What fixing one text would do: the edits and the new text, or why it is left alone."""

    path: str
    text: str
    edits: list[Edit] = field(default_factory=list)
    after: str | None = None  # None: nothing to change (no edits, or refused)
    refused: str | None = None  # writer-facing reason the text is left untouched

    @property
    def changed(self) -> bool:
        return self.after is not None and self.after != self.text


def fixable(findings: Iterable[Finding]) -> list[Finding]:
    """Findings that carry an unambiguous replacement for an exact span."""
    return [f for f in findings if f.replacement is not None and f.start is not None and f.end is not None]


def _where(path: str, f: Finding) -> str:
    return f"{path}:{f.line}:{f.column}"


def _prose_span(text: str, post, start: int, end: int) -> bool:
    """True when [start, end) is prose the style rules read: in the body's prose view, or in the
    value of a Title, Summary or Social* header field, unmasked (no code, URL, markup, key)."""
    if start >= post.body_start:
        return post.body[start - post.body_start:end - post.body_start] == text[start:end]
    for name, fld in post.fields.items():
        prose = name in ("title", "summary") or SOCIAL_KEYS.match(name)
        if prose and fld.start <= start and end <= fld.end:
            view = inline_view(text[fld.start:fld.end], social=name != "title")
            return view[start - fld.start:end - fld.start] == text[start:end]
    return False


_DIGITS = re.compile(r"\d+")


def _identity(f: Finding) -> tuple[str, str, str]:
    """What a finding is about, regardless of where it is (scores and counts ignored: a fix may
    move a number in a message without creating a new problem)."""
    return f.rule, f.severity, _DIGITS.sub("#", f.message)


def apply_edits(text: str, edits: list[Edit]) -> str:
    """`text` with the sorted, non-overlapping `edits` applied (each span must still hold `old`)."""
    out = []
    prev = 0
    for e in edits:
        if e.start < prev or text[e.start:e.end] != e.old:
            raise ValueError(f"edit at {e.start} does not apply")
        out.append(text[prev:e.start])
        out.append(e.new)
        prev = e.end
    out.append(text[prev:])
    return "".join(out)


def _same(a: Finding, b: Finding) -> bool:
    return (a.rule, a.start, a.end, a.replacement) == (b.rule, b.start, b.end, b.replacement)


def plan_text(path: str, text: str, cfg, *, only: Iterable[Finding] | None = None,
              findings: list[Finding] | None = None, **options) -> Plan:
    """Decide the fixes for one decoded post source (nothing is written); `options` as for
    `check_source`.

    `only`: fix just these findings (the editor's quick fix for one diagnostic), which must still be
    what checking `text` finds now; by default every fixable finding, and then the result must
    need no further fix. `findings`: what checking exactly this `text` found, when the caller has
    it (the editor checks each version once); otherwise the text is checked here.
    """
    plan = Plan(path, text)
    if findings is None:
        findings = check_source(path, text, cfg, **options).findings
    wanted = fixable(findings)
    if only is not None:
        asked = fixable(only)
        for f in asked:
            if not any(_same(f, g) for g in wanted):
                return _refuse(plan, f"{_where(path, f)}: the text changed since this was checked "
                                     f"({f.message}) — check again, then fix")
        wanted = [g for g in wanted if any(_same(f, g) for f in asked)]
    if not wanted:
        return plan
    post = read_post(text)
    leaks = [f for f in findings if f.rule == "confidential" and f.start is not None]
    edits: dict[tuple[int, int], Edit] = {}
    for f in wanted:
        where = _where(path, f)
        new = f.replacement or ""
        if not (0 <= f.start < f.end <= len(text)):
            return _refuse(plan, f"{where}: the fix for '{f.message}' points outside the text — "
                                 "run the check again")
        if f.rule == "confidential" or any(c.start < f.end and f.start < max(c.end, c.start + 1)
                                           for c in leaks):
            return _refuse(plan, f"{where}: the fix would touch a code name — remove the code name "
                                 "by hand first")
        deletes = not new and f.end > f.start and all(c in BIDI_CONTROLS for c in text[f.start:f.end])
        if (not new and not deletes) or any(c in new for c in "\r\n\x00") or "\x00" in text[f.start:f.end]:
            return _refuse(plan, f"{where}: the replacement {new!r} is not a plain one-line text — "
                                 "fix it by hand")
        if not _prose_span(text, post, f.start, f.end):
            return _refuse(plan, f"{where}: '{text[f.start:f.end]}' is not plain prose (code, a URL, "
                                 "markup or a header key) — fix it by hand if it must change")
        edit = Edit(f.start, f.end, text[f.start:f.end], new, f)
        other = edits.setdefault((f.start, f.end), edit)
        if other.new != new:
            return _refuse(plan, f"{where}: two different fixes for the same words ({other.new!r}, "
                                 f"{new!r}) — choose one by hand")
    ordered = sorted(edits.values(), key=lambda e: (e.start, e.end))
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.start < a.end:
            return _refuse(plan, f"{_where(path, b.finding)}: two fixes overlap ('{a.old}' → '{a.new}', "
                                 f"'{b.old}' → '{b.new}') — fix them by hand")
    ordered = [e for e in ordered if e.old != e.new]
    if not ordered:
        return plan
    after = apply_edits(text, ordered)
    again = check_source(path, after, cfg, **options).findings
    expected = Counter(map(_identity, findings)) - Counter(_identity(e.finding) for e in ordered)
    extra = Counter(map(_identity, again)) - expected
    if extra:
        new_f = next(f for f in again if extra[_identity(f)])
        return _refuse(plan, f"{path}:{new_f.line}:{new_f.column}: fixing would cause a new finding "
                             f"({new_f.rule}: {new_f.message}) — fix these words by hand")
    if sum(f.rule == "confidential" for f in again) != len(leaks):
        return _refuse(plan, f"{path}: fixing would change what the code-name check finds — fix by hand")
    if only is None and fixable(again):
        f = fixable(again)[0]
        return _refuse(plan, f"{_where(path, f)}: the fixed text would need another fix "
                             f"({f.message}) — fix these words by hand")
    plan.edits = ordered
    plan.after = after
    return plan


def _refuse(plan: Plan, reason: str) -> Plan:
    plan.refused = reason
    plan.edits = []
    plan.after = None
    return plan


# ---------------------------------------------------------------- files

@dataclass
class FilePlan:
    """A `Plan` for a file on disk, with the bytes it was made from (to notice later changes)."""

    path: Path
    shown: str
    data: bytes
    bom: bool
    plan: Plan
    stamp: tuple = ()  # (inode, size, mtime) when read: a file renamed over it is noticed too

    def new_bytes(self) -> bytes:
        assert self.plan.after is not None
        return (BOM if self.bom else b"") + self.plan.after.encode("utf-8")

    def diff(self) -> str:
        """A unified diff (a/ b/ paths, original line endings kept, so `git apply` takes it)."""
        if not self.plan.changed:
            return ""
        before = self.plan.text.splitlines(keepends=True)
        after = self.plan.after.splitlines(keepends=True)
        out = []
        name = self.shown if self.shown.startswith("/") else f"/{self.shown}"
        for line in difflib.unified_diff(before, after, f"a{name}", f"b{name}", n=3):
            if line.startswith(("---", "+++")):
                line = line.rstrip("\n") + "\n"
            out.append(line)
            if not line.endswith(("\n", "\r")):
                out.append("\n\\ No newline at end of file\n")
        return "".join(out)


def plan_file(path: str | os.PathLike, cfg, **options) -> FilePlan:
    """Read one file and plan its fixes (nothing written)."""
    p = Path(path)
    shown = display_path(str(path))
    data = p.read_bytes()
    stamp = _stamp(p)
    bom = data.startswith(BOM)
    try:
        text = data[len(BOM) if bom else 0:].decode("utf-8")
    except UnicodeDecodeError as exc:
        plan = Plan(shown, "", refused=f"{shown}: the file is not UTF-8 (byte 0x{data[exc.start]:02x}) — "
                                          "re-save it as UTF-8, then fix again")
        return FilePlan(p, shown, data, bom, plan, stamp)
    return FilePlan(p, shown, data, bom, plan_text(shown, text, cfg, **options), stamp)


def _stamp(path: Path) -> tuple:
    st = os.stat(path)
    return st.st_ino, st.st_size, st.st_mtime_ns


def write_plan(fp: FilePlan) -> str | None:
    """Write a planned fix atomically; None on success, else why the file was left untouched."""
    if not fp.plan.changed:
        return None
    target = Path(os.path.realpath(fp.path))  # a symlink stays a symlink: its target is fixed
    try:
        st = os.stat(target)
    except OSError as exc:
        return f"{fp.shown}: cannot read the file again ({exc.strerror}) — nothing was changed"
    if st.st_nlink > 1:
        return (f"{fp.shown}: the file has {st.st_nlink} hard links — fix it by hand "
                "(replacing it would split them)")
    if not st.st_mode & stat.S_IWUSR or not os.access(target, os.W_OK):  # root may write anything
        return f"{fp.shown}: the file is read-only — make it writable to fix it"
    new = fp.new_bytes()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".brandfix", dir=target.parent)
    except OSError as exc:
        return f"{fp.shown}: cannot write next to the file ({exc.strerror}) — nothing was changed"
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(new)
            out.flush()
            os.fsync(out.fileno())
        own = os.stat(tmp)
        if (own.st_uid, own.st_gid) != (st.st_uid, st.st_gid):  # keep the owner (root fixing a
            os.chown(tmp, st.st_uid, st.st_gid)                  # writer's file, setgid folders)
        os.chmod(tmp, st.st_mode & 0o7777)
        if target.read_bytes() != fp.data or (fp.stamp and _stamp(target) != fp.stamp):  # edited meanwhile
            os.unlink(tmp)
            return (f"{fp.shown}: the file changed while it was being checked — nothing was changed; "
                    "run the fix again")
        os.replace(tmp, target)
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        return f"{fp.shown}: could not write the fixed file ({exc.strerror}) — nothing was changed"
    if target.read_bytes() != new:
        return f"{fp.shown}: the file changed just as the fix was written — check it and run the fix again"
    return None


def run(paths: Iterable[str], cfg, *, write: bool, out: TextIO = sys.stdout, err: TextIO = sys.stderr,
        **options) -> int:
    """`make brand FIX=1` (write=True) or `FIX=diff`: diffs on `out`, reasons and a summary on `err`.

    Exit status: 0, or 1 when a file was left untouched for a reason the writer must look at.
    """
    fixed = files = 0
    trouble = 0
    for path in iter_markdown(paths):
        fp = plan_file(path, cfg, **options)
        if fp.plan.refused:
            trouble += 1
            print(f"not fixed: {fp.plan.refused}", file=err)
            continue
        if not fp.plan.changed:
            continue
        problem = write_plan(fp) if write else None
        if problem:
            trouble += 1
            print(f"not fixed: {problem}", file=err)
            continue
        out.write(fp.diff())
        fixed += len(fp.plan.edits)
        files += 1
    verb = "fixed" if write else "would fix"
    left = f"; {_plural(trouble, 'file')} left untouched (see above)" if trouble else ""
    print(f"brand fix: {verb} {_plural(fixed, 'finding')} in {_plural(files, 'file')}{left}", file=err)
    return 1 if trouble else 0


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
