"""Names and URLs (issue 9 point 3): slugs are capped at a word boundary; a slug, tag or category
that would leave its folder or take another page's address is a `path:line` message naming both
files — never an OS error or an overwrite — and the rest of the site builds (production stops)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sitebuild import build_site

from plugins.post_contract.names import LECTERN_SLUG_MAX, cap_substitutions

LONG_TAG = "governance " * 27 + "x" * 3  # 300 characters
WORDS_256 = ("controllers trust numbers they can trace " * 7)[:256]
CJK_TITLE = "財務チームの信頼" * 40  # 320 characters, 960 UTF-8 bytes
CUT = "ledger " * 12  # 84 characters: two tags that differ only after the cap
EMOJI_TITLE = "🚀 Launch notes for the finance team " * 12


def post(title: str, date: str = "2026-02-03 10:00", **meta: str) -> str:
    extra = "".join(f"{key}: {value}\n" for key, value in meta.items())
    return f"Title: {title}\nDate: {date}\nAuthor: Dana Whitfield\n{extra}\nThe body.\n"


POSTS = {
    # file: (text, expected line, message fragment) — None: builds fine
    "long256.md": (post(WORDS_256), None, None),
    "long500.md": (post("a" * 500), None, None),
    "cjk.md": (post(CJK_TITLE), None, None),
    "emoji-long.md": (post(EMOJI_TITLE), None, None),
    "tag300.md": (post("A post with a long tag", Tags=LONG_TAG), None, None),
    "author300.md": (post("A post by a long name").replace("Dana Whitfield", "Dana " * 60), None, None),
    "category-up.md": (post("Category climbing", Category="../x"), None, None),
    "emoji-only.md": (post("🚀🚀🚀"), 1, 'the title "🚀🚀🚀" gives an empty web address (it has no letters '
                      'or digits) — add a line like "Slug: launch-notes" to the header'),
    "dotdot.md": (post("Dot dot", Slug="../.."), 4, 'Slug "../.." would leave its folder — a slug is '
                  'one part of the address: use letters, digits and hyphens, e.g. "Slug: five-day-close"'),
    "slash.md": (post("Slash", Slug="a/b"), 4, 'Slug "a/b" would leave its folder — a slug is one part '
                 'of the address: use letters, digits and hyphens, e.g. "Slug: ab"'),
    "rooted.md": (post("Rooted", Slug="/etc"), 4, 'Slug "/etc" would leave its folder'),
    "dot.md": (post("Dot", Slug="."), 4, 'Slug "." would leave its folder'),
    "backslash.md": (post("Backslash", Slug="..\\..\\x"), 4, 'Slug "..\\..\\x" would leave its folder'),
    "space.md": (post("Space", Slug="two words"), 4, 'Slug "two words" contains a space, which does not '
                 'belong in a web address — use letters, digits and hyphens, e.g. "Slug: two-words"'),
    "too-long.md": (post("Too long", Slug="x" * 120), 4, "Slug is 120 characters long; the limit is 80 "
                    f'(LECTERN_SLUG_MAX) — shorten it, e.g. "Slug: {"x" * 80}"'),
    "empty-slug.md": (post("Empty slug", Slug=""), 4, 'the "Slug:" line is empty'),
    "tag-dots.md": (post("Tag dots", Tags="trust, .."), 4, 'the tag ".." gives an empty web address '
                    "(it has no letters or digits) — use letters or digits in the tag, or remove it"),
    "lang.md": (post("Lang climbing", Lang="../../../etc/x"), 4, 'Lang "../../../etc/x" is not a '
                "language code"),
    "save-as.md": (post("Save as", Save_as="../../evil.html"), 4, 'Save_as "../../evil.html" would put '
                   "the post outside the site folder"),
    # collisions: the earlier post keeps the address, the later one is named with both files
    "same-a.md": (post("First with the slug", "2026-01-10 09:00", Slug="same"), None, None),
    "same-b.md": (post("Second with the slug", "2026-03-10 09:00", Slug="same"), 4,
                  "this post's address posts/2026/same/ is already taken by {content}/posts/same-a.md — "
                  'give this post another "Slug:" (or title)'),
    "year-a.md": (post("Year one", "2025-05-01 09:00", Slug="yearly"), None, None),
    "year-b.md": (post("Year two", "2026-05-01 09:00", Slug="yearly"), 4,
                  'the slug "yearly" is already used by {content}/posts/year-a.md — posts are told apart'),
    "title-a.md": (post("Same words, twice", "2026-01-02 09:00"), None, None),
    "title-b.md": (post("Same Words — Twice!", "2026-01-03 09:00"), 1, "this post's address "
                   "posts/2026/same-words-twice/ is already taken by {content}/posts/title-a.md"),
    "tag-a.md": (post("Tag spelling one", "2026-01-04 09:00", Tags="A/B testing, Finance"), None, None),
    "tag-b.md": (post("Tag spelling two", "2026-01-05 09:00", Tags="AB testing"), 4,
                 'the tag "AB testing" gets the same address (tag/ab-testing/) as the tag "A/B testing" in '
                 "{content}/posts/tag-a.md — write it the same way in both posts"),
    "tag-case.md": (post("Tag case only", "2026-01-06 09:00", Tags="finance"), None, None),
    "cut-a.md": (post("Cut one", "2026-01-07 09:00", Tags=CUT + "alpha"), None, None),
    "cut-b.md": (post("Cut two", "2026-01-08 09:00", Tags=CUT + "beta"), 4,
                 f'the tag "{CUT[:59]}…" gets the same address (tag/{"ledger-" * 10}ledger/) as the tag '
                 f'"{CUT[:59]}…" in {{content}}/posts/cut-a.md — write it the same way in both posts, or '
                 "make them differ within the first 80 characters"),
}
PAGES = {
    "team.md": ("Title: About again\nSlug: about\n\nA second about page.\n", 2,
                      "this page's address about/ is already taken by {content}/pages/about.md"),
    "archives.md": ("Title: Archives\n\nMy own archives.\n", 1,
                    "this page's address archives/ is already taken by the site's archives page"),
}
BROKEN = {name: case for name, case in POSTS.items() if case[1]}


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("names") / "content"
    (root / "posts").mkdir(parents=True)
    (root / "pages").mkdir()
    for name, (text, _, _) in POSTS.items():
        (root / "posts" / name).write_text(text, encoding="utf-8")
    (root / "pages" / "about.md").write_text("Title: About\n\nAbout us.\n", encoding="utf-8")
    for name, (text, _, _) in PAGES.items():
        (root / "pages" / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def dev(tmp_path_factory, content):
    return build_site(tmp_path_factory.mktemp("dev"), content=content)


def slugs(dev) -> set[str]:
    return {p.parent.name for p in dev.output.glob("posts/*/*/index.html")}


@pytest.mark.parametrize("name", list(BROKEN) + list(PAGES))
def test_each_problem_is_named_with_its_line(dev, content, name):
    folder, (_, line, words) = ("pages", PAGES[name]) if name in PAGES else ("posts", BROKEN[name])
    log = re.sub(r"\s+", " ", dev.log)
    expected = f"{content}/{folder}/{name}:{line}: {words.format(content=content)}"
    assert expected in log, dev.log


def test_dev_build_skips_only_the_offending_posts(dev):
    assert dev.returncode == 0, dev.log
    assert "Traceback" not in dev.log and "File name too long" not in dev.log
    assert re.search(rf"{len(BROKEN) + len(PAGES)} broken posts skipped", re.sub(r"\s+", " ", dev.log))
    built = slugs(dev)
    assert len(built) == len(POSTS) - len(BROKEN)
    assert {"same", "yearly", "same-words-twice"} <= built
    page = BeautifulSoup((dev.output / "posts/2026/same/index.html").read_text(), "html.parser")
    assert page.h1.get_text(strip=True) == "First with the slug"  # the earlier post keeps the address
    about = BeautifulSoup((dev.output / "about/index.html").read_text(), "html.parser")
    assert "About us." in about.get_text() and "second about" not in about.get_text()
    assert "My own archives" not in (dev.output / "archives/index.html").read_text()


def test_long_names_are_capped_at_a_word_boundary(dev):
    built = slugs(dev)
    assert max(len(s) for s in built) <= LECTERN_SLUG_MAX
    full = re.sub(r"[-\s]+", "-", WORDS_256.strip().lower())
    (cut,) = [s for s in built if s.startswith("controllers-trust")]
    assert full.startswith(cut) and full[len(cut)] == "-" and len(cut) > LECTERN_SLUG_MAX // 2
    assert "a" * LECTERN_SLUG_MAX in built  # one 500-letter word: cut hard at the limit
    assert any(s.startswith("launch-notes-for-the-finance-team") for s in built)
    assert all(len(p.encode()) <= 255 for p in (str(x.relative_to(dev.output))
                                               for x in dev.output.rglob("*")) for p in p.split("/"))
    tags = [p.parent.name for p in dev.output.glob("tag/*/index.html")]
    assert max(len(t) for t in tags) <= LECTERN_SLUG_MAX and "governance-governance" in " ".join(tags)
    assert (dev.output / "feeds" / "tag" / f"{('governance-' * 7).rstrip('-')}.atom.xml").exists()
    authors = [p.parent.name for p in dev.output.glob("author/*/index.html")]
    assert ("dana-" * 16).rstrip("-") in authors


def test_nothing_is_written_outside_output_and_no_folder_is_escaped(dev, content):
    root = dev.output.parent
    outside = {p for p in root.rglob("*") if p.is_file()
               and not p.is_relative_to(dev.output) and not p.is_relative_to(dev.build_dir)}
    assert {p.name for p in outside} <= {"testconf.py"} | {p.name for p in root.glob("cache/*")}
    assert not (dev.output / "evil.html").exists() and not (dev.output.parent / "evil.html").exists()
    assert (dev.output / "category" / "x" / "index.html").exists()  # "../x" is just the name "x"


def test_production_fails_on_a_collision_with_both_files_named(tmp_path):
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    for name in ("same-a.md", "same-b.md"):
        (content / "posts" / name).write_text(POSTS[name][0], encoding="utf-8")
    build = build_site(tmp_path / "site", content=content, conf="publishconf")
    assert build.returncode != 0
    log = re.sub(r"\s+", " ", build.log)
    assert (f"posts/same-b.md:4: this post's address posts/2026/same/ is already taken by "
            f"{content}/posts/same-a.md") in log
    assert "Production build stopped" in log and "Failed to overwrite" not in log


def test_cap_is_a_setting(tmp_path):
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    (content / "posts" / "p.md").write_text(post("Twenty characters then some more words"), encoding="utf-8")
    build = build_site(tmp_path / "site", content=content, settings={"LECTERN_SLUG_MAX": 20})
    assert build.returncode == 0, build.log
    assert [p.parent.name for p in build.output.glob("posts/*/*/index.html")] == ["twenty-characters"]


@pytest.mark.parametrize("title,limit,expected", [
    ("one two three", 80, "one-two-three"),
    ("alpha beta gamma delta", 16, "alpha-beta-gamma"),
    ("alpha beta gamma delta", 15, "alpha-beta"),
    ("a " + "b" * 40, 20, "a-" + "b" * 18),  # the only boundary is too early: cut hard
])
def test_cap_substitutions(title, limit, expected):
    from pelican.settings import DEFAULT_CONFIG
    from pelican.utils import slugify

    subs = DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"] + cap_substitutions(limit)
    assert slugify(title, regex_subs=subs) == expected


def test_unicode_slugs_stay_within_file_name_limits(tmp_path):
    """With SLUGIFY_USE_UNICODE the cap counts characters: 80 CJK characters are 240 bytes and
    build; 80 four-byte letters would be 320 bytes, more than a file name may hold: a message."""
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    (content / "posts" / "cjk.md").write_text(post(CJK_TITLE), encoding="utf-8")
    (content / "posts" / "gothic.md").write_text(post("𐌰𐌱𐌲𐌳" * 40, "2026-02-04 10:00"), encoding="utf-8")
    build = build_site(tmp_path / "site", content=content, settings={"SLUGIFY_USE_UNICODE": True})
    assert build.returncode == 0, build.log
    assert "File name too long" not in build.log and "Traceback" not in build.log
    (built,) = slugs(build)
    assert built == CJK_TITLE[:LECTERN_SLUG_MAX].lower() and len(built.encode()) == 240
    log = re.sub(r"\s+", " ", build.log)
    assert f'{content}/posts/gothic.md:1: the title "𐌰𐌱𐌲𐌳' in log
    assert ('longer than a file name may be (255 bytes) — add a shorter "Slug:" line to the header, '
            'e.g. "Slug: launch-notes"') in log


def test_posts_from_other_readers_are_checked_too_and_empty_save_as_is_respected(tmp_path):
    """An .html post never passes the Markdown contract reader: the generator-level check still
    keeps its address from clashing. TAG_SAVE_AS = "" (no tag pages) is no reason for a message."""
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    (content / "posts" / "a.md").write_text(post("Markdown first", "2026-01-01 09:00", Slug="same",
                                                 Tags="trust"), encoding="utf-8")
    (content / "posts" / "b.html").write_text(
        '<html><head><title>HTML second</title><meta name="date" content="2026-02-01 09:00">'
        '<meta name="slug" content="same"><meta name="tags" content="trust"></head>'
        "<body><p>Body.</p></body></html>", encoding="utf-8")
    build = build_site(tmp_path / "site", content=content, settings={"TAG_SAVE_AS": ""})
    assert build.returncode == 0, build.log
    log = re.sub(r"\s+", " ", build.log)
    assert (f"{content}/posts/b.html:1: this post's address posts/2026/same/ is already taken by "
            f"{content}/posts/a.md") in log
    assert "no usable web address" not in log and "Failed to overwrite" not in log
    page = (build.output / "posts/2026/same/index.html").read_text(encoding="utf-8")
    assert "Markdown first" in page and "HTML second" not in page


def test_a_translation_shares_its_slug_without_a_message(tmp_path):
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    (content / "posts" / "en.md").write_text(post("Trust first", Slug="trust-first"), encoding="utf-8")
    (content / "posts" / "fr.md").write_text(post("La confiance d'abord", Slug="trust-first", Lang="fr"),
                                             encoding="utf-8")
    (content / "posts" / "later.md").write_text(post("Scheduled twin", "2031-01-01 09:00",
                                                     Slug="trust-first"), encoding="utf-8")
    build = build_site(tmp_path / "site", content=content)
    assert build.returncode == 0, build.log
    log = re.sub(r"\s+", " ", build.log)
    assert f"{content}/posts/en.md:" not in log and f"{content}/posts/fr.md:" not in log
    assert (build.output / "posts/2026/trust-first/index.html").exists()
    assert (build.output / "trust-first-fr.html").exists()
    # a scheduled post is checked now, not on the day it would go out
    assert (f'{content}/posts/later.md:4: the slug "trust-first" is already used by '
            f"{content}/posts/en.md") in log


@pytest.mark.parametrize("newcomer", [{"Slug": "trust-notes"}, {}], ids=["same slug + tag page", "tag page"])
def test_a_shared_post_keeps_its_address_against_a_backdated_newcomer(tmp_path, newcomer):
    """The ledger says `trust-notes` went out; a new post dated earlier with the same slug and/or a
    tag spelled to take the shared post's tag page is the one skipped, so shared links keep working."""
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    (content / "posts" / "shared.md").write_text(
        post("Trust notes", "2026-05-01 10:00", Tags="Month end close"), encoding="utf-8")
    (content / "posts" / "newcomer.md").write_text(
        post("Newcomer", "2026-01-01 10:00", Tags="Month end close!", **newcomer),
        encoding="utf-8")
    shared = "sha256:" + hashlib.sha256((content / "posts" / "shared.md").read_bytes()).hexdigest()
    ledger = tmp_path / "ledger.jsonl"
    ledger.write_text('{"event": "posted", "post": "trust-notes", "channel": "mastodon", "key": "k", '
                      f'"hash": "{shared}", "remote_id": "1", "remote_url": "https://social.example/@a/1", '
                      '"at": "2026-05-01T10:05:00+00:00"}\n', encoding="utf-8")
    build = build_site(tmp_path / "site", content=content, settings={"SYNDICATION_LEDGER": str(ledger)})
    assert build.returncode == 0, build.log
    log = re.sub(r"\s+", " ", build.log)
    assert "posts/newcomer.md:" in log and f"{content}/posts/shared.md" in log
    assert "shared.md:" not in log.replace(f"{content}/posts/shared.md", "")
    page = build.output / "posts" / "2026" / "trust-notes" / "index.html"
    assert "Trust notes" in page.read_text(encoding="utf-8")
    assert "Newcomer" not in "".join(p.read_text(encoding="utf-8") for p in build.output.rglob("*.html"))


def test_pelicans_own_slugify_calls_share_post_contracts_memo():
    """install_slug_memo: Content and URLWrapper slugify through `memo_slugify`, which answers
    exactly what Pelican's slugify does (str subclasses and unhashable substitutions computed)."""
    from markupsafe import Markup
    from pelican import contents, urlwrappers
    from pelican.urlwrappers import Tag
    from pelican.utils import slugify

    from plugins.post_contract.names import _PELICAN_DEFAULT_SUBS, install_slug_memo, memo_slugify

    assert install_slug_memo()
    assert contents.slugify is memo_slugify and urlwrappers.slugify is memo_slugify
    subs = _PELICAN_DEFAULT_SUBS + cap_substitutions(LECTERN_SLUG_MAX)
    for value in ("Month-end Close", "Month-end Close", LONG_TAG, CJK_TITLE, EMOJI_TITLE, "R&amp;D <b>x</b>",
                  Markup("R&amp;D <b>x</b>"), "Ünïcode café"):
        for preserve_case, use_unicode in ((False, False), (True, False), (False, True)):
            for regex_subs in (subs, [list(sub) for sub in subs], ()):
                assert memo_slugify(value, regex_subs=regex_subs, preserve_case=preserve_case,
                                    use_unicode=use_unicode) == slugify(
                    value, regex_subs=regex_subs, preserve_case=preserve_case, use_unicode=use_unicode)
    settings = {"TAG_REGEX_SUBSTITUTIONS": subs, "SLUGIFY_PRESERVE_CASE": True}
    assert Tag("Month-end Close", settings).slug == slugify("Month-end Close", regex_subs=subs,
                                                            preserve_case=True)


def test_site_memos_answer_as_output_path():
    """collisions.Site keeps each taxonomy page's output_path and the last post's: same answers."""
    from plugins.post_contract.collisions import Site, _name_key, output_path

    site = Site({"DIRECT_TEMPLATES": []})
    patterns = ["tag/{slug}/index.html", "", "../{slug}.html", "/abs/{slug}", "{slug}"]
    slugs = ["money", "", "..", "a" * 300, "ünïcode", "a/../../b", "Money", "money"]
    for _ in range(2):  # the second round answers from the memo
        for pattern in patterns:
            for slug in slugs:
                plain = output_path(pattern.format(slug=slug)) if pattern else (slug, "")
                assert site._taxonomy_path(pattern, slug) == plain
    for save_as in ["posts/a/index.html", "posts/a/index.html", "../x", "posts/b/", "", "posts/a/index.html"]:
        assert site._output(save_as) == output_path(save_as)
    for name in ["Month-end  Close", "month-end close", "ΣΑΣ", "", " x "] * 2:
        assert site._name_key(name) == _name_key(name)
