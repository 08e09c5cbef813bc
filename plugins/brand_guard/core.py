"""The brand checker: pure functions from post text (or a social text) and brand.yml to findings.

The Pelican plugin, the CLI, the publish helper and the benchmark all call these; none of them
re-implements a rule. Nothing here imports Pelican or touches the network.

    cfg = load_config("brand.yml")
    check_social_text("Buy now!!", cfg, channel="x")      # -> [Finding, ...]
    check_paths(["content"], cfg)                          # -> Report (files, words, findings, scores)
"""

from __future__ import annotations

import bisect
import datetime
import multiprocessing
import os
import re
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from operator import add
from pathlib import Path
from typing import NamedTuple

from plugins.post_contract.facts import PostFacts, display_path, is_scheduled, to_datetime

from .config import BrandConfig, BrandConfigError, parse_config
from .findings import Finding, Hit, sort_key
from .patterns import Found
from .registry import PROSE_FAMILIES, PROSE_RULES, RULES, SUPPRESSIBLE, Context, applying_to
from .rules.alignment import Alignment, score_alignment, tokenize
from .source import Post, inline_view, quoted_spans, read_post

__all__ = [
    "BrandConfig", "BrandConfigError", "FileResult", "Finding", "Report", "check_bytes", "check_file",
    "check_paths", "check_social_text", "check_source", "check_text", "display_path", "load_config",
]

_WORDS = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
SOCIAL_KEYS = re.compile(r"^social(?:_[a-z0-9]+)?$")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")


_LOADED: dict[tuple, BrandConfig] = {}


def load_config(path: str | os.PathLike) -> BrandConfig:
    """Read, validate and self-test brand.yml; raises BrandConfigError ("path:line: message").

    The result is immutable and cached per file version (path, size, mtime): a build loads the
    brand once although the plugin, syndication and the publish step all ask for it.
    """
    path = str(path)
    try:
        st = os.stat(path)
        version = (os.path.abspath(path), st.st_size, st.st_mtime_ns)
        if version in _LOADED:
            return _LOADED[version]
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BrandConfigError(path, 1, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BrandConfigError(path, 1, f"cannot read the file: {exc}") from None
    config = parse_config(text, path)
    run_specs(config)
    _LOADED[version] = config
    return config


def run_specs(config: BrandConfig) -> None:
    """prh-style self-tests: each spec text must raise exactly the expected rules, or load fails."""
    for spec in config.specs:
        found = check_text(spec.text, config, audience=spec.audience)
        got = sorted({f.rule for f in found})
        want = sorted(set(spec.expect))
        if got != want:
            detail = "; ".join(f"{f.rule}: {f.message}" for f in found) or "no findings"
            raise BrandConfigError(
                config.path, spec.line,
                f"spec failed: {spec.text!r} should give [{', '.join(want)}] but gives "
                f"[{', '.join(got)}] ({detail})",
            )


def count_words(view: str) -> int:
    return len(_WORDS.findall(view))


class LineIndex:
    """Offset -> (line, column), both 1-based; columns count characters (CRLF-safe)."""

    def __init__(self, text: str):
        # each line's start: the running sum of the lengths of the lines before it and their "\n"
        lines = text.split("\n")
        self.starts = list(accumulate(map(add, map(len, lines), repeat(1)), initial=0))[:-1]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


class Evidence(NamedTuple):
    """A sentence that carries a pillar: a short excerpt, where its first keyword is, the keywords."""

    excerpt: str
    line: int
    column: int
    keywords: tuple[str, ...]


#: Findings that pull the alignment scores down, and how much each severity counts.
SCORED_ISSUES = frozenset({"hype", "avoid"})
ISSUE_WEIGHT = {"error": 1.0, "warning": 1.0, "suggestion": 0.5}
CONTEXT_CHARS = 60  # characters of context each side of a finding in reports


def excerpt_around(text: str, start: int, end: int) -> tuple[str, str, str]:
    """The words around [start, end) on its line: (before, match, after), each side cut to
    CONTEXT_CHARS with an ellipsis; a match over several lines is cut at its first line end."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    end = min(max(end, start), line_end)
    if end > start and text[end - 1] == "\r":
        end -= 1
    before = text[line_start:start]
    after = text[end:line_end].rstrip("\r")
    if len(before) > CONTEXT_CHARS:
        before = "…" + before[-CONTEXT_CHARS:]
    if len(after) > CONTEXT_CHARS:
        after = after[:CONTEXT_CHARS] + "…"
    match = text[start:end]
    if len(match) > 2 * CONTEXT_CHARS:  # a long sentence: its start is enough to find it
        match, after = match[:CONTEXT_CHARS] + "…", ""
    return before, match, after


@dataclass
class FileResult:
    path: str
    findings: list[Finding]
    words: int
    alignment: Alignment | None
    suppressed: int = 0
    draft: bool = False
    audience: str = "public"
    title: str = ""
    notes: list[str] = field(default_factory=list)
    #: pillar -> the sentences that carry it best (excerpt, line, column, keywords)
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)
    #: draft, scheduled, hidden or published, from the header (see `label` for what readers see)
    status: str = "published"
    #: (start, end) of each finding -> (before, match, after) on its line, for reports
    context: dict[tuple[int, int], tuple[str, str, str]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """What a reader of a report needs: draft / scheduled / hidden / published, and internal."""
        parts = [self.status] if self.status != "published" or self.audience != "internal" else []
        if self.audience == "internal":
            parts.append("internal")
        return " · ".join(parts)

    @property
    def blocking(self) -> list[Finding]:
        """Errors that stop a production build (drafts never block)."""
        return [] if self.draft else [f for f in self.findings if f.severity == "error"]


@dataclass
class Report:
    """Everything one run found. Iterating a report yields its findings (`len()` counts them)."""

    results: list[FileResult] = field(default_factory=list)

    def __iter__(self):
        return iter(self.findings)

    def __len__(self) -> int:
        return sum(len(r.findings) for r in self.results)

    def __bool__(self) -> bool:  # a report with no findings is still a report
        return True

    @property
    def files(self) -> int:
        return len(self.results)

    @property
    def words(self) -> int:
        return sum(r.words for r in self.results)

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    @property
    def suppressed(self) -> int:
        return sum(r.suppressed for r in self.results)

    @property
    def blocking(self) -> list[Finding]:
        return [f for r in self.results for f in r.blocking]

    def as_json(self, findings: list[Finding] | None = None) -> dict:
        """The JSON document plugins/brand_guard/README.md documents, optionally with a filtered finding
        list."""
        chosen = self.findings if findings is None else findings
        return {
            "files": self.files,
            "words": self.words,
            "findings": [f.as_json() for f in chosen],
            "scores": {
                r.path: {"alignment": r.alignment.score, "pillars": dict(r.alignment.pillars)}
                for r in self.results if r.alignment is not None
            },
            "suppressed": self.suppressed,
        }


# ---------------------------------------------------------------- texts without a file

def check_social_text(
    text: str,
    cfg: BrandConfig,
    audience: str = "public",
    channel: str = "social",
    *,
    path: str | None = None,
) -> list[Finding]:
    """Check one social text (as composed for `channel`); positions are within `text`.

    Hype is always at least a warning here; code names are errors unless `audience` is internal.
    """
    view = inline_view(text, social=True)
    hits = _style_hits(view, cfg, place="social", words=count_words(view), quotes=quoted_spans(view))
    hits += _source_hits(text, cfg, audience)
    index = LineIndex(text)
    where = path or f"<{channel}>"
    field_name = "social" if channel == "social" else f"social_{channel}"
    return sorted((_finding(where, index, h, h.start, field_name) for h in hits), key=sort_key)


def check_text(text: str, cfg: BrandConfig, *, audience: str = "public") -> list[Finding]:
    """Check a Markdown snippet as a post body (used by `specs`); no alignment score."""
    post = read_post("\n" + text)  # a leading blank line: no header, all body (offset 1 = text[0])
    hits = _style_hits(post.body, cfg, place="body", words=count_words(post.body), quotes=post.quotes,
                       source=post.text)
    located = [(h, h.start + 1) for h in hits]
    located += [(h, h.start) for h in _source_hits(post.text, cfg, audience)]
    index = LineIndex(text)
    return sorted((_finding("<text>", index, h, offset - 1, "body") for h, offset in located
                   if not _suppressed(h, offset, post, frozenset())), key=sort_key)


# ---------------------------------------------------------------- posts

def check_source(
    path: str,
    text: str,
    cfg: BrandConfig,
    *,
    audience: str | None = None,
    draft: bool | None = None,
    slug: str | None = None,
    now: datetime.datetime | None = None,
    timezone: str | datetime.tzinfo | None = None,
    header: tuple | None = None,
) -> FileResult:
    """Check one post's decoded source. `audience`/`draft` default to what its header says
    (a draft, or dated after `now` read in the site's `timezone`: scheduled posts never block).

    `slug` is the URL slug Pelican derived (when the header has none); it is checked for code
    names together with the file name, because both can end up in a public URL. `header`:
    `parse_header(text)`, when the caller has parsed it already (it is not parsed twice).
    """
    post = read_post(text, header)
    fields = post.fields
    audience = audience or (fields["audience"].value.strip().lower() if "audience" in fields else "public")
    if draft is None:
        draft = _is_draft(post, now, timezone)
    index = LineIndex(text)
    ignored, notes = _ignored_rules(post, path, index)
    low = text.lower()
    found = cfg.anchors.locate(text, low)
    absent = _absent(cfg, text, low, found)
    located, words, parts = _header_hits(post, cfg, absent, found, text)
    body = tokenize(post.body, post.body_start)
    words += len(body.stems)
    located += [(h, post.body_start + h.start, "body") for h in _style_hits(
        post.body, cfg, place="body", words=len(body.stems), quotes=post.quotes, low=body.low,
        absent=absent, found=found and found.part(post.body_start, len(text)), source=text)]
    raw = _source_hits(text, cfg, audience, low, found)
    located += [(h, h.start, _field_at(fields, h.start)) for h in raw]
    located += _name_hits(path, slug, fields, raw, cfg, audience)
    findings = [_finding(path, index, hit, offset, where) for hit, offset, where in located
                if not _suppressed(hit, offset, post, ignored)]
    # The score is pulled down by the hype and avoid findings the writer left in the post itself
    # (suppressed ones were accepted on purpose; social texts are scored elsewhere).
    issues = sum(ISSUE_WEIGHT[f.severity] for f in findings
                 if f.rule in SCORED_ISSUES and f.field in ("title", "summary", "body"))
    alignment = score_alignment(parts + [body], cfg.alignment_model, issues)
    if len(body.stems) >= cfg.min_words:
        title = fields.get("title")  # the score is about the whole post: report it at the title
        where = (title.start, "title") if title else (0, "body")
        scored = [(hit, *where) for hit in _alignment_hits(alignment, cfg)]
        located += scored
        findings += [_finding(path, index, hit, offset, at) for hit, offset, at in scored
                     if not _suppressed(hit, offset, post, ignored)]
    findings.sort(key=sort_key)
    title = fields["title"].value if "title" in fields else os.path.basename(path)
    evidence = {name: [Evidence(q.excerpt, *index.position(q.offset), q.keywords) for q in quotes]
                for name, quotes in alignment.evidence.items()}
    context = {(f.start, f.end): excerpt_around(text, f.start, f.end) for f in findings
               if f.start is not None}
    return FileResult(path, findings, words, alignment, len(located) - len(findings), draft, audience,
                      title, notes, evidence, _status(post, now, timezone), context)


def _header_hits(post: Post, cfg: BrandConfig, absent: frozenset[str], found: Found | None,
                 source: str | None = None):
    """Style hits in Title, Summary and Social* values; their word count; title+summary tokens."""
    located: list[tuple[Hit, int, str]] = []  # (hit, absolute offset, field)
    words = 0
    parts = []
    for name, fld in post.fields.items():
        if not (name in ("title", "summary") or SOCIAL_KEYS.match(name)):
            continue
        view = inline_view(post.text[fld.start:fld.end], social=name != "title")
        tokens = tokenize(view, fld.start)
        words += len(tokens.stems)
        place = name if name in ("title", "summary") else "social"
        located += [(h, fld.start + h.start, name) for h in _style_hits(
            view, cfg, place=place, words=len(tokens.stems), low=tokens.low, quotes=quoted_spans(view),
            absent=absent, found=found and found.part(fld.start, fld.end), source=source)]
        if name in ("title", "summary"):
            parts.append(tokens)
    return located, words, parts


def check_file(path: str | os.PathLike, cfg: BrandConfig, *, display: str | None = None,
               **options) -> FileResult:
    """Read and check one file. A file that is not UTF-8 is still checked (and flagged)."""
    return check_bytes(display or display_path(str(path)), Path(path).read_bytes(), cfg, **options)


def check_bytes(shown: str, data: bytes, cfg: BrandConfig, **options) -> FileResult:
    """Check a file's bytes, already read (`shown`: its path as reported)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8-sig", errors="replace")
        result = check_source(shown, text, cfg, **options)
        line = data[: exc.start].count(b"\n") + 1
        column = len(data[data.rfind(b"\n", 0, exc.start) + 1: exc.start].decode("utf-8", "replace")) + 1
        result.findings.insert(0, Finding(
            shown, line, column, "encoding", "error",
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02x}): re-save it as UTF-8", None,
            field="file"))
        return result
    return check_source(shown, text, cfg, **options)


def iter_markdown(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files as given, directories searched recursively for Markdown; sorted, no duplicates."""
    out: list[Path] = []
    for item in paths:
        p = Path(item)
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.suffix.lower() in MARKDOWN_SUFFIXES and f.is_file())
        elif p.is_file():
            out.append(p)
        else:
            raise FileNotFoundError(f"{item}: no such file or directory")
    unique: dict[Path, Path] = {}
    for p in out:
        unique.setdefault(p.resolve(), p)
    return list(unique.values())


def check_paths(paths: Iterable[str | os.PathLike], cfg: BrandConfig, *,
                timezone: str | datetime.tzinfo | None = None, jobs: int = 1) -> Report:
    """Check every Markdown file under `paths` (the CLI and the benchmark call this); `timezone`
    is the site's TIMEZONE, in which header dates without a zone are read.

    `jobs` > 1 spreads the files over that many forked processes (the CLI uses every usable CPU,
    as Vale does): each file's check is independent and pure, so the report is the same, in the
    same order. Small batches, one job or no fork on this platform: checked in this process.
    """
    files = iter_markdown(paths)
    jobs = min(jobs, len(files) // MIN_FILES_PER_JOB)
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return Report([check_file(p, cfg, timezone=timezone) for p in files])
    _FORKED[:] = [cfg, timezone]  # workers read these from the memory they inherit: nothing pickled
    try:
        # An executor, not a Pool: a worker that dies (killed, out of memory) fails the run at once
        # instead of leaving its files unchecked and the run waiting for them for ever.
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            return Report(list(pool.map(_check_inherited, files,
                                        chunksize=max(1, len(files) // (jobs * 8)))))
    except BrokenProcessPool:
        raise OSError(f"a checking process ended abruptly (killed, or out of memory) — run again, "
                      f"or with --jobs 1 (JOBS=1); {len(files)} files were not all checked") from None
    finally:
        _FORKED.clear()


#: Fewer files than this per process are not worth a fork.
MIN_FILES_PER_JOB = 32
_FORKED: list = []


def _check_inherited(path: Path) -> FileResult:
    cfg, timezone = _FORKED
    return check_file(path, cfg, timezone=timezone)


def usable_cpus() -> int:
    """CPUs this process may run on (a container's or taskset's limit, not the machine's)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


# ---------------------------------------------------------------- helpers

def _style_hits(view: str, cfg: BrandConfig, *, place: str, words: int,
                quotes: list[tuple[int, int]] = (), low: str | None = None,
                absent: frozenset[str] = frozenset(), found: Found | None = None,
                source: str | None = None) -> list[Hit]:
    """All style rules on one prose view; `absent` names word-list families not in the file,
    `found` says where their anchor words are in the view (None: the rules look themselves)."""
    low = view.lower() if low is None else low
    if found is not None and len(low) != len(view):
        found = None  # lower-casing moved the offsets (see Anchors.locate)
    ctx = Context(cfg, place, words, quotes, low, found, absent, source)
    hits: list[Hit] = []
    for rule in PROSE_RULES:
        if place in rule.applies_to:
            hits += rule.check(view, ctx)
    return hits


def _source_hits(text: str, cfg: BrandConfig, audience: str, low: str | None = None,
                 found: Found | None = None) -> list[Hit]:
    """The rules that read raw text (code names), unless the text is internal and they allow it."""
    ctx = Context(cfg, "source", low=low, found=found)
    hits: list[Hit] = []
    for rule in applying_to("source"):
        if not (rule.public_only and audience == "internal"):
            hits += rule.check(text, ctx)
    return hits


def _absent(cfg: BrandConfig, text: str, low: str, found: Found | None) -> frozenset[str]:
    """Word-list families none of whose anchors occurs anywhere in the file: skipped per part."""
    return frozenset(rule for rule in PROSE_FAMILIES
                     if not cfg.matchers[rule].anchors.present(text, low, found))


def _finding(path: str, index: LineIndex, hit: Hit, offset: int, where: str) -> Finding:
    line, column = index.position(offset)
    end_line, end_column = index.position(max(offset, offset + (hit.end - hit.start) - 1))
    return Finding(path, line, column, hit.rule, hit.severity, hit.message, hit.suggestion,
                   end_column if end_line == line else None, where, hit.replacement, offset,
                   offset + (hit.end - hit.start))


def _suppressed(hit: Hit, offset: int, post: Post, ignored: frozenset[str]) -> bool:
    if hit.rule not in SUPPRESSIBLE:
        return False
    if hit.rule in ignored:
        return True
    return any(start <= offset < end and (not rules or hit.rule in rules)
               for start, end, rules in post.suppressions.ranges)


def _ignored_rules(post: Post, path: str, index: LineIndex) -> tuple[frozenset[str], list[str]]:
    notes = []
    fld = post.fields.get("brand_ignore")
    listed = [r for r in re.split(r"[\s,]+", fld.value) if r] if fld else []
    named = [(fld.line, r) for r in listed]
    named += [(index.position(offset)[0], rule) for offset, rule in post.suppressions.named]
    for offset, comment in post.suppressions.bad:
        notes.append(f"{path}:{index.position(offset)[0]}: brand directive not understood: "
                     f"<!--{comment}--> (use brand: off [rules], brand: on, brand: ignore rules)")
    for line, rule in named:
        rule = rule.lower()
        if rule in RULES and rule not in SUPPRESSIBLE:
            notes.append(f"{path}:{line}: {rule} cannot be suppressed; the rule still applies")
        elif rule not in SUPPRESSIBLE:
            notes.append(f"{path}:{line}: unknown brand rule '{rule}' (rules: {', '.join(SUPPRESSIBLE)})")
    return frozenset(r.lower() for r in listed if r.lower() in SUPPRESSIBLE), notes


def _status(post: Post, now: datetime.datetime | None, timezone) -> str:
    """draft, scheduled (dated after `now`), hidden or published, as the header says."""
    facts = PostFacts.from_header(post.fields)
    status = facts.status.strip().lower() or "published"
    if status == "draft":
        return "draft"
    if facts.date and to_datetime(facts.date, timezone) is not None and is_scheduled(
            facts.date, now or datetime.datetime.now(datetime.UTC), timezone):
        return "scheduled"
    return status if status in ("hidden", "published") else "published"


def _is_draft(post: Post, now: datetime.datetime | None, timezone) -> bool:
    """A draft, or scheduled (Pelican keeps future posts as drafts). Hidden posts are public by URL:
    not drafts. A post without a date is not scheduled (pages have none)."""
    facts = PostFacts.from_header(post.fields)
    if facts.status.strip().lower() == "draft":
        return True
    if to_datetime(facts.date, timezone) is None:  # unreadable: the contract reports it; still blocks
        return False
    return is_scheduled(facts.date, now or datetime.datetime.now(datetime.UTC), timezone)


def _field_at(fields: dict, offset: int) -> str:
    for name, fld in fields.items():
        if fld.start <= offset <= fld.end:
            return name
    return "body"


def _name_hits(path: str, slug: str | None, fields: dict, raw: list[Hit], cfg: BrandConfig,
               audience: str) -> list[tuple[Hit, int, str]]:
    """Rules for names (code names) on the file name and a derived slug (both can become the
    public URL); reported at the top of the file, once per rule and name. A slug derived from a
    title that already broke the rule is not reported again."""
    out = []
    stem = os.path.splitext(os.path.basename(path))[0]
    title = fields.get("title")
    ctx = Context(cfg, "name")
    for rule in applying_to("name"):
        if rule.public_only and audience == "internal":
            continue
        title_hit = title is not None and any(
            h.rule == rule.id and title.start <= h.start <= title.end for h in raw)
        for where, value in (("file", stem), ("slug", slug if "slug" not in fields else None)):
            if not value or (where == "slug" and title_hit):
                continue
            for hit in rule.check(value, ctx):
                label = "file name" if where == "file" else "URL slug"
                message = hit.message.replace("' is the", f"' (in the {label}) is the", 1)
                out.append((Hit(0, 0, hit.rule, hit.severity, message), 0, where))
                break
    return out


def _alignment_hits(alignment: Alignment, cfg: BrandConfig) -> list[Hit]:
    """A score under `min_score`; a required pillar under its band (warning), a recommended one
    under its band (suggestion)."""
    model = cfg.alignment_model
    hits = []
    if alignment.score < cfg.min_score:
        pillars = ", ".join(f"{name} {value}" for name, value in alignment.pillars.items())
        message = (f"alignment {alignment.score}/100 is under {cfg.min_score}: no pillar is clearly "
                   f"carried ({pillars})")
        best = max(cfg.pillars, key=lambda p: alignment.pillars.get(p.name, 0))
        hint = f"connect the post to '{best.name}' ({', '.join(best.keywords[:5])})"
        hits.append(Hit(0, 1, "alignment", "warning", message, hint))
    for pillar in cfg.pillars:
        if not pillar.goal:
            continue
        floor = model.green if pillar.band == "green" else model.amber
        value = alignment.pillars.get(pillar.name, 0)
        if value >= floor:
            continue
        severity = "warning" if pillar.goal == "required" else "suggestion"
        found = alignment.sentences.get(pillar.name, 0)
        shown = f"{found} sentence{'' if found == 1 else 's'} carr{'ies' if found == 1 else 'y'} it"
        message = (f"{pillar.goal} pillar '{pillar.name}' scores {value}/100 ({model.band(value)}), "
                   f"under {pillar.band} ({floor}): {shown}")
        if alignment.factor < 0.95:
            message += f"; hype and avoid findings take {round(100 * (1 - alignment.factor))}% off"
        hint = (f"show it in a few sentences across the post, with specifics "
                f"({', '.join(pillar.keywords[:5])})")
        hits.append(Hit(0, 1, "alignment", severity, message, hint))
    return hits
