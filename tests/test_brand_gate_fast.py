"""The last gate's fast path never lets a disguised code name through.

A production build reads every published file for code names (gate.py). Most pages name none,
so a page is first cleared, where it can be, by `fold.skeletons` instead of the full `fold.quick`
and `fold.view` readings. These tests generate thousands of pages with a code name disguised in
every way `fold.view` undoes — character references, URL and JSON escapes, tags and comments
between letters, hidden elements, look-alike letters, NFKC forms, zero-width characters, case,
CDATA, escaped markup in XML — and compare the fast decision with the exact reading: whatever
`view` shows, the gate still reads in full and reports.
"""

from __future__ import annotations

import random
import re

import pytest

from plugins.brand_guard import fold, gate
from plugins.brand_guard.rules.confidential import compile_confidential

NAMES = ["Tidewater", "Project Bluefin", "Project Kestrel"]

# Ways to write one letter (`{c}`) as `view` would still read it.
LETTER = [
    lambda c: c,
    lambda c: c.upper(),
    lambda c: f"&#{ord(c)};",
    lambda c: f"&#x{ord(c):x};",
    lambda c: f"&#X{ord(c):X}",
    lambda c: f"&#{ord(c)}",  # no final ;
    lambda c: f"%{ord(c):02X}",
    lambda c: f"\\u{ord(c):04x}",
    lambda c: {"e": "\u0435", "a": "\u0430", "i": "\u0456", "o": "\u043e", "p": "\u0440", "T": "\u03a4",
               "t": "\u0442", "s": "\u0455", "r": "\u0433"}.get(c, c),  # Cyrillic / Greek look-alikes
    lambda c: chr(0xFF21 + ord(c) - ord("A")) if c.isupper() else chr(0xFF41 + ord(c) - ord("a")),  # wide
    lambda c: chr(0x1D41A + ord(c.lower()) - ord("a")),  # mathematical bold
    lambda c: {"k": "\u212a", "s": "\u017f", "i": "\u0130"}.get(c, c),  # Kelvin K, long s, dotted I
    lambda c: c + "\u0301",  # a combining accent
    lambda c: {"e": "&eacute;", "a": "&agrave;", "i": "&iuml;", "u": "&uuml;"}.get(c, c),
    lambda c: {"e": "%C3%A9", "a": "%C3%A0"}.get(c, c),  # URL-escaped accented letter
    lambda c: {"e": "&#1077;", "a": "&#x430;", "i": "&#1110;"}.get(c, c),  # look-alike by reference
]

# What can sit between two letters and show nothing (or a break) to a reader.
GAP = [
    "", "", "", "<b>", "</b>", "<span class=\"x\">", "</span>", "<em>", "<wbr>", "<br>", "<SPAN>",
    "<!-- note -->", "<!--<b>-->", "<span hidden>zq</span>", "<SPAN HIDDEN>zq</SPAN>",
    "<span style=\"display: none\">q</span>", "<i style='VISIBILITY:hidden'>x</i>", "<rt>x</rt>",
    "<rp>(</rp>", "\u00ad", "&shy;", "\u200b", "&#8203;", "&ZeroWidthSpace;", "%E2%80%8B", "\\u200b",
    "\u200d", "\u2060", "\ufeff", "\ufe0f", "*", "**", "_", "~~", "`", "[", "]", "\\", "\\_",
    "<a href=\"/x?a=1&b=2\">", "</a>", "<![CDATA[", "]]>",
]

# Between the words of a two-word name.
SEP = [" ", "  ", "\n", "-", "_", ".", "+", "/", "%20", "&nbsp;", "\u00a0", "&#160;", " <b>", "</i> ",
       "\u2009"]

# Page furniture without code names: what a themed page, a feed or a search index holds.
FURNITURE = [
    '<span class="sep" aria-hidden="true">·</span>',
    '<a href="/tag/close.html?page=2&amp;sort=new">Close</a>',
    '<a href="/search?q=a&page=3">Search</a>',
    "<p>The naïve café — a 信頼 story, “quoted” and ’tis.</p>",
    '<img alt="Tide tables" src="/images/t%20x.png">',
    "<p>Blue fin tuna and tide water: nothing to see.</p>",
    "<p>Kestrels, bluefins and tidewaters are animals and places.</p>" if False else "<p>Birds.</p>",
    "<script>var x = \"\\u2014 \\u00a0\";</script>",
    '<div style="display:block">ok</div>',
    "<p>Price: 100% &euro;5 &copy; 2026 &mdash; done</p>",
    "<meta name=\"description\" content=\"A page\">",
    "<ul><li>one</li><li>two</li></ul>",
    "<pre><code>x_y = a*b [c]</code></pre>",
]


def disguise(name: str, rng: random.Random) -> str:
    words = name.split(" ")
    out = []
    for index, word in enumerate(words):
        if index:
            out.append(rng.choice(SEP))
        for pos, char in enumerate(word):
            if pos:
                out.append(rng.choice(GAP) if rng.random() < 0.35 else "")
            out.append(rng.choice(LETTER)(char) if rng.random() < 0.3 else char)
    return "".join(out)


def place(written: str, rng: random.Random) -> str:
    """The disguised name somewhere in a page: running text, an attribute, a comment, a heading."""
    where = rng.choice([
        "<p>About {v} today.</p>",
        "<h2>{v}</h2>",
        '<img alt="{v}" src="a.png">',
        "<abbr title='{v}'>x</abbr>",
        "<p>x{v}y</p>",
        "{v}",
        "<li>{v}</li>",
        '<a href="/posts/{v}/">read</a>',
    ])
    furniture = rng.sample(FURNITURE, k=rng.randint(0, 4))
    cut = rng.randint(0, len(furniture))
    return "".join(furniture[:cut]) + where.format(v=written) + "".join(furniture[cut:])


@pytest.fixture(scope="module")
def matcher():
    return compile_confidential(tuple(NAMES))


def exact(text: str, matcher, nested: bool) -> bool:
    """The reading that has the last word: raw, `view` once and (nested) twice."""
    first = fold.view(text).text
    readings = [text, first] + ([fold.view(first).text] if nested else [])
    return any(matcher.regex.search(reading) for reading in readings)


def pages(seed: int, count: int):
    rng = random.Random(seed)
    for _ in range(count):
        yield place(disguise(rng.choice(NAMES), rng), rng)


def test_no_disguised_code_name_passes_the_fast_path(matcher):
    """Every page whose exact reading shows a code name is read in full and reported."""
    shown = cleared = 0
    for text in pages(seed=9, count=3000):
        if not exact(text, matcher, nested=False):
            continue
        shown += 1
        assert gate.might_leak(text, matcher, nested=False), text
        assert gate.leaks_in_text(text, matcher, nested=False), text
        assert gate.scan_bytes("p.html", text.encode(), matcher), text
        cleared += gate._clear(text, text.lower(), matcher)
    assert shown > 1500  # the generator mostly makes real leaks, so the check is not empty
    assert cleared == 0


def test_the_skeletons_hold_every_word_the_view_shows(matcher):
    """The property the fast path rests on, for any letters: a run of alphabet characters of
    `view(text).lower()` is in one of the two skeletons — code names or not, disguised or not."""
    alphabet = frozenset("tidewaterprojectbluefinkstl")
    runs = re.compile("[" + "".join(sorted(alphabet)) + "]+")
    proved = 0
    rng = random.Random(11)
    texts = list(pages(seed=10, count=2000))
    texts += ["".join(rng.sample(FURNITURE, k=5)) for _ in range(300)]  # decoys: no code name
    for text in texts:
        found = fold.skeletons(text, alphabet)
        if found is None:
            continue
        proved += 1
        for run in runs.findall(fold.view(text).text.lower()):
            assert any(run in skeleton for skeleton in found), (run, text, found)
    assert proved > 400  # many pages take the fast path: it is really tested


def test_pages_without_code_names_are_cleared_fast(matcher):
    """Themed pages — aria-hidden, URLs with `&page=`, accents, CJK, %20 — take the fast path."""
    rng = random.Random(12)
    for _ in range(200):
        text = "".join(rng.sample(FURNITURE, k=6))
        assert not exact(text, matcher, nested=False)
        assert gate._clear(text, text.lower(), matcher), text
        assert gate.scan_bytes("p.html", text.encode(), matcher) == []


def test_nested_readings_still_catch_escaped_markup(matcher):
    """XML and JSON files (feeds, search index) are read twice: escaped tags and references."""
    shown = 0
    for text in pages(seed=14, count=1500):
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        for doc in (f"<entry><content type=\"html\">{escaped}</content></entry>",
                    '{"text": "' + text.replace("\\", "\\\\").replace('"', '\\"') + '"}'):
            if exact(doc, matcher, nested=True):
                shown += 1
                assert gate.might_leak(doc, matcher, nested=True), doc
                assert gate.scan_bytes("feed.xml", doc.encode(), matcher), doc
    assert shown > 1500


@pytest.mark.parametrize("written", [
    "Tide<span HIDDEN>zq</span>water",  # upper-case attribute: `fold.quick` once missed it
    "Tide<SPAN STYLE='DISPLAY:NONE'>zq</SPAN>water",
    "Tide<span h\u0131dden>zq</span>water",  # dotless ı: `re` matches it to i case-insensitively
    "Tide<!-- a > b -->water",
    "Tide&shy;water",
    "Tide%E2%80%8Bwater",
    "Tide\\u200bwater",
    "&#84;idewater",
    "Tid&eacute;water",
    "Tidew\u00e0ter",
    "\u212aestrel Project".split()[1] + " \u212aestrel",  # Kelvin sign
    "Project Ke\u017ftrel",  # long s
    "T\u0130dewater",  # dotted capital I: lower() makes two characters of it
    "Blue\ufb01n Project".split()[1] + " Blue\ufb01n",  # the fi ligature
    "Tide<b\n class='x'>water",
])
def test_hostile_pages_are_caught(matcher, written):
    for page in (f"<p>{written}</p>", FURNITURE[0] + FURNITURE[1] + FURNITURE[3] + f"<p>{written}</p>"):
        assert exact(page, matcher, nested=False)
        assert gate.scan_bytes("p.html", page.encode(), matcher), page


def test_a_tree_read_by_several_processes_gives_the_same_leaks_in_the_same_order(tmp_path, matcher):
    """`scan_tree(processes=2)` forks readers; the leaks (and their order) are those of one process."""
    for index, text in enumerate(pages(seed=16, count=150)):
        folder = tmp_path / f"d{index % 7}"
        folder.mkdir(exist_ok=True)
        (folder / f"p{index:03}.html").write_text(text, encoding="utf-8")
    (tmp_path / "feed.xml").write_text("<content>Tide&lt;b&gt;water&lt;/b&gt;</content>", encoding="utf-8")
    (tmp_path / "i.png").write_bytes(b"\x89PNG\x00\x00Project Bluefin\x00")
    one = gate.scan_tree(tmp_path, matcher, "out")
    two = gate.scan_tree(tmp_path, matcher, "out", processes=2)
    assert len(one) > 50 and [str(leak) for leak in two] == [str(leak) for leak in one]
    assert any(leak.where.startswith("out/feed.xml:1:") for leak in one)
    assert any(leak.where.startswith("out/i.png: byte ") for leak in one)


def test_a_letter_lower_cased_by_its_neighbours_is_read_in_full():
    """`str.lower` makes a capital sigma ς at the end of a word and σ inside one; `view` folds it
    to "o" either way. `COSMO` written `CΣ<b></b>SMO` (Σ before a tag: lower-cased ς)."""
    matcher = compile_confidential(("Cosmo",))
    for text in ("<p>C\u03a3<b></b>SMO</p>", "<p>C\u03a3SMO</p>", "<p>c\u03c3smo</p>"):
        assert matcher.regex.search(fold.view(text).text), text
        assert gate.scan_bytes("p.html", text.encode(), matcher), text
