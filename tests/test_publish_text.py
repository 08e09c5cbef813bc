"""Site builds stay light: the manifest's plain-text helper imports neither twitter-text nor atproto.

Each import runs in a fresh interpreter, so what an earlier test imported cannot hide a regression.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sitebuild import REPO

HEAVY = ("twitter_text", "atproto", "atproto_client")


def loaded_after(module: str) -> set[str]:
    code = f"import json, sys; import {module}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return {name.split(".")[0] for name in json.loads(done.stdout)}


@pytest.mark.parametrize("module", ["publish.text", "plugins.syndication.manifest", "plugins.syndication"])
def test_site_build_modules_import_neither_twitter_text_nor_atproto(module):
    loaded = loaded_after(module)
    assert module.split(".")[0] in loaded  # the import did happen
    assert not loaded & set(HEAVY)


def test_composing_does_not_import_atproto():
    """Planning and composing (make preview, the benchmark) need no Bluesky SDK; sending does."""
    loaded = loaded_after("publish.compose, publish.plan")
    assert "twitter_text" in loaded  # the check can see an import
    assert not loaded & {"atproto", "atproto_client"}


def markdown_html(source: str) -> str:
    """What Pelican renders for `source` with the site's Markdown settings."""
    from markdown import Markdown

    from pelicanconf import MARKDOWN

    return Markdown(**{**MARKDOWN, "extensions": list(MARKDOWN["extension_configs"])}).convert(source)


def test_plain_text_strips_markdown_html_and_entities():
    # plain_text reads HTML (what Pelican renders), never Markdown source or plain text: issue 9
    # point 1 (a regex that also stripped Markdown marks from text read `<5 … >10` as a tag).
    from publish.text import plain_text

    raw = "**Bold** <em>and</em> [a link](https://x.test) &amp; `code` &rsquo;quoted&rsquo;\n\n# Heading"
    assert plain_text(markdown_html(raw)) == "Bold and a link & code ’quoted’ Heading"
    assert plain_text("<script>alert(1)</script>Cafe\u0301 <del>old</del> <em>new</em>") == "Café old new"


@pytest.mark.parametrize("text", [
    "Partners closed in <5 days while others took >10 days. Trust wins.",
    "a < b > c", "1 <2", "x<y", "<>", "<3 emoji 🙋🏽 and עברית text",
])
def test_plain_text_keeps_every_lt_that_is_not_a_tag(text):
    from html import escape

    from publish.text import plain_text

    assert plain_text(escape(text, quote=False)) == text  # as Markdown renders it
    assert plain_text(markdown_html(text)) == text


WORD_COUNT_CASES = [
    "", "plain words only", "<p>Hello <em>world</em></p>", "snake_case and __dunder__ count as one",
    "aren’t “quoted” — dashes – and… ellipses", "Zürich, 東京 and São Paulo 📈 ✅ 🇯🇵", "café vs cafe\u0301",
    "R&amp;D &eacute;t&eacute; &#233;t&#xE9; &amp &ampx &notit; &#0; &#x110000; &#xD800;x",
    "&amp\xa0x &amp\rx nbsp\xa0joined thin\u2009space \u3000ideographic", "1st ٣ ½ ² Ⅻ x²",
    "unclosed <b tag keeps <i>this</i> text", "a <!-- note --> b", "a <!-- unclosed <p>c</p> d",
    "<!-->x-->y", "a<br>b<br/>c", "<a title='x > y'>link</a>", "<>x<>", "a > b < c", "tab\tnew\nline",
    "soft\u00adhyphen zero\u200bwidth", "\x1c\x1dseparators\x1e\x1fhere", "under_ _score _ __",
]


@pytest.mark.parametrize("markup", WORD_COUNT_CASES)
def test_word_count_is_jinjas_striptags_wordcount(markup):
    """The theme's `|words` (publish/text.py `word_count`) must give Jinja's `|striptags|wordcount`
    exactly: the JSON-LD `wordCount` of every post depends on it."""
    from jinja2.filters import do_striptags, do_wordcount
    from markupsafe import Markup

    from publish.text import word_count

    want = do_wordcount(do_striptags(markup))
    assert word_count(markup) == want
    assert word_count(Markup(markup)) == do_wordcount(do_striptags(Markup(markup)))


def test_word_count_matches_jinja_on_random_markup():
    import random

    from jinja2.filters import do_striptags, do_wordcount

    from publish.text import word_count

    rng = random.Random(6)
    alphabet = list("ab_1 \t\n<>/!-&;#x9é’—\xa0\u2009東٣½")
    alphabet += ["&amp;", "&eacute;", "<p>", "</em>", "<!--", "-->", "&#233;", "&rsquo;", "&nbsp;"]
    alphabet += ["&lt;b&gt;", "&amp", "&rsquo;", "&rsquo", "&hellip;", "&mdash;", "&#39;", "&quot;"]
    for _ in range(3000):
        markup = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert word_count(markup) == do_wordcount(do_striptags(markup)), repr(markup)
    assert word_count(None) == do_wordcount(do_striptags(None))


def test_word_count_blanks_only_references_to_one_non_word_character():
    """`word_count` turns these references into a space before unescaping: each must decode to
    exactly one character that is not a word character."""
    import html
    from html.entities import html5

    from publish.text import _NON_WORD_REFS

    candidates = [f"&{name}" for name in html5] + [f"&#{n};" for n in range(300)]
    candidates += [f"&#x{n:x};" for n in range(300)]
    matched = [ref for ref in candidates if _NON_WORD_REFS.fullmatch(ref)]
    assert sorted(matched) == sorted(["&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&nbsp;", "&lsquo;",
                                      "&rsquo;", "&ldquo;", "&rdquo;", "&ndash;", "&mdash;", "&hellip;",
                                      "&laquo;", "&raquo;"])
    for ref in matched:
        char = html.unescape(ref)
        assert len(char) == 1 and not (char.isalnum() or char == "_"), ref


PLAIN_CASES = WORD_COUNT_CASES + [
    "<p>Here&rsquo;s the thing: &ldquo;quoted&rdquo; &ndash; done&hellip;</p>", "<p>a</p>\n<p>b</p>",
    '<p>See <a href="https://x.test/a?b=1&amp;c=2" title="t">the link</a> and <code>x &lt; y</code>.</p>',
    "<P>Upper</P><BR>case<Em>x</eM>", "<br /><hr/>a<br\t/>b", '<img alt="A picture">after',
    "<script>x</script>y",
    "<style>p{}</style>z", "<textarea>t</textarea>", "<title>t</title>", "<p>&am</p><em>p;</em>",
    "&amp;lt;", "&amp", "a &#x26;lt; b", "<p >x</p >", "</p x>", "<p/>", "<a href='single'>s</a>",
    '<a href="x>y">z</a>', "<a b>c</a>", "<p>unclosed", "</p>stray end", "<!doctype html><p>x</p>",
    "<?pi x?>y", "<p>1 < 2</p>", "", "\n\t ", "<p>\u2028line\u2029sep\u00a0nbsp\u3000</p>",
    "<ul><li>a<li>b</ul>",
]


@pytest.mark.parametrize("markup", PLAIN_CASES)
def test_html_to_text_fast_is_the_parser(markup):
    """publish/text.py reads simple markup (a rendered Summary) without html.parser: same text,
    or None for markup it leaves to the parser."""
    from publish.text import html_to_text, html_to_text_fast

    fast = html_to_text_fast(markup)
    assert fast is None or fast == html_to_text(markup), repr(markup)


def test_html_to_text_fast_is_the_parser_on_random_markup():
    import random

    from publish.text import html_to_text, html_to_text_fast, plain_text

    rng = random.Random(11)
    alphabet = list("ab1 \t\n\r\f<>/!-&;#x\"'=é’—\xa0\u2009東")
    alphabet += ["&amp;", "&eacute;", "<p>", "</p>", "<em>", "</em>", "<br>", "<br />", "<hr/>", "&#233;",
                 "&rsquo;", "&nbsp;", "&lt;b&gt;", "&amp", "&rsquo", "&hellip;", "&#39;", "&quot;", "<li>",
                 '<a href="https://x.test/?a=1&amp;b">', "</a>", "<code>", "</code>", "<P>", "</P >",
                 "<!--", "-->", "<script>", "</script>", '<img alt="alt">', "<div\nclass=\"c\">", "</div>",
                 "<blockquote>", "<h2 id=\"x\">", "</h2>", "<strong>", "&#x1F600;", "&#0;", "&ampx"]
    taken = 0
    for _ in range(6000):
        markup = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        fast = html_to_text_fast(markup)
        if fast is not None:
            taken += 1
            assert fast == html_to_text(markup), repr(markup)
        assert plain_text(markup) == html_to_text(markup), repr(markup)
    assert taken > 500  # the fast path is really exercised
