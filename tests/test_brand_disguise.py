"""Confidential names survive no disguise (issue 9 point 5).

Markdown emphasis and code marks, inline tags and comments, character references, soft hyphens,
zero-width and other format characters, compatibility forms (NFKC), case and look-alike letters
from other scripts (Unicode's confusables table) are all folded before matching, in every part of
a post; positions point at the original text. A production build also reads every byte it is
about to publish (the last gate), and the publish step holds any outgoing item that names one.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from fakes.harness import (  # noqa: F401 - fixtures
    fakes,
    ledger_records,
    post,
    settings_for,
    tweepy_to_fake,
    write_conf,
    write_manifest,
)
from sitebuild import REPO, build_site
from test_brand_support import write_config

from plugins.brand_guard import fold, gate
from plugins.brand_guard.core import check_social_text, check_source, load_config

# (written, index in `written` where the code name starts as a reader sees it)
VARIANTS = {
    "bold word": ("Project **Bluefin**", 0),
    "bold name": ("**Project Bluefin**", 2),
    "emphasis inside": ("Project Blue*fin*", 0),
    "code mark": ("Project `Bluefin`", 0),
    "strike marks": ("~~Tide~~water", 2),
    "span tag": ("Project Blue<span>fin</span>", 0),
    "em tags": ("Project <em>Blue</em>fin", 0),
    "comment": ("Tide<!-- no -->water", 0),
    "decimal reference": ("Project Blue&#102;in", 0),
    "hex reference": ("Project Blue&#x66;in", 0),
    "reference without ;": ("Project Blue&#102in", 0),
    "named reference": ("Pr&omicron;ject Bluefin", 0),  # Greek omicron
    "letter reference": ("Tidew&#97;ter", 0),
    "soft hyphen": ("Project Blue\u00adfin", 0),
    "&shy;": ("Project Blue&shy;fin", 0),
    "zero-width space": ("Project Blue\u200bfin", 0),
    "word joiner and BOM": ("Ti\u2060de\ufeffwater", 0),
    "zero-width joiner": ("Tide\u200dwater", 0),
    "variation selector": ("Tide\ufe0fwater", 0),
    "Cyrillic e": ("Project Blu\u0435fin", 0),
    "Cyrillic capitals": ("PROJECT BLU\u0415FIN", 0),
    "Cyrillic i": ("T\u0456dewater", 0),
    "Greek capital tau first": ("\u03a4idewater", 0),
    "several scripts": ("T\u0456d\u0435w\u0430t\u0435r", 0),
    "full-width": ("Project \uff22\uff4c\uff55\uff45\uff46\uff49\uff4e", 0),
    "math bold": ("".join(chr(0x1D413 + ord(c) - ord("T")) if c == "T" else chr(0x1D41A + ord(c) - ord("a"))
                          for c in "Tidewater"), 0),
    "no-break space": ("Project\u00a0Bluefin", 0),
    "thin space": ("Project\u2009Bluefin", 0),
    "narrow no-break space": ("Project\u202fBluefin", 0),
    "&#160;": ("Project&#160;Bluefin", 0),
    "combined": ("**Project** Blu&#1077;<b>f</b>\u00adin", 2),
    "combined 2": ("T\u0456de<i>wa</i>&#116;\u200ber", 0),
    "upper case": ("TIDEWATER", 0),
}

# (header or body line with {v}, line number of that line in the post, column where {v} starts)
PLACES = {
    "title": ("Title: {v}", 1, 8),
    "summary": ("Summary: Notes on {v} today", 3, 19),
    "tags": ("Tags: finance, {v}", 3, 16),
    "social": ("Social_x: Read about {v} now", 3, 22),
    "body": ("Some words about {v} here.", 5, 18),
    "image alt": ("![{v}](images/x.png)", 5, 3),
    "link text": ("See [{v}](https://example.com/a) first.", 5, 6),
    "HTML attribute": ('<abbr title="{v}">PB</abbr>', 5, 14),
}


def make_post(place: str, written: str) -> str:
    template, line, _ = PLACES[place]
    filled = template.format(v=written)
    if line == 1:
        return f"{filled}\nDate: 2026-03-04\n\nA body.\n"
    if line == 3:
        return f"Title: A post\nDate: 2026-03-04\n{filled}\n\nA body.\n"
    return f"Title: A post\nDate: 2026-03-04\nSummary: A summary.\n\n{filled}\n"


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return load_config(write_config(tmp_path_factory.mktemp("brand")))


@pytest.mark.parametrize("written, at", VARIANTS.values(), ids=VARIANTS.keys())
@pytest.mark.parametrize("place", PLACES)
def test_every_disguise_in_every_place_is_an_error_at_the_original_position(cfg, place, written, at):
    text = make_post(place, written)
    result = check_source("post.md", text, cfg)
    leaks = [f for f in result.findings if f.rule == "confidential"]
    _, line, column = PLACES[place]
    assert [(f.line, f.column, f.severity) for f in leaks] == [(line, column + at, "error")], leaks
    original = text.splitlines()[line - 1]
    covered = original[leaks[0].column - 1:leaks[0].end_column]
    assert fold.view(covered).text.lower().replace("\n", "").startswith(("project", "tide"))
    assert ("'Project Bluefin'" in leaks[0].message) != ("'Tidewater'" in leaks[0].message)
    assert not any(c in leaks[0].message for c in "\u00ad\u200b\u200d\u2060\ufeff\ufe0f")


def test_look_alike_letters_are_named_in_the_message(cfg):
    [leak] = [f for f in check_source("p.md", "Title: Project Blu\u0435fin\n\nx\n", cfg).findings
              if f.rule == "confidential"]
    assert "U+0435 CYRILLIC SMALL LETTER IE for 'e'" in leak.message


@pytest.mark.parametrize("written", [
    "Blue fin tuna season", "tide water levels", "a tide-water estuary", "Project Blue-fin",
    "Project Blue fin",
    "Bluefinch project", "Projected Bluefin", "projects bluefin", "Ti dewater", "T-idewater",
    "tide &amp; water", "Проект Блюфин", "Τίδε water", "Tide<br>water", "Tide</p><p>water",
    "tide\u00a0water", "Tide <em>water</em>", "100% sure, 50%AB", "R&D and AT&T", "x*y = Tide * water",
])
def test_normal_words_split_by_real_boundaries_are_not_code_names(cfg, written):
    text = f"Title: A post\nSummary: {written}\n\n{written}\n"
    assert [f for f in check_source("p.md", text, cfg).findings if f.rule == "confidential"] == []


def test_internal_posts_may_still_name_code_names(cfg):
    text = "Title: Notes\nAudience: internal\n\nProject **Bluefin** and T\u0456dewater.\n"
    assert not [f for f in check_source("p.md", text, cfg).findings if f.rule == "confidential"]


@pytest.mark.parametrize("written, at", VARIANTS.values(), ids=VARIANTS.keys())
def test_social_texts_are_checked_in_the_same_normalised_form(cfg, written, at):
    found = [f for f in check_social_text(f"Read: {written}", cfg, channel="x") if f.rule == "confidential"]
    assert [(f.column, f.severity) for f in found] == [(7 + at, "error")]


def test_publish_brand_check_holds_disguised_composed_texts():
    from publish.brand import load_check

    check = load_check({"BRAND_CONFIG": str(REPO / "brand.yml")})
    for written, _ in VARIANTS.values():
        errors = check(f"What {written} means for controllers https://x.example/a", "public", "mastodon")
        assert errors and errors[0].startswith("confidential: "), written
        assert check(f"What {written} means", "internal", "slack") == []


# ---------------------------------------------------------------- the last gate, as functions

def test_gate_reads_escaped_markup_json_escapes_and_url_escapes(cfg):
    cases = {
        "<p>Project Blue<b>fin</b></p>": 4,
        "<description>Project Blue&lt;b&gt;fin&lt;/b&gt;</description>": 14,  # HTML escaped in XML
        '{"name": "Project Blue\\u0066in"}': 11,  # JSON-LD / search index
        '<a href="/posts/project-blue%66in/">x</a>': 17,
        '<img alt="T&#x456;dewater" src="a.png">': 11,
        "<meta content='Tide\u00adwater'>": 16,
    }
    for text, column in cases.items():
        leaks = gate.scan_bytes("f", text.encode(), cfg.leak_matcher)
        name = "Tidewater" if "water" in text else "Project Bluefin"
        assert [(leak.where, leak.name) for leak in leaks] == [(f"f:1:{column}", name)], text
    assert gate.scan_bytes("f", b"<p>Tide <em>water</em> and blue fin</p>", cfg.leak_matcher) == []
    stray = "<p>caf\u00e9 Project Blu\u0435fin</p>".encode() + b"\xff\n"  # a text file with a bad byte
    assert [leak.where for leak in gate.scan_bytes("s.html", stray, cfg.leak_matcher)] == ["s.html:1:9"]
    binary = b"\x89PNG\r\n\x1a\n\x00\xff" + b"tEXtComment\x00Project Bluefin launch\x00\xfe"
    [leak] = gate.scan_bytes("i.png", binary, cfg.leak_matcher)
    assert leak.where.startswith("i.png: byte ") and leak.name == "Project Bluefin"


def test_gate_reads_public_manifest_entries_only(tmp_path, cfg):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"site_url": "https://x.example", "posts": [
        post("clean"),
        post("card", title="What Project Blu\u0435fin means"),
        post("inside", audience="internal", title="Project Bluefin notes", confidential=["Project Bluefin"]),
    ]}), encoding="utf-8")
    leaks = gate.scan_manifest(manifest, cfg.leak_matcher, "build/manifest.json")
    assert [(leak.where, leak.name) for leak in leaks] == [
        ("build/manifest.json: post 'card' field title", "Project Bluefin")]
    assert "U+0435 CYRILLIC SMALL LETTER IE" in str(leaks[0])


# ---------------------------------------------------------------- real builds

SAMPLE = REPO / "content"


@pytest.fixture(scope="module")
def disguised_content(tmp_path_factory):
    """Sample content plus one public post per place, each with a different disguise."""
    content = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(SAMPLE, content)
    chosen = ["bold word", "span tag", "decimal reference", "soft hyphen", "Cyrillic e", "zero-width space",
              "full-width", "combined"]
    expected = {}
    for number, (place, variant) in enumerate(zip(PLACES, chosen, strict=True), 1):
        template, line, column = PLACES[place]
        written, at = VARIANTS[variant]
        filled = template.format(v=written)
        head = [f"Title: Disguise {number}", f"Date: 2026-01-0{number} 09:00", "Author: Dana Whitfield",
                "Category: Finance Operations", "Summary: A plain summary."]
        body = ["Our controllers trust the reconciliation.", ""]
        if line == 1:
            head[0] = filled
            row = 1
        elif line == 3:
            head.append(filled)
            row = len(head)
        else:
            body.append(filled)
            row = len(head) + 1 + len(body)
        name = f"2026-01-0{number}-disguise-{number}.md"
        (content / "posts" / name).write_text("\n".join(head + [""] + body) + "\n", encoding="utf-8")
        expected[name] = (row, column + at)
    return content, expected


def _log(build) -> str:
    """The build log on one line, without the `file.py:NN` column Rich puts into wrapped lines."""
    return re.sub(r" [\w.]+\.py:\d+(?= )", "", " ".join(build.log.split()))


def test_production_build_fails_on_every_disguise_dev_build_reports_it(tmp_path, disguised_content):
    content, expected = disguised_content
    prod = build_site(tmp_path / "prod", content=content, conf="publishconf")
    assert prod.returncode != 0
    log = _log(prod)
    for name, (line, column) in expected.items():
        assert re.search(rf"{re.escape(name)}:{line}:{column} error confidential '", log), (name, prod.log)
    assert f"Production build stopped: {len(expected)} brand errors in public posts" in log
    dev = build_site(tmp_path / "dev", content=content, conf="pelicanconf")
    assert dev.returncode == 0, dev.log
    dev_log = _log(dev)
    for name, (line, column) in expected.items():
        assert re.search(rf"{re.escape(name)}:{line}:{column} error confidential '", dev_log), name
    # the dev manifest marks each of them confidential, so the publish step holds them everywhere
    manifest = json.loads((dev.build_dir / "manifest.json").read_text(encoding="utf-8"))
    flagged = {p["source_path"].rsplit("/", 1)[-1]: p["confidential"] for p in manifest["posts"]}
    for name in expected:
        assert flagged[name], name


def test_the_last_gate_catches_what_no_post_check_sees(tmp_path):
    """A code name from a setting (SITESUBTITLE) and from an HTML page the Markdown checks never read."""
    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content)
    (content / "pages" / "partners.html").write_text(
        "<html><head><title>Partners</title></head><body><p>Our T&#x456;de<b>water</b> partners.</p>"
        "</body></html>\n", encoding="utf-8")
    planted = {"SITESUBTITLE": "Field notes from Project Blu\u0435fin"}
    prod = build_site(tmp_path / "prod", content=content, conf="publishconf", settings=planted)
    assert prod.returncode != 0
    log = _log(prod)
    assert re.search(r"output/index\.html:\d+:\d+: confidential: the code name 'Project Bluefin'", log), log
    assert "(written 'Project Bluеfin'; U+0435 CYRILLIC SMALL LETTER IE for 'e')" in log
    assert re.search(r"output/partners/index\.html:\d+:\d+: confidential: the code name .Tidewater.", log)
    assert "Production build stopped: the last gate found" in log
    assert not (prod.build_dir / "manifest.json").exists()  # nothing left for `python -m publish`
    dev = build_site(tmp_path / "dev", content=content, conf="pelicanconf", settings=planted)
    assert dev.returncode == 0, dev.log  # the gate guards production; dev builds are for looking


def test_sample_site_passes_the_last_gate(tmp_path):
    build = build_site(tmp_path, conf="publishconf", args=("-v",))
    assert build.returncode == 0, build.log
    assert re.search(r"last gate read the output and the manifest in [\d.]+s: 0 code names", _log(build))


# ---------------------------------------------------------------- the publish step

def test_publish_holds_items_whose_card_names_a_code_name(tmp_path, fakes, tweepy_to_fake, capsys):  # noqa: F811
    """A manifest entry whose social texts are clean but whose title (the link card) names a code
    name in disguise — a stale or hand-made manifest, without the `confidential` field."""
    from test_publish_cli import run, sent

    settings = settings_for(tmp_path, fakes)
    write_manifest(Path(settings["SYNDICATION_MANIFEST"]), [
        post("roadmap", title="What Project Blu\u0435fin means for controllers"),
        post("clean-one"),
    ])
    conf = write_conf(tmp_path, settings)
    assert run(conf, fakes.env()) in (0, 1)
    texts = [t for channel in sent(fakes).values() for t in channel]
    assert not any("Blu" in str(t) for t in texts)
    plan = json.loads((Path(settings["SYNDICATION_PREVIEW_DIR"]) / "plan.json").read_text())
    roadmap = [r for r in plan if r["post"] == "roadmap"]
    assert roadmap and {r["status"] for r in roadmap} == {"held"}
    assert all("last gate" in r["reason"] or "confidential" in r["reason"] for r in roadmap)
    assert not [r for r in ledger_records(settings) if r["post"] == "roadmap" and r["event"] == "posted"]
    assert any(r["status"] == "posted" for r in plan if r["post"] == "clean-one")


def test_code_names_in_other_scripts_and_very_long_names(tmp_path):
    """A code name written in Cyrillic or Japanese, or 500 characters long, is folded like the text:
    any case, any disguise, still found at its first character."""
    from test_brand_support import TEST_BRAND

    long_name = "Zq" * 250
    brand = TEST_BRAND.replace("confidential: [Project Bluefin, Tidewater]",
                               f"confidential: [Проект Синица, 鷹計画, {long_name}]")
    cfg = load_config(write_config(tmp_path, brand))
    for written in ("Проект Синица", "ПРОЕКТ **СИНИЦА**", "проект\u00adсиница", "Проект Сини&#x446;а",
                    "鷹<b>計</b>画", "新しい鷹計画です", long_name.upper(), long_name[:-1] + "<i>q</i>"):
        result = check_source("p.md", f"Title: x\n\nA {written} b\n", cfg)
        column = 3 + written.find("鷹") if written.startswith("新") else 3  # CJK: no spaces, still a word
        assert [(f.line, f.column) for f in result.findings if f.rule == "confidential"] == [(3, column)]
    clean = check_source("p.md", "Title: x\n\nПроект Сирень and 鷹の計画 and " + long_name[:-2] + "\n", cfg)
    assert not [f for f in clean.findings if f.rule == "confidential"]


def test_a_last_gate_failure_leaves_output_as_it_was(tmp_path):
    """`make build-prod` (publish/build.py) swaps the new site in only when Pelican exits 0: a code
    name that only the last gate sees (a setting) leaves every byte of output/ as it was."""
    from conftest import copy_content
    from test_build_atomic import build_prod, conf_for, snapshot

    content, conf = copy_content(tmp_path / "content"), conf_for(tmp_path)
    output = tmp_path / "site" / "output"
    assert build_prod(content, output, conf).returncode == 0
    before = snapshot(output)
    conf.write_text(conf.read_text(encoding="utf-8") + 'SITESUBTITLE = "Notes on Project Blu\\u0435fin"\n',
                    encoding="utf-8")
    failed = build_prod(content, output, conf)
    assert failed.returncode != 0
    log = _log(type("B", (), {"log": failed.stdout + failed.stderr})())
    assert "Production build stopped: the last gate found" in log and "'Project Bluefin'" in log
    assert snapshot(output) == before
    assert not any("Blu\u0435fin" in p.read_text(encoding="utf-8", errors="replace")
                   for p in output.rglob("*.html"))
