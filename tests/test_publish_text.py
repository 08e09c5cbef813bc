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
