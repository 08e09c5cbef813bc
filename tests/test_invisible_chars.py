"""Invisible and control characters (issue 9 point 2): never a crash, always `path:line:col`.

Every class — C0 and C1 controls, the vertical tab Word writes for Shift+Enter, form feed, NEL,
U+2028/U+2029, a byte order mark in the middle, lone surrogates escaped by editors (`\\ud83d`,
`&#xD83D;`) and references to controls (`&#11;`) — is planted in a post's title, summary, tag and
body. A dev build reports each one with its exact line and column, builds the post without it and
builds the rest of the site; every XML output (feeds, sitemap) stays well-formed. A production
build stops with the same messages as errors.
"""

from __future__ import annotations

import json
import re
import unicodedata

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import copy_content
from lxml import etree
from sitebuild import build_site

from plugins.post_contract import invisible

# id → (what is planted, the message after "path:line:col: ")
CLASSES = {
    "vt": ("\x0b", "invisible character U+000B (LINE TABULATION) — delete it"),
    "ff": ("\x0c", "invisible character U+000C (FORM FEED) — delete it"),
    "nul": ("\x00", "invisible character U+0000 (NULL) — delete it"),
    "esc": ("\x1b", "invisible character U+001B (ESCAPE) — delete it"),
    "del": ("\x7f", "invisible character U+007F (DELETE) — delete it"),
    "nel": ("\x85", 'invisible character U+0085 (NEXT LINE) — delete it (it was probably "…" pasted with '
                    "the wrong encoding: type it again)"),
    "c1": ("\x92", 'invisible character U+0092 (PRIVATE USE TWO) — delete it (it was probably "’" pasted '
                   "with the wrong encoding: type it again)"),
    "ls": ("\u2028", "invisible character U+2028 (LINE SEPARATOR) — delete it"),
    "ps": ("\u2029", "invisible character U+2029 (PARAGRAPH SEPARATOR) — delete it"),
    "bom": ("\ufeff", "invisible character U+FEFF (BYTE ORDER MARK) in the middle of the file — delete it"),
    "ref-surrogate": ("&#xD83D;", "character reference &#xD83D; is half of an emoji (a lone surrogate, "
                                  "U+D83D) — write the emoji itself instead"),
    "ref-control": ("&#11;", "character reference &#11; stands for an invisible character U+000B "
                             "(LINE TABULATION) — delete it"),
    "escaped-surrogate": ("\\ud83d", '"\\ud83d" is half of an escaped emoji (a lone surrogate), shown as '
                                     "written — write the emoji itself instead"),
}
# where → (line, text before the planted character on that line)
PLACES = {
    "title": (1, "Title: Trust "),
    "tag": (4, "Tags: trust, close "),
    "summary": (5, "Summary: Partners "),
    "body": (8, "A body line with "),
}


def source(cls: str, place: str, day: int) -> str:
    planted = CLASSES[cls][0]
    values = {name: "" for name in PLACES}
    values[place] = planted
    return (f"Title: Trust {values['title']}wins {cls} {place}\n"
            f"Date: 2026-03-{day:02d} 09:00\n"
            "Author: Dana Whitfield\n"
            f"Tags: trust, close {values['tag']}day\n"
            f"Summary: Partners {values['summary']}trust us.\n"
            "\n"
            "First paragraph about trust and partners.\n"
            f"A body line with {values['body']}a character.\n")


#: What a dev build must have removed (an escaped `\\ud83d` is text, shown as written).
LEFT_OVER = re.compile(f"[{invisible.RAW_CLASS}]|&#11;|&#xD83D;")
WIDE = {"COLUMNS": "1000"}  # one log record per line: messages are long
POSTS = {(cls, place): f"invisible-{cls}-{place}.md" for cls in CLASSES for place in PLACES}


def expected(cls: str, place: str) -> str:
    line, before = PLACES[place]
    return f"posts/{POSTS[cls, place]}:{line}:{len(before) + 1}: {CLASSES[cls][1]}"


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    root = copy_content(tmp_path_factory.mktemp("invisible") / "content")
    for day, ((cls, place), name) in enumerate(POSTS.items()):
        (root / "posts" / name).write_text(source(cls, place, day % 28 + 1), encoding="utf-8")
    # A lone surrogate written straight into the file (CESU-8 style): not UTF-8 at all.
    (root / "posts" / "invisible-raw-surrogate.md").write_bytes(
        b"Title: Half an emoji \xed\xa0\xbd here\nDate: 2026-03-01 09:00\n\nBody.\n")
    return root


@pytest.fixture(scope="module")
def dev(tmp_path_factory, content):
    return build_site(tmp_path_factory.mktemp("dev"), content=content, env=WIDE,
                      settings={"FEED_MAX_ITEMS": 1000})


def log_lines(build) -> str:
    return re.sub(r"\s+", " ", build.log)


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("cls", CLASSES)
def test_dev_build_names_each_character_with_line_and_column(dev, cls, place):
    assert dev.returncode == 0, dev.log
    assert expected(cls, place) in log_lines(dev)


def test_dev_build_builds_every_post_without_the_characters(dev):
    from test_site import PUBLISHED

    assert "Traceback" not in dev.log
    built = list(dev.output.glob("posts/*/*/index.html"))
    assert len(built) == len(PUBLISHED) + len(POSTS)
    assert re.search(r"\b52 posts built, but not ready for production\b", log_lines(dev))
    assert ("posts/invisible-raw-surrogate.md:1: column 22 holds half of an emoji saved in a broken "
            "encoding (a lone surrogate) — delete it and type the emoji again") in log_lines(dev)
    for path in dev.output.rglob("*.html"):
        assert not LEFT_OVER.search(path.read_text(encoding="utf-8")), path
    page = BeautifulSoup((dev.output / "posts/2026/trust-wins-vt-title/index.html").read_text("utf-8"),
                         "html.parser")
    assert page.h1.get_text() == "Trust  wins vt title"  # the vertical tab became a space
    body = BeautifulSoup((dev.output / "posts/2026/trust-wins-vt-body/index.html").read_text("utf-8"),
                         "html.parser")
    assert "A body line with  a character." in body.select_one(".e-content").get_text()


def test_every_xml_output_is_valid(dev):
    files = sorted(dev.output.rglob("*.xml"))
    assert any(p.name == "sitemap.xml" for p in files) and len(files) > 10
    for path in files:
        etree.parse(str(path))  # lxml refuses any character XML 1.0 forbids
        if "feeds" in path.parts:
            parsed = feedparser.parse(path.read_bytes())
            assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
    parsed = feedparser.parse((dev.output / "feeds" / "all.atom.xml").read_bytes())
    titles = {e.title for e in parsed.entries}
    assert "Trust wins ls title" in titles and "Trust wins nul title" in titles
    manifest = json.loads((dev.build_dir / "manifest.json").read_text(encoding="utf-8"))
    for post in manifest["posts"]:
        for value in (post["title"], post["summary"], *post["tags"]):
            assert not LEFT_OVER.search(value) and "\ufffd" not in value, value


def test_production_build_stops_on_every_character(tmp_path, content):
    build = build_site(tmp_path, content=content, conf="publishconf", env=WIDE)
    assert build.returncode != 0
    log = log_lines(build)
    assert "Production build stopped" in log and "Traceback" not in build.log
    for cls, place in POSTS:
        assert expected(cls, place) in log


def test_feeds_strip_what_xml_forbids_even_without_the_contract(tmp_path, content):
    """Defence in depth: with post_contract off, characters reach the feed writer, which drops the
    ones XML 1.0 forbids instead of crashing inside lxml."""
    from pelicanconf import PLUGINS

    # (fast_reader wraps the contract reader and cannot run without it)
    plugins = [name for name in PLUGINS if not name.endswith(("post_contract", "fast_reader"))]
    build = build_site(tmp_path, content=content, settings={"PLUGINS": plugins})
    assert build.returncode == 0, build.log
    for path in (build.output / "feeds").rglob("*.xml"):
        etree.parse(str(path))
        assert feedparser.parse(path.read_bytes()).bozo == 0, path


# ---------------------------------------------------------------- the finder itself
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_lines_are_counted_as_editors_count_them(newline):
    text = newline.join(["Title: x", "a\x0bb\x0cc", "\u2028d\x85"])
    found = [(f.line, f.column) for f in invisible.find(text)]
    assert found == [(2, 2), (2, 4), (3, 1), (3, 3)]


def test_escapes_in_code_are_what_the_post_is_about():
    text = ("Use `'\\ud83d'` in code.\n\n```js\nconst half = '\\ud83d';\n```\n\n"
            "But here \\ud83d\\ude00 is junk.\n")
    found = invisible.find(text)
    assert [(f.line, f.column) for f in found] == [(7, 10)]
    assert found[0].message == '"\\ud83d\\ude00" is an escaped emoji, shown as written — write 😀 instead'


def test_fine_text_has_no_findings():
    text = "Tabs\tand CRLF\r\nemoji 🙋🏽‍♀️, ZWJ, soft\u00adhyphen, &#146; &amp; &#x1F600; &lt;b&gt;\n"
    assert invisible.find(text) == []


def test_every_control_name_is_the_unicode_alias():
    for number, name in invisible.NAMES.items():
        if name not in ("NOT A CHARACTER", "BYTE ORDER MARK"):
            assert unicodedata.lookup(name) == chr(number), name


def test_clean_keeps_words_apart_and_drops_the_rest():
    assert invisible.clean("a\x0bb\x00c\u2028d\ufeffe") == "a bc de"
    assert invisible.clean_html("<p>x&#11;y&#xD83D;z&#146;</p>") == "<p>xyz&#146;</p>"


def test_an_encoded_lone_surrogate_is_named_at_its_character_column():
    from plugins.post_contract.contract import decode_source

    _, problem = decode_source("post.md", "Date: 2026-01-01\nTitle: été ".encode() + b"\xed\xa0\xbd!\n")
    assert str(problem) == ("post.md:2: column 12 holds half of an emoji saved in a broken encoding "
                            "(a lone surrogate) — delete it and type the emoji again")
    _, problem = decode_source("post.md", "Title: été \xe9".encode("latin-1"))
    assert "is not UTF-8 text (byte 0xe9 at column 8)" in str(problem)  # é is one character


def test_the_quick_checks_answer_what_the_full_class_does():
    """`find` decides "nothing to report" with a bytes.translate for ASCII text and substring
    tests; `clean` skips the text `find` just saw clean. Both must agree with RAW_CLASS itself."""
    raw = re.compile(f"[{invisible.RAW_CLASS}]")
    for number in [*range(0x100), 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF, 0x200B, 0x00A0, 0x2019]:
        for text in (f"ab{chr(number)}c", f"{chr(number)}", f"é {chr(number)}"):
            assert invisible._has_raw(text) == bool(raw.search(text)), hex(number)
            found = invisible.find(text)
            assert bool(found) == bool(raw.search(text)), hex(number)
            assert invisible.clean(text) == raw.sub(lambda m: " " if m[0] in invisible._SPACING else "", text)
    for text in ("a &#11; b", "x \\ud83d y", "x \\uD83D y", "fine &#8217; and \\u00e9"):
        assert bool(invisible.find(text)) == ("&#11;" in text or "\\ud" in text.lower())
    clean_text = "nothing to see here"
    assert invisible.find(clean_text) == [] and invisible.clean(clean_text) is clean_text
    assert invisible.clean("vt\x0bhere") == "vt here"  # another text is scanned again
