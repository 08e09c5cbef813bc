"""The prose view: what the style rules read must be what Python-Markdown renders as prose."""

from __future__ import annotations

import re
from collections import Counter

import markdown
import pytest
from bs4 import BeautifulSoup
from sitebuild import REPO

from plugins.brand_guard.source import MASK, inline_view, parse_header, read_post

TRICKY = """\
Intro with `inline code word` and ``double `tick` code`` and a
[link text](https://example.com/p_(x) "Link title").

```python
fenced_code_word = 1
```

~~~
tilde fenced word
~~~

    indented code word

- list item one
- list item two with **bold**

    list continuation paragraph

1. ordered item

> A quoted line
> continues here

| Col A | Col B |
|-------|-------|
| cell one | cell two |

Heading
=======

### Sub heading ###

Text with a footnote[^1] and <span class="x">html inner</span> words &amp; entity.

[ref]: https://example.com/ref "Ref title"

A [reference link][ref] here.

*[HTML]: Hyper Text Markup Language

[^1]: The footnote text.
"""


def site_markdown() -> markdown.Markdown:
    import pelicanconf

    conf = pelicanconf.MARKDOWN
    return markdown.Markdown(extensions=list(conf["extension_configs"]),
                             extension_configs=conf["extension_configs"], output_format="html5")


def words(text: str) -> Counter:
    return Counter(w.lower() for w in re.findall(r"[^\W\d_]+", text))


def rendered_prose(body: str) -> Counter:
    soup = BeautifulSoup(site_markdown().convert(body), "html.parser")
    for code in soup.find_all(["code", "pre"]):
        code.decompose()
    for link in soup.find_all("a"):  # autolinks and e-mail links: the style rules skip URLs
        if link.get_text().startswith(("http", "mailto")) or "@" in link.get_text():
            link.decompose()
    return words(soup.get_text(" "))


def body_of(path) -> str:
    return path.read_text(encoding="utf-8").split("\n\n", 1)[1]


SAMPLES = sorted((REPO / "content").rglob("*.md"))


@pytest.mark.parametrize("body", [TRICKY] + [body_of(p) for p in SAMPLES],
                         ids=["tricky"] + [p.stem for p in SAMPLES])
def test_prose_view_has_exactly_the_words_python_markdown_renders_as_prose(body):
    view = read_post("\n" + body).body
    assert words(view) == rendered_prose(body)


def test_prose_view_keeps_length_and_line_breaks():
    view = read_post("\n" + TRICKY).body
    assert len(view) == len(TRICKY) and [m.start() for m in re.finditer("\n", view)] == [
        m.start() for m in re.finditer("\n", TRICKY)]
    assert "fenced_code_word" not in view and MASK * 16 in view


def test_header_fields_keep_value_offsets_crlf_and_continuations():
    text = "Title: A title\r\nSummary: first line\r\n    second line\r\nTags: a, b\r\n\r\nBody\r\n"
    fields, body_start = parse_header(text)
    assert text[body_start:] == "Body\r\n"
    title = fields["title"]
    assert (title.value, title.line, text[title.start:title.end]) == ("A title", 1, "A title")
    summary = fields["summary"]
    assert summary.value == "first line second line" and summary.line == 2
    assert text[summary.start:summary.end] == "first line\r\n    second line"


def test_a_post_without_a_header_is_all_body():
    fields, start = parse_header("Just text, no header.\n\nMore.\n")
    assert fields == {} and start == 0


def test_inline_view_masks_urls_code_hashtags_and_mentions():
    view = inline_view("Read `code` at https://x.example/a. #Close @dana@social.example ok", social=True)
    assert re.findall(r"[^\W_]+", view.replace(MASK, " ")) == ["Read", "at", "ok"]


@pytest.mark.parametrize("text, prose", [
    ("See https://x.example/?a=1&amp;b=synergy, then stop.", ["See", "then", "stop"]),
    ("Mirror ftp://files.example/pub and www.example.com/path.", ["Mirror", "and"]),
    ("Links [here](https://x.example/a) and `https://in.code` stay masked too.",
     ["Links", "here", "and", "stay", "masked", "too"]),
    ("A wwwhat or https:/not-a-url stays prose", ["A", "wwwhat", "or", "https", "not", "a", "url", "stays",
                                                   "prose"]),
])
def test_bare_urls_are_masked_wherever_they_are(text, prose):
    view = inline_view(text)
    assert len(view) == len(text)
    assert re.findall(r"[^\W_]+", view.replace(MASK, " ")) == prose


_QUOTED_REFERENCE = re.compile(  # the regex quoted_spans replaced (quadratic on unclosed quotes)
    r"\"(?:[^\"\n]|\n(?![ \t\r]*\n))*?\"|“(?:[^”\n]|\n(?![ \t\r]*\n))*?”|«[^»\n]*»"
)


def test_quoted_spans_are_the_reference_regex_on_random_texts():
    """Quoted spans are found in one pass (an unclosed quote no longer rescans its paragraph from
    every later quote) and agree with the pattern they replaced on 3,000 seeded random texts."""
    import random

    from plugins.brand_guard.source import quoted_spans
    rng = random.Random(12)
    alphabet = ['"', "“", "”", "«", "»", "\n", "\n\n", "\n \r\n", " ", "a", "b", "’", "„"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        assert quoted_spans(text) == [m.span() for m in _QUOTED_REFERENCE.finditer(text)], repr(text)
