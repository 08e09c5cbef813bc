"""The manifest's fast paths give the entries the plain computations give.

`entry` decodes a post's source once for the code-name and placeholder scans, takes the relative
source path from the content root's prefix, asks `placeholder_sentences` instead of locating every
placeholder, and the plugin fills each entry's URL in once the articles are written (`fill_urls`).
Each is compared here with the plain form on varied and hostile posts (CRLF and lone CR line ends,
invisible characters, `<`, code names in disguise, placeholders re-wrapped, invalid UTF-8, empty).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime

import pytest
from sitebuild import REPO

sys.path.insert(0, str(REPO))

from plugins.post_contract.new import PLACEHOLDERS, find_placeholders, placeholder_sentences  # noqa: E402
from plugins.syndication import manifest as manifest_mod  # noqa: E402

HEADER = ("Title: {title}\nDate: 2024-0{month}-02 08:00\nAuthor: Dana Whitfield\nCategory: Insights\n"
          "Summary: A summary with <b>tags</b> & “quotes”.\n\n")
BODIES = {
    "plain": "Finance teams close the books with evidence.\n",
    "crlf": "Line one.\r\nProject Bluefin is here.\r\nLast line.\r\n",
    "lone-cr": "Old Mac line ends.\rTidewater shows up\rhere.\r",
    "invisible": "Project\u200b Kestrel and Tide\u00adwater, a \u202eright-to-left\u202c word.\n",
    "markup": "a < b and <span>Blue</span>fin & `Project Bluefin` in code.\n\n    Tidewater = 1\n",
    "placeholders": (PLACEHOLDERS["body"].replace(" Start", "\n   start") + "\n\n"
                     + PLACEHOLDERS["Summary"].upper() + "\n"),
    "unicode": "Ρroject Вluefin (Greek and Cyrillic capitals) — naïve café ☕ 👍🏽.\n",
    "empty": "",
}


def _plain_relpath(source_path: str, settings: dict) -> str:
    content_root = os.path.dirname(os.path.abspath(settings.get("PATH", ".")))
    return os.path.relpath(source_path, content_root).replace(os.sep, "/")


def _plain_confidential(article, finder, source: bytes | None) -> list[str]:
    if source is not None:
        raw = source.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    else:
        raw = f"{article.title}\n{article.content or ''}"
    return finder(raw)


def _plain_placeholders(source: bytes | None) -> list[str]:
    if source is None:
        return []
    return sorted({found.sentence for found in find_placeholders(source.decode("utf-8", errors="replace"))})


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Real Pelican articles of the posts above (our contract reader), their settings and finder."""
    from pelican.contents import Article
    from pelican.readers import Readers
    from pelican.settings import read_settings

    import plugins.post_contract.plugin as contract
    from plugins.syndication.plugin import _leak_finder

    content = tmp_path_factory.mktemp("manifest") / "content"
    (content / "posts").mkdir(parents=True)
    paths = []
    for month, (name, body) in enumerate(BODIES.items(), start=1):
        path = content / "posts" / f"post-{name}.md"
        header = HEADER.format(title=f"Post {name}", month=min(month, 9))
        path.write_bytes((header + body).encode("utf-8"))
        paths.append(path)
    settings = read_settings(str(REPO / "pelicanconf.py"), override={
        "PATH": str(content), "SITEURL": "https://example.com/", "BRAND_CONFIG": str(REPO / "brand.yml")})
    readers = Readers(settings)
    contract.use_contract_reader(readers)
    articles = []
    for path in paths:
        article = readers.read_file(str(content), str(path), content_class=Article)
        contract.annotate(article)
        articles.append(article)
    # Bytes no reader accepts: the manifest reads the file again, whatever the article says.
    (content / "posts" / "post-invalid.md").write_bytes(b"Title: x\n\nProject Blue\xfffin \xe2\x80 \r\n")
    return articles, settings, _leak_finder(settings), content


def test_entries_match_the_plain_computations(site):
    articles, settings, finder, _ = site
    for article in articles:
        made = manifest_mod.entry(article, settings, finder)
        source = manifest_mod.read_source(article)
        assert made["source_path"] == _plain_relpath(article.source_path, settings)
        assert made["confidential"] == _plain_confidential(article, finder, source)
        assert made["placeholders"] == _plain_placeholders(source)
        assert made["path"] == article.url and made["url"] == f"https://example.com/{article.url}"
    by_name = {a.slug: manifest_mod.entry(a, settings, finder) for a in articles}
    assert by_name["post-crlf"]["confidential"] == ["Project Bluefin"]
    assert by_name["post-placeholders"]["placeholders"] == sorted(PLACEHOLDERS.values())


def test_the_scans_on_raw_bytes_match_the_plain_decoding(site):
    """Invalid UTF-8, CR line ends, no source at all: the shared decoding changes no answer."""
    articles, _, finder, content = site
    samples = [path.read_bytes() for path in sorted((content / "posts").iterdir())]
    samples += [b"", b"\r", b"\r\n\r", b"\xff\xfe", "Tidewater\r\nTide\u200bwater".encode(), None,
                (PLACEHOLDERS["Summary"] + "\r\n").encode("utf-16")]
    article = articles[0]
    for source in samples:
        text = manifest_mod.source_text(source)
        for given in (None, text):
            assert (manifest_mod.confidential_names(article, finder, source, given)
                    == _plain_confidential(article, finder, source)), source
            assert manifest_mod.scaffold_placeholders(source, given) == _plain_placeholders(source), source


@pytest.mark.parametrize("text", [
    None, "", "plain", PLACEHOLDERS["body"], PLACEHOLDERS["Summary"].lower(),
    PLACEHOLDERS["body"].split(".")[0], "x" + PLACEHOLDERS["body"], PLACEHOLDERS["Summary"] + "x",
    PLACEHOLDERS["body"].replace(" ", "\n\t "), "İ" + PLACEHOLDERS["Summary"].upper(),
    "ß" * 1000 + PLACEHOLDERS["body"], "one or two sentences on why this post matters to a finance",
])
def test_placeholder_sentences_are_those_find_placeholders_locates(text):
    assert placeholder_sentences(text) == {p.sentence for p in find_placeholders(text)}


@pytest.mark.parametrize("root", ["/", "/srv", "/srv/site", "relative", ".", "a/../b"])
@pytest.mark.parametrize("source", [
    "/srv/site/content/posts/a.md", "/srv/site/content/../posts/b.md", "/srv//site/content/c.md",
    "/srv/sitex/content/d.md", "/elsewhere/e.md", "content/posts/f.md", "../g.md", "/srv/site",
    "/srv/site/", "/h.md", "/srv/site/content/posts/ünïcode ☕.md",
])
def test_relative_source_paths_are_relpath(root, source):
    settings = {"PATH": os.path.join(root, "content")}
    assert manifest_mod._relative(source, settings) == _plain_relpath(source, settings)


def test_urls_filled_in_later_give_the_same_manifest(site):
    """The plugin leaves each entry's URL for `fill_urls` (after the articles are written)."""
    from plugins.syndication import plugin

    articles, settings, finder, _ = site
    now = datetime(2030, 1, 1, tzinfo=UTC)
    whole = plugin.manifest(articles, settings, now, finder)
    pending: list = []
    later = plugin.manifest(articles, settings, now, finder, pending=pending)
    assert len(pending) == len(articles) and all(post["url"] is None for post, _ in pending)
    plugin._STATE["pending"] = (pending, settings)
    plugin.fill_urls()
    assert later == whole and list(later["posts"][0]) == list(whole["posts"][0])  # keys in order
    assert "pending" not in plugin._STATE
    plugin.fill_urls()  # nothing pending: nothing to do


@pytest.mark.parametrize("data", [
    {}, [], "", None, True, 0, -7, 10**30, "plain", {"a": []}, {"a": {}}, [[]], [{}], [[[1]]],
    {"quote\"back\\slash": "line\nbreak\ttab\x00\x1f\u2028\u2029 ünïcode ☕ 👍🏽 \ud800 </script>"},
    {"posts": [{"slug": "a", "tags": ["x", "y"], "social": {"x": None, "mastodon": "m"}, "n": 3,
                "ok": False, "empty": [], "nested": {"deep": [{"deeper": [True, None, "s"]}]}}]},
    {"float": 1.5}, {"nan": float("nan")}, {"tuple": (1, 2)}, {1: "int key"}, {None: "none key"},
    {"sub": type("S", (str,), {})("str subclass")}, {"bool-key": {True: 1}}, ["a", 1.0, (2,)],
])
def test_dumps_is_json_dumps_with_indent(data):
    from plugins.syndication.plugin import dumps

    assert dumps(data) == json.dumps(data, ensure_ascii=False, indent=2)


def test_dumps_of_a_whole_manifest(site):
    from plugins.syndication import plugin

    articles, settings, finder, _ = site
    made = plugin.manifest(articles, settings, datetime(2030, 1, 1, tzinfo=UTC), finder)
    assert made["posts"] and plugin.dumps(made) == json.dumps(made, ensure_ascii=False, indent=2)
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(RecursionError):  # json's own answer for what it cannot nest
        json.dumps(deep, ensure_ascii=False, indent=2)
    with pytest.raises(RecursionError):
        plugin.dumps(deep)
