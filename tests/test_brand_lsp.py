"""The brand guard's Language Server, driven over stdio with real LSP messages (tests/lspclient.py)."""

from __future__ import annotations

import re

import pytest
from lspclient import LspClient
from test_brand_support import TEST_BRAND

from plugins.brand_guard.core import load_config


@pytest.fixture
def root(tmp_path):
    (tmp_path / "brand.yml").write_text(TEST_BRAND, encoding="utf-8")
    (tmp_path / "content").mkdir()
    return tmp_path


@pytest.fixture
def start(root):
    clients = []

    def launch(options: dict | None = None, capabilities: dict | None = None, *args: str):
        client = LspClient(*args, cwd=root)
        clients.append(client)
        client.init_result = client.initialize(root, capabilities, {"debounceMs": 20, **(options or {})})
        return client

    yield launch
    for client in clients:
        assert client.close() == 0, client.stderr_tail()


_EOL = re.compile(r"\r\n|\r|\n")


def utf16(text: str, offset: int) -> dict:
    """LSP position of `offset`, counted independently: LSP line breaks, UTF-16 code units."""
    starts = [0] + [m.end() for m in _EOL.finditer(text)]
    line = max(i for i, s in enumerate(starts) if s <= offset)
    return {"line": line, "character": len(text[starts[line]:offset].encode("utf-16-le")) // 2}


def span(text: str, needle: str, occurrence: int = 1) -> dict:
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    return {"start": utf16(text, index), "end": utf16(text, index + len(needle))}


def apply(text: str, edits: list[dict]) -> str:
    """Apply TextEdits the way an editor does (UTF-16 positions, last edit first)."""
    starts = [0] + [m.end() for m in _EOL.finditer(text)]

    def offset(pos):
        line_start = starts[pos["line"]]
        units = 0
        i = line_start
        while units < pos["character"]:
            units += 2 if ord(text[i]) > 0xFFFF else 1
            i += 1
        return i

    for edit in sorted(edits, key=lambda e: (e["range"]["start"]["line"], e["range"]["start"]["character"]),
                       reverse=True):
        text = text[:offset(edit["range"]["start"])] + edit["newText"] + text[offset(edit["range"]["end"]):]
    return text


GIZMO = TEST_BRAND.replace("  - use: LinkedIn\n",
                           "  - use: Gizmo\n    instead_of: [gadget]\n  - use: LinkedIn\n")

# A post whose findings sit after emoji, astral letters, U+2028/NEL (not LSP line breaks) and CR/CRLF.
HOSTILE = ("Title: 👍 Linkedin news\r\n\r\n"
           "😀𝒳 é Linkedin and NorthwindLedger.\r\n"
           "x\u2028y\u0085z Linkedin, 日本 AP\r"
           "`Linkedin` in code, then 𝄞 Linkedin\n")


def test_initialize_advertises_incremental_sync_quick_fixes_and_utf16(start):
    caps = start().init_result["capabilities"]
    assert caps["textDocumentSync"]["change"] == 2 and caps["textDocumentSync"]["openClose"] is True
    assert caps["positionEncoding"] == "utf-16"
    assert set(caps["codeActionProvider"]["codeActionKinds"]) == {"quickfix", "source.fixAll.lectern"}


def test_diagnostics_have_exact_utf16_ranges_severity_source_and_rule(start, root):
    client = start()
    uri = client.open(root / "content" / "p.md", HOSTILE)
    got = sorted(client.diagnostics(uri, 1), key=lambda d: (d["range"]["start"]["line"],
                                                            d["range"]["start"]["character"]))
    terms = [d for d in got if d["code"] == "terms"]
    assert [d["range"] for d in terms] == [
        span(HOSTILE, "Linkedin", 1), span(HOSTILE, "Linkedin", 2), span(HOSTILE, "NorthwindLedger"),
        span(HOSTILE, "Linkedin", 3), span(HOSTILE, "AP"), span(HOSTILE, "Linkedin", 5)]
    # hand-counted: 😀 and 𝒳 are two UTF-16 units each, U+2028 and NEL do not break lines in LSP
    assert terms[1]["range"]["start"] == {"line": 2, "character": 7}
    assert terms[3]["range"]["start"] == {"line": 3, "character": 6}
    assert terms[5]["range"] == {"start": {"line": 4, "character": 28}, "end": {"line": 4, "character": 36}}
    assert {d["source"] for d in got} == {"lectern"}
    severity = {d["range"]["start"]["character"]: d["severity"] for d in terms}
    assert severity[span(HOSTILE, "NorthwindLedger")["start"]["character"]] == 1  # error
    assert severity[span(HOSTILE, "AP")["start"]["character"]] == 3  # suggestion -> information
    assert terms[0]["severity"] == 2  # warning
    assert terms[0]["data"] == {"replacement": "LinkedIn"} and "data" not in terms[4]


def test_the_editor_sees_what_make_brand_sees(start, root):
    from plugins.brand_guard.core import check_source

    text = HOSTILE.replace("\r\n", "\n").replace("\r", "\n") + "We love synergy!! It is revolutionary.\n"
    expected = check_source("p.md", text, load_config(root / "brand.yml")).findings
    client = start()
    got = client.diagnostics(client.open(root / "content" / "p.md", text), 1)
    assert sorted((d["range"]["start"]["line"] + 1, d["code"]) for d in got) == sorted(
        (f.line, f.rule) for f in expected)


def test_incremental_and_full_changes_are_followed_and_debounced(start, root):
    client = start({"debounceMs": 300})
    text = "Title: x\n\nWe use Linkedin.\n"
    uri = client.open(root / "content" / "p.md", text)
    assert client.diagnostics(uri, 1)[0]["range"] == span(text, "Linkedin")
    for version in range(2, 12):  # ten keystrokes: an emoji and a space typed before "We"
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": 2, "character": 0},
                                          "end": {"line": 2, "character": 0}}, "text": "😀 "}]})
        text = text[:10] + "😀 " + text[10:]
    published = []
    while not published or published[-1]["version"] != 11:
        published.append(client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri))
    assert published[-1]["diagnostics"][0]["range"] == span(text, "Linkedin")
    assert published[-1]["diagnostics"][0]["range"]["start"]["character"] == 7 + 30
    assert len(published) < 10  # coalesced, not one check per keystroke
    # a change across lines (delete from the title's end to inside the body), then a full replacement
    client.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": 12},
        "contentChanges": [{"range": {"start": {"line": 0, "character": 8},
                                      "end": {"line": 2, "character": 0}}, "text": " Linkedin\n\n"}]})
    text = "Title: x Linkedin\n\n" + text.split("\n", 2)[2]
    assert sorted(d["range"]["start"]["line"] for d in client.diagnostics(uri, 12)) == [0, 2]
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 13},
                                             "contentChanges": [{"text": "Title: x\n\nAll fine.\n"}]})
    assert client.diagnostics(uri, 13) == []


def test_incremental_change_after_characters_python_but_not_lsp_treats_as_line_breaks(start, root):
    client = start()
    text = "Title: x\n\nA\u2028B\u0085C\u000cD fine.\nEnd.\n"
    uri = client.open(root / "content" / "p.md", text)
    assert client.diagnostics(uri, 1) == []
    at = {"line": 2, "character": 12}  # after "fine" on the one LSP line 2
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"range": {"start": at, "end": at},
                                                                 "text": " on Linkedin"}]})
    text = text.replace("D fine", "D fine on Linkedin")
    (found,) = client.diagnostics(uri, 2)
    assert found["range"] == span(text, "Linkedin") == {"start": {"line": 2, "character": 16},
                                                        "end": {"line": 2, "character": 24}}


def test_save_checks_at_once_whatever_the_debounce(start, root):
    client = start({"debounceMs": 600000})
    uri = client.open(root / "content" / "p.md", "Title: x\n\nFine.\n")
    assert client.diagnostics(uri, 1) == []  # open is checked at once
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": "Title: x\n\nLinkedin.\n"}]})
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert [d["code"] for d in client.diagnostics(uri, 2)] == ["terms"]


def test_quick_fixes_are_workspace_edits_that_clear_the_finding(start, root):
    client = start()
    text = HOSTILE
    uri = client.open(root / "content" / "p.md", text)
    diagnostics = client.diagnostics(uri, 1)
    target = span(text, "Linkedin", 2)  # after 😀𝒳
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": target,
        "context": {"diagnostics": [d for d in diagnostics if d["range"] == target]}})
    quick = [a for a in actions if a["kind"] == "quickfix"]
    assert [a["title"] for a in quick] == ["Replace 'Linkedin' with 'LinkedIn' (terms)"]
    assert quick[0]["isPreferred"] is True and quick[0]["diagnostics"][0]["code"] == "terms"
    (change,) = quick[0]["edit"]["documentChanges"]
    assert change["textDocument"] == {"uri": uri, "version": 1}
    fixed = apply(text, change["edits"])
    assert fixed == text.replace("😀𝒳 é Linkedin", "😀𝒳 é LinkedIn")

    fix_all = [a for a in actions if a["kind"] == "source.fixAll.lectern"]
    edits = fix_all[0]["edit"]["documentChanges"][0]["edits"]
    everything = apply(text, edits)
    assert everything == (text.replace("👍 Linkedin", "👍 LinkedIn").replace("é Linkedin", "é LinkedIn")
                          .replace("NorthwindLedger", "Northwind Ledger").replace("z Linkedin", "z LinkedIn")
                          .replace("𝄞 Linkedin", "𝄞 LinkedIn"))
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": everything}]})
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    left = client.diagnostics(uri, 2)
    assert [d["code"] for d in left] == ["terms"] and "AP" in left[0]["message"]  # advice, no fix
    # no quick fix where there is nothing unambiguous: on "AP", and inside inline code
    for needle in ("AP", "`Linkedin`"):
        actions = client.request("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": span(everything, needle),
            "context": {"diagnostics": [], "only": ["quickfix"]}})
        assert actions is None


def test_fix_all_is_planned_on_resolve_when_the_client_resolves_edits(start, root):
    client = start(capabilities={
        "workspace": {"workspaceEdit": {"documentChanges": True}},
        "textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}}}})
    assert client.init_result["capabilities"]["codeActionProvider"]["resolveProvider"] is True
    text = "Title: x\n\n😀 Linkedin and NorthwindLedger.\n"
    uri = client.open(root / "content" / "p.md", text)
    client.diagnostics(uri, 1)
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": span(text, "Linkedin"),
        "context": {"diagnostics": [], "only": ["source.fixAll"]}})
    (lazy,) = actions
    assert lazy["kind"] == "source.fixAll.lectern" and "edit" not in lazy and lazy["data"]["version"] == 1
    resolved = client.request("codeAction/resolve", lazy)
    edits = resolved["edit"]["documentChanges"][0]["edits"]
    assert apply(text, edits) == "Title: x\n\n😀 LinkedIn and Northwind Ledger.\n"


def test_a_doubtful_quick_fix_is_shown_disabled_with_the_reason(start, root):
    (root / "brand.yml").write_text(TEST_BRAND.replace(
        "  - use: LinkedIn\n", "  - use: Tidewater Bay\n    instead_of: [TidewaterBay]\n  - use: LinkedIn\n"),
        encoding="utf-8")
    client = start(capabilities={})  # an old client: plain `changes`, no versioned edits
    text = "Title: x\n\ntidewater bay and Linkedin.\n"
    uri = client.open(root / "content" / "p.md", text)
    client.diagnostics(uri, 1)
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": span(text, "tidewater bay"), "context": {"diagnostics": []}})
    quick = [a for a in actions if a["kind"] == "quickfix"]
    assert "code name" in quick[0]["disabled"]["reason"] and "edit" not in quick[0]
    whole = [a for a in actions if a["kind"] == "source.fixAll.lectern"][0]
    assert "code name" in whole["disabled"]["reason"]
    ok = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": span(text, "Linkedin"), "context": {"diagnostics": []}})
    assert ok[0]["edit"] == {"changes": {uri: [{"range": span(text, "Linkedin"), "newText": "LinkedIn"}]}}


def test_brand_yml_is_reloaded_when_it_changes(start, root):
    client = start({"pollMs": 0})
    text = "Title: x\n\nOur gadget ships.\n"
    uri = client.open(root / "content" / "p.md", text)
    assert client.diagnostics(uri, 1) == []
    assert client.server_requests[0]["params"]["registrations"][0]["registerOptions"] == {
        "watchers": [{"globPattern": "**/brand.yml"}]}
    (root / "brand.yml").write_text(GIZMO, encoding="utf-8")
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": (root / "brand.yml").as_uri(),
                                                                    "type": 2}]})
    (found,) = client.diagnostics(uri, 1)
    assert found["range"] == span(text, "gadget") and found["data"] == {"replacement": "Gizmo"}


def test_brand_yml_changes_are_noticed_without_watchers(start, root):
    client = start({"pollMs": 50}, capabilities={})
    uri = client.open(root / "content" / "p.md", "Title: x\n\nOur gadget ships.\n")
    assert client.diagnostics(uri, 1) == []
    (root / "brand.yml").write_text(GIZMO, encoding="utf-8")
    assert [d["code"] for d in client.diagnostics(uri, 1)] == ["terms"]


def test_a_broken_brand_yml_is_a_diagnostic_on_brand_yml_not_a_crash(start, root):
    client = start({"pollMs": 0})
    brand = root / "brand.yml"
    uri = client.open(root / "content" / "p.md", "Title: x\n\nLinkedin.\n")
    assert len(client.diagnostics(uri, 1)) == 1
    brand.write_text(TEST_BRAND.replace("hype: [revolutionary, best-in-class]", "hype: [revolutionary"),
                     encoding="utf-8")
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": brand.as_uri(), "type": 2}]})
    (problem,) = client.diagnostics(brand.as_uri())
    assert problem["severity"] == 1 and problem["source"] == "lectern" and problem["code"] == "config"
    hype = TEST_BRAND.splitlines().index("hype: [revolutionary, best-in-class]")
    assert problem["range"]["start"]["line"] in (hype, hype + 1) and "paused" in problem["message"]
    assert "not valid YAML" in problem["message"]
    (paused,) = client.diagnostics(uri, 1)
    assert paused["severity"] == 3 and "brand.yml" in paused["message"]
    assert client.request("textDocument/codeAction", {  # still serving
        "textDocument": {"uri": uri}, "range": paused["range"], "context": {"diagnostics": []}}) is None
    brand.write_text(TEST_BRAND, encoding="utf-8")
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": brand.as_uri(), "type": 2}]})
    assert client.diagnostics(brand.as_uri()) == []
    assert [d["code"] for d in client.diagnostics(uri, 1)] == ["terms"]


def test_an_open_brand_yml_is_validated_as_typed(start, root):
    client = start()
    brand = root / "brand.yml"
    uri = client.open(brand, TEST_BRAND, language="yaml")
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
        {"text": TEST_BRAND.replace("    expect: [avoid]", "    expect: [hype]")}]})
    (problem,) = client.diagnostics(uri)
    assert "spec failed" in problem["message"] and problem["severity"] == 1
    line = TEST_BRAND.splitlines().index('  - text: "We love synergy."')
    assert problem["range"]["start"]["line"] in (line, line + 1)
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                             "contentChanges": [{"text": TEST_BRAND}]})
    assert client.diagnostics(uri) == []


def test_utf8_positions_when_the_client_prefers_them(start, root):
    client = start(capabilities={"general": {"positionEncodings": ["utf-8", "utf-16"]}})
    assert client.init_result["capabilities"]["positionEncoding"] == "utf-8"
    text = "Title: x\n\n😀 é Linkedin\n"
    (found,) = client.diagnostics(client.open(root / "content" / "p.md", text), 1)
    assert found["range"]["start"] == {"line": 2, "character": 4 + 1 + 2 + 1}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
def test_a_batch_of_changes_around_emoji_then_close_and_reopen(start, root, encoding):
    """Several incremental changes in one didChange, each against the text the previous one left,
    with positions after emoji (two UTF-16 units, four UTF-8 bytes); closing clears the file's
    diagnostics and reopening it checks it again."""
    client = start(capabilities={"general": {"positionEncodings": [encoding]}})

    def units(s: str) -> int:
        return len(s.encode("utf-16-le")) // 2 if encoding == "utf-16" else len(s.encode("utf-8"))

    text = "Title: x\n\n👩‍👩‍👧 🇩🇪 We use it.\n"
    path = root / "content" / "p.md"
    uri = client.open(path, text)
    assert client.diagnostics(uri, 1) == []
    head = "👩‍👩‍👧 🇩🇪 We use "
    at = {"line": 2, "character": units(head)}
    changes = [
        {"range": {"start": at, "end": {"line": 2, "character": units(head + "it")}}, "text": "Linkedin"},
        {"range": {"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 0}}, "text": "😀"},
        {"range": {"start": {"line": 2, "character": units("😀" + head + "Linkedin.")},
                   "end": {"line": 2, "character": units("😀" + head + "Linkedin.")}},
         "text": " Itâ€™s NorthwindLedger."},
    ]
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": changes})
    text = "Title: x\n\n😀" + head + "Linkedin. Itâ€™s NorthwindLedger.\n"
    found = client.diagnostics(uri, 2)
    line = text.split("\n")[2]
    starts = sorted(d["range"]["start"]["character"] for d in found)
    assert starts == sorted(units(line[:line.index(w)]) for w in ("Linkedin", "â€™", "NorthwindLedger"))
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    cleared = client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)
    assert cleared["diagnostics"] == []
    uri = client.open(path, text, version=7)
    assert len(client.diagnostics(uri, 7)) == 3
