"""fast_reader's Markdown speed-ups (inline and block prefilters, Pygments reuse) never change the HTML.

Each skip rule claims "this pattern / processor cannot match a text without these characters".
A randomized comparison proves it on thousands of generated snippets mixing everything the
rules key on (quotes, dashes, entities, code, headings, HTML, `<`, references, tables, footnotes,
invisible characters, other scripts): fast_reader's worker instance against plain
Python-Markdown with the same settings, snippet by snippet, with Pelican's Markdown settings
from pelicanconf.py.
"""

from __future__ import annotations

import random
import sys
import xml.etree.ElementTree as etree

import pytest
from sitebuild import REPO

sys.path.insert(0, str(REPO))

from markdown import Markdown, util  # noqa: E402
from markdown.extensions import codehilite  # noqa: E402
from pygments.util import ClassNotFound  # noqa: E402

import pelicanconf  # noqa: E402
from plugins import tripwire  # noqa: E402
from plugins.fast_reader import blockfilter, convert, highlight, passes, prefilter, tocmarker  # noqa: E402


def pelican_markdown_settings() -> dict:
    """pelicanconf's MARKDOWN as Pelican's MarkdownReader normalises it (extensions from the configs)."""
    settings = {key: value for key, value in pelicanconf.MARKDOWN.items()}
    settings["extensions"] = list(settings["extension_configs"])
    return settings


def fast_and_plain(settings: dict | None = None) -> tuple[Markdown, Markdown]:
    """fast_reader's worker instance (built by convert.init, every speed-up on) and a plain one."""
    settings = settings or pelican_markdown_settings()
    convert.forget()
    convert.init({"MARKDOWN": settings, "FORMATTED_FIELDS": ["summary"], "FAST_READER_PREFILTER": True})
    fast = convert._STATE["body"]
    convert.forget()
    return fast, Markdown(**settings)


@pytest.fixture
def fresh_wires():
    tripwire.forget_all()
    yield
    tripwire.forget_all()


@pytest.fixture
def plain_pygments():
    """The plain side must use Pygments' own lookups: give them back around the comparison."""
    yield
    highlight.undo()


# Pieces the generator strings together: every character class a skip rule keys on, in and out of
# the contexts where it matters (line starts, code, HTML), plus hostile and non-Latin text.
INLINE = [
    "word", "the team's plan", "'single'", '"double"', "'80s", "rock 'n' roll", "O'Brien's", '"\'nested\'"',
    "'\"set\"'", "'", '"', "--", "---", "----", "...", "....", ". . .", "<<angled>>", "<", ">", "<<", ">>",
    "&", "&amp;", "&lt;", "&#39;", "&#x2014;", "AT&T", "*em*", "**strong**", "***both***", "_u_", "__uu__",
    "snake_case_name", "2*3*4", "`code`", "``co`de``", "`it's -- ...`", "\\*", "\\`", "\\\\", "\\'", '\\"',
    "[link](https://example.com/a--b)", "[it's](https://example.com/it's \"t\")", "![img](a.png)",
    "[ref][1]", "[1]", "[^1]", "[^n]", "<https://example.com/a'b>", "<me@example.com>", "<b>it's</b>",
    "<span title=\"x'y\">s</span>", "<!-- c -- 'x' -->", "  \n", "\u200b", "\u00ad", "\u200d", "\u202e",
    "\ufeff", "Привет 'мир'", "«ёлки»", "東京の'駅'", "مرحبا \"عالم\"", "—", "–", "…", "klzzwxh:0001",
    "&#8211;'x", "&#8212;\"x", "&nbsp;'x", "&mdash;\"x", "&ndash;'x", "–'x", "—\"x", "--'x", "\t'x",
    "x'", "x\"", "'x", "\"x", "'s", "'80s", "\"'", "'\"", "x\"'y", "y'\"x", "''", '""', "-'-", ".'.",
    "wzxhzdk:3", "#", "#tag", "a#b", "|", "a | b", ":", "*[", "]:", "{: #id }", "{: .cls }", "[TOC]",
    "x" * 500,
    # smarty's entities put straight into the text (prefilter.direct_parts) next to what the
    # serializer escapes, or keeps, around them: `&`s that do or do not start an entity
    "&'", "&x'", "&#'", "&#x'", "&amp'", "x&\"", "\\&'", "&--", "&...", "&rsquo'", "&#8217;'s", "&&'",
    "AT&T's", "a&b--c", "&lt;'&gt;", "&#39;\"", "'&'", "\"&\"", "&;'", "&x;'", "'&x;",
    # what may precede an opening quote (prefilter._ends_opening): other spaces, dashes, `;`
    "\u00a0'x", "\u2003\"x", "\u3000'x", "x;'y", "x;\"y", "‒'x", "−\"x", "\x1c'x",
]

BLOCK = [
    "# Heading 'one' -- {}", "## {} ##", "###### {}", "#no space {}", "{}\n===", "{}\n---", "{}\n- - -",
    "---", "***", "___", "* * *", "> {}\n> > {}", ">{}", "- {}\n- {}\n    - {}", "1. {}\n2. {}",
    "    indented {} -- code", "```\n{}\n```", "```python\nx = '{}'  # --\n```",
    "```{{.python hl_lines=\"1\"}}\nprint('{}')\n```", "~~~js\nlet a = \"{}\"; // ...\n~~~",
    "```nosuchlanguage\n{}\n```", "| a | b |\n|---|:-:|\n| {} | {} |", "a | b\n--|--\n{} | {}",
    "Term {}\n:   Definition {}", "{} [^1]\n\n[^1]: Note {}", "[1]: https://example.com/{} \"Title\"",
    "[ref]: <https://example.com> 'T'", "*[HTML]: Hyper {}", "HTML and {}", "<div>\n{}\n</div>",
    "<div markdown=\"1\">\n{}\n</div>", "<h2>{}</h2>", "<p>&lt;{}&gt;</p>", "[TOC]", "{}\n{{: #custom-id }}",
    "## {} {{: #dup }}\n\n## {} {{: #dup }}", "{}  \n{}", "{}",
    "## {} {{: data-toc-label=\"it's -- &amp; 'x'\" }}", "<style>\n'{}'\n</style>",
    # headings tocmarker.serialize_unless_unused writes itself, or not (attributes, escapes)
    "## Plain words", "### Plain {} words", "#### {} {{: .cls }}", "# \\<not a tag\\>", "## a & b",
    "### two  spaces\there ", "## x > y",
]


def snippet(rng: random.Random) -> str:
    """One generated Markdown document of a few blocks."""
    def inline() -> str:
        return " ".join(rng.choice(INLINE) for _ in range(rng.randint(1, 8)))

    blocks = []
    for _ in range(rng.randint(1, 6)):
        shape = rng.choice(BLOCK)
        blocks.append(shape.format(*(inline() for _ in range(shape.count("{}")))))
    # joins with lines of spaces only (normalize_whitespace empties them) and trailing spaces
    joins = ["\n\n", "\n", "\n\n\n", "\n   \n", "\n \n  \n", " \n", "\n\t\n", "\r\n\r\n"]
    return rng.choice(joins).join(blocks)


@pytest.mark.parametrize("seed", range(6))
def test_fast_converter_gives_plain_markdowns_html_on_random_snippets(seed, plain_pygments):
    fast, _ = fast_and_plain()
    rng = random.Random(seed)
    for number in range(250):
        text = snippet(rng)
        highlight.speed_up()
        fast.reset()
        got = fast.convert(text)
        highlight.undo()
        plain = Markdown(**pelican_markdown_settings())  # fresh: no state carried between snippets
        assert got == plain.convert(text), (seed, number, text)
        assert fast.toc_tokens == plain.toc_tokens, (seed, number, text)  # tocmarker's own names


def test_substitutions_that_are_not_entities_still_go_through_the_stash(plain_pygments):
    """smarty's entities go into the text as they are (prefilter.direct_parts); configured
    substitutions that are not only entities (HTML, a bare `&`, text) are stashed as before."""
    settings = pelican_markdown_settings()
    settings["extension_configs"] = {**settings["extension_configs"], "markdown.extensions.smarty": {
        "substitutions": {"left-single-quote": "<q>", "right-single-quote": "&", "mdash": "&amp;x",
                          "ndash": "&#x2013", "ellipsis": "...", "left-double-quote": "&#8220;&laquo;"}}}
    fast, _ = fast_and_plain(settings)
    parts = {part for sub in fast.treeprocessors["smarty"].substitutes.values() for part in sub[1]}
    assert {"&#8220;&laquo;", ("<q>",), ("&",), ("&amp;x",), ("&#x2013",), ("...",)} <= parts
    rng = random.Random(7)
    for number in range(200):
        text = snippet(rng)
        fast.reset()
        got = fast.convert(text)
        highlight.undo()
        assert got == Markdown(**settings).convert(text), (number, text)


def test_the_speed_ups_are_in_place():
    fast, _ = fast_and_plain()
    guarded = [name for name in blockfilter.EXPECTED if "test" in vars(fast.parser.blockprocessors[name])]
    assert sorted(guarded) == sorted(blockfilter.EXPECTED)  # every guard derived for pelicanconf applies
    assert type(fast.treeprocessors["inline"]) is prefilter.FilteredInlineProcessor
    assert fast.treeprocessors["smarty"].strings_only and not fast.treeprocessors["inline"].strings_only
    assert {"replace_marker", "build_toc_div", "run"} <= set(vars(fast.treeprocessors["toc"]))
    assert tocmarker.speed_up(fast) is False  # not twice
    assert codehilite.get_lexer_by_name is not highlight.WIRE.get()[1]  # reused lexers and formatters
    highlight.undo()
    assert codehilite.get_lexer_by_name is highlight.WIRE.get()[1]


def test_block_prefilter_leaves_unknown_and_changed_processors_alone():
    from markdown.blockprocessors import BlockQuoteProcessor

    md = Markdown(extensions=["markdown.extensions.extra"])
    changed = BlockQuoteProcessor(md.parser)
    changed.RE = __import__("re").compile(r"(^|\n)[ ]{0,3}%[ ]?(.*)")  # a quote marked with % instead
    md.parser.blockprocessors.register(changed, "quote", 20)
    md.parser.blockprocessors.register(BlockQuoteProcessor(md.parser), "custom", 19)
    blockfilter.speed_up(md)
    assert "test" not in vars(md.parser.blockprocessors["quote"])  # known name, other regex
    assert "test" not in vars(md.parser.blockprocessors["custom"])  # unknown name
    assert "test" in vars(md.parser.blockprocessors["hashheader"])
    assert md.convert("% quoted") == "<blockquote>\n<p>quoted</p>\n</blockquote>"
    count = blockfilter.speed_up(md)
    assert count == 0  # idempotent: already guarded processors are not wrapped twice


@pytest.mark.parametrize("guard, block, can_match", [
    ("quote", "no angle here", False), ("quote", "  > quoted", True),
    ("hashheader", "plain", False), ("hashheader", "## h", True),
    ("hr", "- - x", False), ("hr", "- - -", True), ("hr", "_ _ _", True), ("hr", "*-*-", False),
    ("setextheader", "one line ===", False), ("setextheader", "Title\n===", True),
    ("setextheader", "Title\nnext", False), ("deflist", "Term\nno colon", False),
    ("reference", "[a] : b", False), ("reference", "[a]: b", True),
    ("footnote", "[ ^1]: x", False), ("abbr", "* [X]: y", False), ("table", "a\nb", False),
    ("markdown_block", "plain", False), ("markdown_block", "a \x02wzxhzdk:0\x03", False),
    ("markdown_block", "\x02wzxhzdk:0\x03", True),
])
def test_block_guards_are_necessary_conditions(guard, block, can_match):
    """A guard says "cannot match" only for blocks on which the processor's own test/run does nothing."""
    md = Markdown(extensions=["markdown.extensions.extra"])
    processor = md.parser.blockprocessors[guard]
    parent = etree.Element("div")
    assert blockfilter.EXPECTED[guard][2](block) is can_match
    if not can_match:  # the unguarded processor agrees: not taken, or taken and given back
        blocks = [block]
        taken = processor.test(parent, block)
        assert not taken or processor.run(parent, blocks) is False
        assert blocks == [block]


def test_planned_block_parser_follows_a_block_a_processor_changed():
    """A processor that says no after changing the next block (none of Python-Markdown's does):
    the planned parser asks the remaining processors about the new block, as the original loop
    does, although its plan was made for the old one (which had no `>` for the quote)."""
    from markdown.blockprocessors import BlockProcessor

    class Swap(BlockProcessor):
        def test(self, parent, block):
            return block.startswith("!swap")

        def run(self, parent, blocks):
            blocks[0] = "> quoted " + blocks[0][5:]
            return False

    def with_swap(md: Markdown) -> Markdown:
        md.parser.blockprocessors.register(Swap(md.parser), "swap", 22)  # before quote (20)
        return md

    fast, _ = fast_and_plain()
    fast = with_swap(fast)
    for text in ("!swap one", "para\n\n!swap two\n\n# h", "!swap\n\n!swap 'x' -- y"):
        fast.reset()
        got = fast.convert(text)
        highlight.undo()
        assert got == with_swap(Markdown(**pelican_markdown_settings())).convert(text), text
        assert "<blockquote>" in got


def test_nested_parses_read_a_registry_that_a_foreign_processor_changes():
    """blockfilter.planned reuses the outermost parse's processors in nested parses only when all
    are Python-Markdown's own; a processor of anyone else may change the registry mid-parse, and
    the nested parses must see the change as the original parser does."""
    from markdown.blockprocessors import BlockProcessor

    class Shout(BlockProcessor):
        def test(self, parent, block):
            return block.startswith("SHOUT")

        def run(self, parent, blocks):
            blocks.pop(0)
            etree.SubElement(parent, "p").text = "LOUD"

    class Arm(BlockProcessor):
        def test(self, parent, block):
            return block.startswith("!arm")

        def run(self, parent, blocks):
            blocks[0] = blocks[0][4:].lstrip()
            self.parser.blockprocessors.register(Shout(self.parser), "shout", 200)
            return False

    def with_arm(md: Markdown) -> Markdown:
        md.parser.blockprocessors.register(Arm(md.parser), "arm", 199)
        return md

    text = "!arm x\n\n> SHOUT here\n\n- item\n\n    SHOUT nested"
    fast, _ = fast_and_plain()
    got = with_arm(fast).convert(text)
    highlight.undo()
    assert got == with_arm(Markdown(**pelican_markdown_settings())).convert(text)
    assert "LOUD" in got


def test_pass_skips_are_exact():
    """passes.py: each skipped pass would have changed nothing. normalize_whitespace's copy gives
    the original's lines on texts with and without lines of spaces; html_block gives a text
    without `<` or `&` back as it was, stashing nothing; the guarded tree passes are in place."""
    from markdown import preprocessors


    rng = random.Random(5)
    md = Markdown(**pelican_markdown_settings())
    original = preprocessors.NormalizeWhitespace(md).run
    copy = passes.normalize_whitespace(md)
    extractor = md.preprocessors["html_block"]
    for number in range(400):
        text = snippet(rng) + rng.choice(["", " ", "\n  ", "\t\n \n", "\r", "\x02x\x03 \n"])
        lines = text.split("\n")
        assert copy(lines) == original(lines), (number, text)
        plain = text.replace("<", "").replace("&", "")
        md.reset()
        assert extractor.run(plain.split("\n")) == plain.split("\n"), (number, plain)
        assert md.htmlStash.html_counter == 0
    fast, _ = fast_and_plain()
    assert sorted(passes.speed_up(Markdown(**pelican_markdown_settings()))) == [
        "attr_list", "html_block", "is_block_level", "normalize_whitespace", "unescape"]
    assert passes.speed_up(fast) == []  # already done by convert.init, not twice


def test_heading_serializer_writes_what_markdowns_serializer_writes():
    """tocmarker.serialize_unless_unused's own plain headings, against to_html_string."""
    from markdown.serializers import to_html_string

    serialize = tocmarker.serialize_unless_unused(to_html_string, etree.Element("div"))
    rng = random.Random(7)
    pieces = ["", "word", " spaced ", "a&b", "&amp;", "<", ">", "\n", "\x02x\x03", "'", '"', "é"]
    for _ in range(2000):
        element = etree.Element(rng.choice(["h1", "h2", "h6", "H2", "h7", "p", "div", "hr", "br"]))
        element.text = rng.choice([None, *pieces]) if rng.random() < 0.9 else util.AtomicString("<x>")
        element.tail = rng.choice([None, "\n", *pieces])
        if rng.random() < 0.2:
            element.set("id", rng.choice(pieces))
        if rng.random() < 0.2:
            etree.SubElement(element, "em").text = rng.choice(pieces)
        assert serialize(element) == to_html_string(element), (element.tag, element.text, element.tail)
    assert tocmarker.serialize_unless_unused(to_html_string, None)(etree.Element("div")) == "<div></div>"


def test_plain_heading_ids_match_tocs_own_on_hand_built_trees():
    """tocmarker.plain_heading_ids against toc's own `run` on headings the block parser rarely
    makes: spaces around the text, tails with what the serializer escapes or an STX."""
    import copy

    from markdown.serializers import to_html_string

    md = Markdown(**pelican_markdown_settings())
    processor = md.treeprocessors["toc"]
    fast_run = tocmarker.plain_heading_ids(processor)
    rng = random.Random(3)
    pieces = ["", " x  y ", "plain", "a<b", "a&b", "a>b", "\x02" "60\x03", "\n", "\t z\t", "é è"]
    for _ in range(300):
        doc = etree.Element("div")
        for _ in range(rng.randint(1, 4)):
            heading = etree.SubElement(doc, rng.choice(["h1", "h2", "h3", "p"]))
            heading.text = rng.choice([None, *pieces])
            heading.tail = rng.choice([None, *pieces])
        mine = copy.deepcopy(doc)
        processor.run(doc)
        tokens = md.toc_tokens
        fast_run(mine)
        assert to_html_string(mine) == to_html_string(doc)
        assert md.toc_tokens == tokens


def test_block_level_memo_answers_as_markdown_does():
    """passes.block_level: the same answer for every kind of tag, asked twice (memo), and the
    original's once the list changes."""
    md = Markdown(**pelican_markdown_settings())
    fast = passes.block_level(md)
    tags = [*md.block_level_elements, "P", "Div/", "div//", "h7", "span", "code", "pre", "", "/",
            "hr/", "HR", "x-div", etree.Comment, None, 3, etree.QName("div")]
    for _ in range(2):
        for tag in tags:
            assert fast(tag) is md.is_block_level(tag), tag
    assert fast(["div"]) is False  # unhashable: not memoised, still answered
    md.block_level_elements.append("x-div")
    assert fast("x-div") is True
    md.block_level_elements = ["span"]
    assert fast("span") is True and fast("div") is False


def test_pygments_reuse_keys_on_every_option(plain_pygments):
    highlight.speed_up()
    lexer = codehilite.get_lexer_by_name
    assert lexer("python", stripnl=False) is lexer("python", stripnl=False)
    assert lexer("python", stripnl=False) is not lexer("python", stripnl=True)
    formatter = codehilite.get_formatter_by_name
    assert formatter("html", hl_lines=[1]) is not formatter("html", hl_lines=[2])
    with pytest.raises(ClassNotFound):  # an unknown language still raises, so codehilite falls back
        lexer("no-such-language-at-all")
    text = ("```python hl_lines=\"2\"\na = 1\nb = 'x'\n```\n\n```python\na = 1\nb = 'x'\n```\n\n"
            "```python linenums=\"1\"\nc\n```")
    fast, _ = fast_and_plain()
    highlight.speed_up()
    got = [fast.reset().convert(text) for _ in range(2)]
    highlight.undo()
    assert got == [Markdown(**pelican_markdown_settings()).convert(text)] * 2


def test_tripped_wires_leave_markdown_alone(monkeypatch, fresh_wires, plain_pygments):
    monkeypatch.setitem(blockfilter.PROVEN, "markdown", "3.0.0")
    monkeypatch.setitem(highlight.PROVEN, "pygments", "1.0")
    md = Markdown(extensions=["markdown.extensions.extra"])
    assert blockfilter.speed_up(md) == 0
    assert not any("test" in vars(p) for p in md.parser.blockprocessors)
    assert highlight.speed_up() is False
    assert codehilite.get_lexer_by_name.__module__.startswith("pygments")


def test_smarty_anchor_search_finds_what_a_plain_search_finds():
    """`_search` tries only starts at most `lead` characters before an anchor that follows a
    character `before` accepts: on random strings of the pieces smarty's regexes look at, from
    every start position, it finds exactly `regex.search`'s match."""
    import re

    pieces = ["'", '"', "-", "--", "---", ".", "...", "<<", ">>", "&#8211;", "&#8212;", "&nbsp;", "&mdash;",
              "&ndash;", "–", "—", " ", "\t", "\n", "a", "s", "80s", "9", "(", "[", "\x02", "\x03", "é", "!",
              ";", "&", "#", "\xa0", "\u2003", "\u3000", "\x1c", "\x85", "\u200b", "‒", "−"]
    rng = random.Random(11)
    anchors = prefilter.smarty_anchors()
    for regex_text, (anchor, lead, before) in anchors.items():
        regex = re.compile(regex_text)
        for _ in range(3000):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
            for pos in range(len(text) + 1):
                want = regex.search(text, pos)
                got = prefilter._search(regex, text, pos, anchor, lead, before)
                assert (got and got.span()) == (want and want.span()), (regex_text, text, pos)


def test_opening_quotes_follow_what_ends_opening_accepts():
    """`_ends_opening` holds for every character that can precede the quote of an opening-quote
    match, tried over all of Unicode (the regex's `\\s` and str.isspace agree)."""
    import re
    import sys as system

    from markdown.extensions import smarty

    for regex_text in (smarty.openingSingleQuotesRegex, smarty.openingDoubleQuotesRegex):
        regex = re.compile(regex_text)
        quote = "'" if "'" in regex_text[-8:] else '"'
        for code in range(system.maxunicode + 1):
            char = chr(code)
            if regex.search(f"{char}{quote}a") is not None and regex.search(f"{char}{quote}a").start() == 0:
                assert prefilter._ends_opening(char), hex(code)
