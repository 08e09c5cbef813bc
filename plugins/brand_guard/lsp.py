"""`python -m plugins.brand_guard.lsp`: the brand guard in the editor, as a Language Server (pygls).

The writer sees the same findings `make brand` prints, as diagnostics, while typing: each open
Markdown post is checked a moment after the last keystroke (debounced), at once on open and save,
with the rules of the nearest `brand.yml`. Findings with one right answer (`Finding.replacement`)
come with quick fixes, checked by the same timid planner as `make brand FIX=1` (`fix.py`), plus
one "fix all" source action.

Positions: the server keeps its own copy of every open document, split into lines the way LSP
does (`\\n`, `\\r\\n`, `\\r` only — not U+2028 or form feeds, which Python's `splitlines` would
count) and measured in the negotiated position encoding (UTF-16 unless the client offers another),
so an emoji or any astral character before a finding does not shift its column.

brand.yml: re-read whenever its bytes change (file watcher notifications, saves, and a cheap
poll for clients without watchers); a broken brand.yml is a diagnostic on brand.yml — the posts
keep one note saying their check is paused — never a crash. An open brand.yml is validated as it is
typed.

Options (command line, or `initializationOptions` from the editor): `config` (a brand.yml to use
instead of the nearest one), `debounceMs` (default 150), `pollMs` (default 1000; 0 disables).
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.uris import from_fs_path, to_fs_path

from .config import BrandConfig, BrandConfigError, parse_config
from .core import MARKDOWN_SUFFIXES, check_source, run_specs
from .findings import Finding
from .fix import Plan, fixable, plan_text

SOURCE = "lectern"
CONFIG_NAME = "brand.yml"
REPO_CONFIG = Path(__file__).resolve().parents[2] / CONFIG_NAME
FIX_ALL = "source.fixAll.lectern"
SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "suggestion": lsp.DiagnosticSeverity.Information,
}
log = logging.getLogger(__name__)

_EOL = re.compile(r"\r\n|\r|\n")


class Lines:
    """Offsets <-> LSP positions for one text (LSP line breaks, `encoding` code units)."""

    def __init__(self, text: str, encoding: str = "utf-16"):
        self.text = text
        self.encoding = encoding
        self.starts = [0] + [m.end() for m in _EOL.finditer(text)]

    def units(self, s: str) -> int:
        if self.encoding == "utf-32" or s.isascii():
            return len(s)
        if self.encoding == "utf-8":
            return len(s.encode("utf-8", "surrogatepass"))
        return len(s) + sum(1 for c in s if ord(c) > 0xFFFF)

    def position(self, offset: int) -> lsp.Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        return lsp.Position(line, self.units(self.text[self.starts[line]:offset]))

    def range(self, start: int, end: int) -> lsp.Range:
        return lsp.Range(self.position(start), self.position(end))

    def offset(self, pos: lsp.Position) -> int:
        """The offset of a client position; past the end of a line means its end (as LSP says)."""
        if pos.line >= len(self.starts):
            return len(self.text)
        start = self.starts[pos.line]
        end = self.starts[pos.line + 1] if pos.line + 1 < len(self.starts) else len(self.text)
        line = self.text[start:end]
        line = line[:len(line) - len(m.group())] if (m := _EOL.search(line)) else line
        if self.encoding == "utf-32" or line.isascii():
            return start + min(pos.character, len(line))
        count = 0
        for i, c in enumerate(line):
            if count >= pos.character:
                return start + i
            count += self.units(c)
        return start + len(line)


@dataclass
class Doc:
    uri: str
    path: str | None
    text: str
    version: int | None
    language: str = ""
    findings: list[Finding] = field(default_factory=list)
    checked: tuple | None = None  # (version, text id, config key) of `findings`
    #: Fix plans for the checked text, by finding span (None: fix all). Editors ask for code actions
    #: at every cursor move; planning re-checks the text, so it is done once per version.
    plans: dict = field(default_factory=dict)
    config: BrandConfig | None = None
    timer: asyncio.TimerHandle | None = None

    @property
    def is_post(self) -> bool:
        suffix = os.path.splitext(self.path or self.uri)[1].lower()
        return self.language == "markdown" or suffix in MARKDOWN_SUFFIXES

    @property
    def is_config(self) -> bool:
        return os.path.basename(self.path or "") == CONFIG_NAME


class ConfigCache:
    """brand.yml files by path, re-parsed whenever their bytes change (not their mtime)."""

    def __init__(self):
        self._by_path: dict[str, tuple[bytes, BrandConfig | BrandConfigError]] = {}

    def load(self, path: str) -> BrandConfig:
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError:
            raise BrandConfigError(path, 1, "file not found") from None
        except OSError as exc:
            raise BrandConfigError(path, 1, f"cannot read the file: {exc.strerror}") from None
        cached = self._by_path.get(path)
        if cached is None or cached[0] != data:
            cached = (data, parse_text(data, path))
            self._by_path[path] = cached
        if isinstance(cached[1], BrandConfigError):
            raise cached[1]
        return cached[1]

    def paths(self) -> list[str]:
        return list(self._by_path)

    def changed(self) -> bool:
        """Whether any loaded brand.yml now reads differently on disk."""
        for path, (data, _) in self._by_path.items():
            try:
                if Path(path).read_bytes() != data:
                    return True
            except OSError:
                return True
        return False


def parse_text(data: bytes | str, path: str) -> BrandConfig | BrandConfigError:
    """A validated, self-tested config, or the error that stops it (never raises)."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.removeprefix("\ufeff")
        config = parse_config(text, path)
        run_specs(config)
        return config
    except UnicodeDecodeError as exc:
        return BrandConfigError(path, 1, f"the file is not UTF-8 ({exc.reason}) — re-save it as UTF-8")
    except BrandConfigError as exc:
        return exc
    except Exception as exc:  # a loader bug must not take the editor's server down
        log.exception("brand.yml %s", path)
        return BrandConfigError(path, 1, f"cannot be loaded ({type(exc).__name__}: {exc})")


class _Protocol(LanguageServerProtocol):
    """pygls's protocol without its own copy of open documents.

    That copy splits lines with `str.splitlines` (U+2028, NEL and form feeds count as breaks, unlike
    LSP) and clamps a change's positions *in place* to its idea of the line, which would corrupt the
    change before our handler sees it. The server keeps its own copy (`Doc`, `Lines`) instead.
    """

    @lsp_method(lsp.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: lsp.DidOpenTextDocumentParams):
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: lsp.DidChangeTextDocumentParams):
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: lsp.DidCloseTextDocumentParams):
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


class BrandServer(LanguageServer):
    """The Language Server: open documents, their findings, and the brand.yml each one uses."""

    def __init__(self, *, config: str | None = None, debounce_ms: int = 150, poll_ms: int = 1000):
        super().__init__("lectern-brand", "1", text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
                         protocol_cls=_Protocol)
        self.docs: dict[str, Doc] = {}
        self.configs = ConfigCache()
        self.config_override = config
        self.debounce = debounce_ms / 1000
        self.poll = poll_ms / 1000
        self.root: str | None = None
        self.config_problems: dict[str, str] = {}  # brand.yml URI -> the error published there
        self._poller: asyncio.Task | None = None

    # ------------------------------------------------------------ configuration

    @property
    def encoding(self) -> str:
        try:
            return str(self.workspace.position_encoding or "utf-16")
        except Exception:  # before `initialize`
            return "utf-16"

    def config_path(self, doc: Doc) -> str:
        """The override, else the nearest brand.yml above the post, else the workspace's, else the
        repository's."""
        if self.config_override:
            base = self.root or os.getcwd()
            return os.path.abspath(os.path.join(base, os.path.expanduser(self.config_override)))
        if doc.path:
            here = Path(doc.path).resolve().parent
            for folder in (here, *here.parents):
                candidate = folder / CONFIG_NAME
                if candidate.is_file():
                    return str(candidate)
        if self.root and (Path(self.root) / CONFIG_NAME).is_file():
            return str(Path(self.root) / CONFIG_NAME)
        return str(REPO_CONFIG)

    def _config_for(self, doc: Doc) -> BrandConfig | BrandConfigError:
        path = self.config_path(doc)
        try:
            config = self.configs.load(path)
        except BrandConfigError as exc:
            self._publish_config_error(exc)
            return exc
        self._clear_config_error(path)
        return config

    def _config_uri(self, path: str) -> str:
        return from_fs_path(os.path.abspath(path)) or path

    def _publish_config_error(self, exc: BrandConfigError) -> None:
        uri = self._config_uri(exc.path)
        open_doc = self.docs.get(uri)
        if open_doc is not None and open_doc.is_config:
            return self.check_config_doc(open_doc)  # the buffer, not the disk, is what the writer sees
        self._publish_config_diagnostics(uri, exc, Lines(_read(exc.path), self.encoding))

    def _publish_config_diagnostics(self, uri: str, exc: BrandConfigError | None, lines: Lines) -> None:
        """Publish (or clear) the one diagnostic of a brand.yml, only when it changes."""
        if exc is None:
            if self.config_problems.pop(uri, None) is None:
                return
            diagnostics = []
        else:
            row = max(0, min(exc.line - 1, len(lines.starts) - 1))
            start = lines.starts[row]
            end = lines.starts[row + 1] if row + 1 < len(lines.starts) else len(lines.text)
            end -= len(_eol_at(lines.text, end)) if end > start else 0
            message = f"{exc.message} — the posts' brand check is paused until this is fixed"
            if self.config_problems.get(uri) == f"{row}:{message}":
                return
            self.config_problems[uri] = f"{row}:{message}"
            diagnostics = [lsp.Diagnostic(range=lines.range(start, end), message=message, code="config",
                                          severity=lsp.DiagnosticSeverity.Error, source=SOURCE)]
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))

    def _clear_config_error(self, path: str) -> None:
        uri = self._config_uri(path)
        if uri in self.config_problems and uri not in self.docs:
            self._publish_config_diagnostics(uri, None, Lines(""))

    def check_config_doc(self, doc: Doc) -> None:
        """Validate an open brand.yml as typed (its diagnostics only; posts use the saved file)."""
        result = parse_text(doc.text, doc.path or CONFIG_NAME)
        self._publish_config_diagnostics(doc.uri, result if isinstance(result, BrandConfigError) else None,
                                         Lines(doc.text, self.encoding))

    # ------------------------------------------------------------ checking posts

    def schedule(self, doc: Doc, delay: float | None = None) -> None:
        if doc.timer is not None:
            doc.timer.cancel()
            doc.timer = None
        delay = self.debounce if delay is None else delay
        if delay <= 0:
            self.publish(doc)
            return
        doc.timer = asyncio.get_running_loop().call_later(delay, self.publish, doc)

    def check(self, doc: Doc) -> tuple[list[Finding], BrandConfig | None, BrandConfigError | None]:
        """The document's findings now (cached per version, text and config)."""
        config = self._config_for(doc)
        if isinstance(config, BrandConfigError):
            return [], None, config
        key = (doc.version, id(doc.text), id(config))
        if doc.checked != key:
            bom = 1 if doc.text.startswith("\ufeff") else 0
            result = check_source(doc.path or "untitled.md", doc.text[bom:], config)
            doc.findings = [_shift(f, bom) for f in result.findings] if bom else result.findings
            doc.checked = key
            doc.plans = {}
            doc.config = config
        return doc.findings, config, None

    def publish(self, doc: Doc) -> None:
        doc.timer = None
        if self.docs.get(doc.uri) is not doc:
            return  # closed meanwhile
        try:
            findings, _, problem = self.check(doc)
        except Exception as exc:  # a rule bug: tell the writer, keep serving
            log.exception("brand check of %s", doc.uri)
            self.window_log_message(lsp.LogMessageParams(lsp.MessageType.Error,
                                                         f"brand check failed: {exc!r}"))
            return
        lines = Lines(doc.text, self.encoding)
        if problem is not None:
            diagnostics = [lsp.Diagnostic(
                range=lines.range(0, 0), severity=lsp.DiagnosticSeverity.Information, source=SOURCE,
                code="config", message=f"brand check paused: {problem} — fix brand.yml")]
        else:
            diagnostics = [diagnostic(f, lines) for f in findings]
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
            uri=doc.uri, diagnostics=diagnostics, version=doc.version))

    def recheck_all(self) -> None:
        for doc in list(self.docs.values()):
            if doc.is_config:
                self.check_config_doc(doc)
            elif doc.is_post:
                self.schedule(doc, 0)
        for path in self.configs.paths():  # a broken brand.yml nobody has open still gets its diagnostic
            try:
                self.configs.load(path)
                self._clear_config_error(path)
            except BrandConfigError as exc:
                self._publish_config_error(exc)

    async def poll_configs(self) -> None:
        """For clients without file watchers: recheck when a brand.yml in use changes on disk (its
        bytes, not its mtime: a file rewritten within one clock tick is still noticed)."""
        while True:
            await asyncio.sleep(self.poll)
            if self.configs.changed():
                self.recheck_all()

    # ------------------------------------------------------------ quick fixes

    def code_actions(self, doc: Doc, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        """A quick fix per fixable finding under the cursor (planned now: a doubtful one is shown
        disabled, with the reason) and one "fix all" action (planned on resolve when the client can
        resolve edits: editors ask for actions at every cursor move)."""
        if not doc.is_post:
            return []
        findings, config, problem = self.check(doc)
        if problem is not None or config is None:
            return []
        lines = Lines(doc.text, self.encoding)
        only = params.context.only
        first, last = lines.offset(params.range.start), lines.offset(params.range.end)
        actions: list[lsp.CodeAction] = []
        candidates = fixable(findings)
        if _wanted(lsp.CodeActionKind.QuickFix.value, only):
            for f in candidates:
                if not (f.start <= last and first <= f.end):
                    continue
                plan = self._plan(doc, config, f)
                old = doc.text[f.start:f.end]
                action = lsp.CodeAction(title=f"Replace '{old}' with '{f.replacement}' ({f.rule})",
                                        kind=lsp.CodeActionKind.QuickFix, diagnostics=[diagnostic(f, lines)])
                self._fill(action, doc, plan, lines)
                if action.edit is not None:
                    action.is_preferred = True
                actions.append(action)
        if _wanted(FIX_ALL, only) and candidates:
            action = lsp.CodeAction(title=f"Fix all unambiguous brand findings ({len(candidates)})",
                                    kind=FIX_ALL)
            if self._resolves_edits() and None not in doc.plans:
                action.data = {"uri": doc.uri, "version": doc.version}
            else:
                self._fill(action, doc, self._plan(doc, config, None), lines)
            actions.append(action)
        return actions

    def resolve(self, action: lsp.CodeAction) -> lsp.CodeAction:
        """The edit of a "fix all" action, planned now (for the document as it is now)."""
        data = action.data if isinstance(action.data, dict) else {}
        doc = self.docs.get(str(data.get("uri")))
        if doc is None or action.edit is not None:
            return action
        _, config, problem = self.check(doc)
        if problem is None and config is not None:
            self._fill(action, doc, self._plan(doc, config, None), Lines(doc.text, self.encoding))
        return action

    def _resolves_edits(self) -> bool:
        caps = self.client_capabilities.text_document
        resolve = caps and caps.code_action and caps.code_action.resolve_support
        return bool(resolve and "edit" in resolve.properties)

    def _plan(self, doc: Doc, config: BrandConfig, finding: Finding | None) -> Plan:
        """The fix plan for one finding (None: all of them), once per checked version."""
        key = None if finding is None else (finding.start, finding.end)
        if key not in doc.plans:
            bom = 1 if doc.text.startswith("\ufeff") else 0
            found = [_shift(f, -bom) for f in doc.findings]
            only = None if finding is None else [_shift(finding, -bom)]
            doc.plans[key] = plan_text(doc.path or "untitled.md", doc.text[bom:], config, only=only,
                                       findings=found)
        return doc.plans[key]

    def _fill(self, action: lsp.CodeAction, doc: Doc, plan: Plan, lines: Lines) -> None:
        if plan.changed:
            bom = 1 if doc.text.startswith("\ufeff") else 0
            action.edit = self.workspace_edit(doc, plan, lines, bom)
            action.disabled = None
        else:
            action.disabled = lsp.CodeActionDisabled(reason=plan.refused or "nothing to change")

    def workspace_edit(self, doc: Doc, plan: Plan, lines: Lines, bom: int) -> lsp.WorkspaceEdit:
        edits = [lsp.TextEdit(range=lines.range(e.start + bom, e.end + bom), new_text=e.new)
                 for e in plan.edits]
        caps = self.client_capabilities
        versioned = bool(caps.workspace and caps.workspace.workspace_edit
                         and caps.workspace.workspace_edit.document_changes)
        if versioned:
            ident = lsp.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version)
            change = lsp.TextDocumentEdit(text_document=ident, edits=edits)
            return lsp.WorkspaceEdit(document_changes=[change])
        return lsp.WorkspaceEdit(changes={doc.uri: edits})


def _wanted(kind: str, only) -> bool:
    """Whether the client asked for `kind` (kinds are hierarchical: "source" covers "source.fixAll")."""
    return not only or any(kind == str(k) or kind.startswith(f"{k}.") for k in only)


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return ""


def _eol_at(text: str, end: int) -> str:
    for eol in ("\r\n", "\n", "\r"):
        if text.endswith(eol, 0, end):
            return eol
    return ""


def _shift(f: Finding, by: int) -> Finding:
    from dataclasses import replace

    if f.start is None or not by:
        return f
    return replace(f, start=f.start + by, end=(f.end or f.start) + by)


def diagnostic(f: Finding, lines: Lines) -> lsp.Diagnostic:
    """One finding as the editor shows it: the exact span, severity, source "lectern", rule id."""
    start = f.start or 0
    end = f.end if f.end is not None else start
    message = f.message
    if f.suggestion:
        message += f" → {f.suggestion}"
    data: dict[str, Any] | None = {"replacement": f.replacement} if f.replacement is not None else None
    return lsp.Diagnostic(range=lines.range(start, end), message=message, severity=SEVERITY[f.severity],
                          source=SOURCE, code=f.rule, data=data)


def _path(uri: str) -> str | None:
    return to_fs_path(uri) if uri.startswith("file:") else None


def build_server(*, config: str | None = None, debounce_ms: int = 150, poll_ms: int = 1000) -> BrandServer:
    """A server with every handler registered (started by `main`; tests may build their own)."""
    server = BrandServer(config=config, debounce_ms=debounce_ms, poll_ms=poll_ms)

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: BrandServer, params: lsp.InitializeParams) -> None:
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        if options.get("config"):
            ls.config_override = str(options["config"])
        if isinstance(options.get("debounceMs"), int | float):
            ls.debounce = max(0, options["debounceMs"]) / 1000
        if isinstance(options.get("pollMs"), int | float):
            ls.poll = max(0, options["pollMs"]) / 1000
        folders = params.workspace_folders or []
        root_uri = params.root_uri or (folders[0].uri if folders else None)
        ls.root = _path(root_uri) if root_uri else params.root_path

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: BrandServer, params: lsp.InitializedParams) -> None:
        caps = ls.client_capabilities.workspace
        if caps and caps.did_change_watched_files and caps.did_change_watched_files.dynamic_registration:
            watch = lsp.DidChangeWatchedFilesRegistrationOptions(
                watchers=[lsp.FileSystemWatcher(glob_pattern=f"**/{CONFIG_NAME}")])
            registration = lsp.Registration(id="lectern-brand-yml", register_options=watch,
                                            method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
            try:
                request = lsp.RegistrationParams(registrations=[registration])
                await ls.client_register_capability_async(request)
            except Exception:  # the poll still notices changes
                log.warning("client refused the brand.yml watcher")
        if ls.poll > 0:
            ls._poller = asyncio.ensure_future(ls.poll_configs())

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: BrandServer, params: lsp.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        doc = Doc(item.uri, _path(item.uri), item.text, item.version, item.language_id)
        ls.docs[item.uri] = doc
        if doc.is_config:
            ls.check_config_doc(doc)
        elif doc.is_post:
            ls.schedule(doc, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: BrandServer, params: lsp.DidChangeTextDocumentParams) -> None:
        doc = ls.docs.get(params.text_document.uri)
        if doc is None:
            return
        for change in params.content_changes:
            if isinstance(change, lsp.TextDocumentContentChangePartial):
                lines = Lines(doc.text, ls.encoding)
                start, end = lines.offset(change.range.start), lines.offset(change.range.end)
                doc.text = doc.text[:start] + change.text + doc.text[max(start, end):]
            else:
                doc.text = change.text
        doc.version = params.text_document.version
        if doc.is_config:
            ls.check_config_doc(doc)
        elif doc.is_post:
            ls.schedule(doc)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE, lsp.SaveOptions(include_text=False))
    def did_save(ls: BrandServer, params: lsp.DidSaveTextDocumentParams) -> None:
        doc = ls.docs.get(params.text_document.uri)
        if doc is not None and params.text is not None:
            doc.text = params.text
        named = os.path.basename(_path(params.text_document.uri) or "") == CONFIG_NAME
        if named or (doc is not None and doc.is_config):
            ls.recheck_all()
        elif doc is not None and doc.is_post:
            ls.schedule(doc, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: BrandServer, params: lsp.DidCloseTextDocumentParams) -> None:
        doc = ls.docs.pop(params.text_document.uri, None)
        if doc is None:
            return
        if doc.timer is not None:
            doc.timer.cancel()
        if doc.is_config:  # back to what the file on disk says
            ls.config_problems.pop(doc.uri, None)
            ls.recheck_all()
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=doc.uri, diagnostics=[]))

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: BrandServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        if any(os.path.basename(_path(c.uri) or c.uri) == CONFIG_NAME for c in params.changes):
            ls.recheck_all()

    @server.feature(lsp.CODE_ACTION_RESOLVE)
    def code_action_resolve(ls: BrandServer, action: lsp.CodeAction) -> lsp.CodeAction:
        return ls.resolve(action)

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION,
                    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL],
                                          resolve_provider=True))
    def code_action(ls: BrandServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
        doc = ls.docs.get(params.text_document.uri)
        if doc is None:
            return None
        return ls.code_actions(doc, params) or None

    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m plugins.brand_guard.lsp",
                                     description="The brand guard as a Language Server on standard I/O.")
    parser.add_argument("--config", help="brand.yml to use (default: the nearest one above each post)")
    parser.add_argument("--debounce-ms", type=int, default=150, help="wait after the last keystroke (150)")
    parser.add_argument("--poll-ms", type=int, default=1000,
                        help="how often to look for brand.yml changes on disk (1000; 0: only when told)")
    parser.add_argument("--stdio", action="store_true", help="accepted for editors that always pass it")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    build_server(config=args.config, debounce_ms=args.debounce_ms, poll_ms=args.poll_ms).start_io()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
