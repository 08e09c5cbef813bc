"""Issue 9 acceptance: one corpus of hostile and messy posts through real builds and the real publish step.

The corpus is the sample site plus, for each class of issue 9 (points 1-5 and 13), several posts a
careless or hostile writer could produce: header values that look like markup, template code or
CDATA ends (1); invisible and control characters (2); slugs that leave their folder or collide,
huge titles, tags and authors (3); card images outside content/images/ or on other sites (4); code
names in every disguise and in every part of a post, a page and a footnote (5); an untouched
`make new` scaffold marked published (13). The ledger is damaged, and the Slack webhook echoes its
secret path back (8, 9).

Builds (shared by the module, each run once):

- ``dev``: everything, with ``pelicanconf`` (as ``make html``): every broken post gets its
  ``path:line[:col]`` message, the rest of the site is built;
- ``good``: the publishable part, with ``python -m publish.build`` (what ``make build-prod`` runs):
  the literal text on the pages and in the feeds, the publish step's preview (in its own process)
  and a live run against the fake networks on 127.0.0.1;
- ``bad``: everything, with ``python -m publish.build`` over the ``good`` output: it fails, names
  every problem, and leaves output/ and the manifest byte for byte as they were.

No byte of what a production build or the publish step leaves (output/, the manifest, preview/,
the ledger, the console, what the fake networks received) names a code name, searched in the
normalised form (plugins/brand_guard/fold.py) as well as raw.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import copy_content
from fakes.base import ECHO
from fakes.harness import (  # noqa: F401 - fixtures
    fakes,
    settings_for,
    tweepy_to_fake,
    write_conf,
)
from lxml import etree
from sitebuild import REPO, build_site, production_build

from plugins.brand_guard import fold
from publish.cli import main
from publish.text import plain_text

SITE = "https://insights.example.com"  # the fakes' harness site (the manifest guard compares it)
SITENAME = "Northwind Ledger — Insights"
CODE_NAMES = ("Project Bluefin", "Project Kestrel", "Tidewater")
PUBLIC = ("x", "linkedin", "mastodon", "bluesky")


def header(
    slug: str,
    title: str,
    day: int,
    extra: str = "",
    *,
    summary: str = "A note on trust with partners.",
    author: str = "Dana Whitfield",
    category: str = "Trust",
    tags: str = "trust",
) -> str:
    lines = [
        f"Title: {title}",
        f"Slug: {slug}",
        f"Date: 2026-02-{day:02d} 09:00",
        f"Author: {author}",
        f"Category: {category}",
        f"Tags: {tags}",
        f"Summary: {summary}",
    ]
    return "\n".join(lines) + "\n" + extra


BODY = "\nPartners trust a finance team that can explain its close.\n"

# ---------------------------------------------------------------- 1: metadata is text (publishable)
LONG_TITLE = ("Why the month-end close is a trust problem for controllers " * 5).strip()  # 299 characters
LONG_TAG = "reconciliation " * 20  # 300 characters
LONG_AUTHOR = "Dana " + "Whitfield-Oyelaran " * 26  # ~500 characters
TEXT = {
    # slug: (title as written, title shown, summary shown, social text shown per public channel)
    "hx-lt-gt": {
        "raw": header(
            "hx-lt-gt",
            "Partners closed in <5 days while others took >10 days",
            1,
            summary="Partners closed in <5 days while others took >10 days. Trust wins.",
        )
        + BODY,
        "title": "Partners closed in <5 days while others took >10 days",
        "summary": "Partners closed in <5 days while others took >10 days. Trust wins.",
        "social": dict.fromkeys(PUBLIC, "Partners closed in <5 days while others took >10 days. Trust wins."),
    },
    "hx-entities": {
        "raw": header(
            "hx-entities",
            "Trust &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; wins",
            2,
            "Social: R&amp;D &lt;b&gt;budgets&lt;/b&gt; </script><script>alert(2)</script>\n",
            summary="Trust &lt;b&gt;wins&lt;/b&gt; with partners",
        )
        + BODY,
        "title": "Trust </title><script>alert(1)</script> wins",
        "summary": "Trust <b>wins</b> with partners",
        "social": dict.fromkeys(PUBLIC, "R&D <b>budgets</b> </script><script>alert(2)</script>"),
    },
    "hx-template": {
        "raw": header(
            "hx-template",
            "Trust {{ 7*7 }} and {% raw %} ]]> <!-- not a comment --> wins",
            3,
            "Social_x: ]]> <![CDATA[ trust ]]> <!-- x -->\n"
            "Social_mastodon: Trust <5 days &amp; >10 {{ 7*7 }}\n"
            "Image: images/close-calendar.png\n"
            'Image_alt: A "calendar" <!-- x --> ]]> {{ 7*7 }}\n',
            author="Jo & <Co> {{ 7*7 }}",
            category="Ops ]]> <Risk>",
            tags="trust, {{ 7*7 }}, a&amp;b <c>",
        )
        + BODY,
        "title": "Trust {{ 7*7 }} and {% raw %} ]]> <!-- not a comment --> wins",
        "summary": "A note on trust with partners.",
        "social": {
            "x": "]]> <![CDATA[ trust ]]> <!-- x -->",
            "mastodon": "Trust <5 days & >10 {{ 7*7 }}",
            "linkedin": "A note on trust with partners.",
            "bluesky": "A note on trust with partners.",
        },
    },
    "hx-long": {
        "raw": header("hx-long-x", LONG_TITLE, 4, author=LONG_AUTHOR, tags=f"trust, {LONG_TAG}").replace(
            "Slug: hx-long-x\n", ""
        )
        + BODY,
        "title": LONG_TITLE,
        "summary": "A note on trust with partners.",
        "social": dict.fromkeys(PUBLIC, "A note on trust with partners."),
    },
}
#: Code names where a production build allows them: an internal post, a draft, a scheduled post.
#: The build passes; no byte of what it or the publish step leaves may name them.
PLANTED = {
    "pl-internal": header("pl-internal", "Roadmap for the team: Project Bluefin", 6,
                          "Audience: internal\nSocial: Project **Kestrel** ships next\n",
                          summary="Tide&#119;ater and Project Blue\u00adfin, for the team only.")
    + "\nThe team ships Project Bluefin with Tidewater next quarter.\n",
    "pl-draft": header("pl-draft", "Draft: Tidewater", 7, "Status: draft\n") + "\nProject Kestrel draft.\n",
    "pl-scheduled": header("pl-scheduled", "Outlook: Project Kestrel", 8).replace("2026-02-08", "2031-01-08")
    + "\nTide<b>water</b> in 2031.\n",
}
PREFIX = {"hx-long": "why-the-month-end-close"}  # no Slug: the address comes from the title
TEMPLATE_NAMES = {
    "author": "Jo & <Co> {{ 7*7 }}",
    "category": "Ops ]]> <Risk>",
    "tags": ["trust", "{{ 7*7 }}", "a&b <c>"],
    "image_alt": 'A "calendar" <!-- x --> ]]> {{ 7*7 }}',
}

# ---------------------------------------------------------------- broken posts: (file, source, messages)
# Each message is the exact `path:line[:col]: …` start the writer sees (path relative to content/).
BROKEN: dict[str, tuple[str, list[str]]] = {}


def broken(name: str, source: str, *messages: str) -> None:
    BROKEN[name] = (source, list(messages))


# 2: invisible and control characters (dev: built without them; production: errors)
broken(
    "inv-vt",
    header("inv-vt", "Trust\x0bwins", 10) + BODY,
    "posts/inv-vt.md:1:13: invisible character U+000B (LINE TABULATION) — delete it",
)
broken(
    "inv-nel-ff",
    header("inv-nel-ff", "Next line", 11, summary="Trust\x85wins") + "\nA page\x0cbreak.\n",
    "posts/inv-nel-ff.md:7:15: invisible character U+0085 (NEXT LINE) — delete it",
    "posts/inv-nel-ff.md:9:7: invisible character U+000C (FORM FEED) — delete it",
)
broken(
    "inv-seps",
    header("inv-seps", "Separators", 12, tags="trust, mid\ufeffbom") + "\nLine\u2028sep and para\u2029sep.\n",
    "posts/inv-seps.md:6:17: invisible character U+FEFF (BYTE ORDER MARK) in the middle of the file "
    "— delete it",
    "posts/inv-seps.md:9:5: invisible character U+2028 (LINE SEPARATOR) — delete it",
    "posts/inv-seps.md:9:18: invisible character U+2029 (PARAGRAPH SEPARATOR) — delete it",
)
broken(
    "inv-nul",
    header("inv-nul", "Null byte", 13) + "\nA null\x00byte and an escape\x1b[31m.\n",
    "posts/inv-nul.md:9:7: invisible character U+0000 (NULL) — delete it",
    "posts/inv-nul.md:9:26: invisible character U+001B (ESCAPE) — delete it",
)
broken(
    "inv-surrogate",
    header("inv-surrogate", "Escaped &#xD83D; half", 14, summary="Trust \\ud83d half") + BODY,
    "posts/inv-surrogate.md:1:16: character reference &#xD83D; is half of an emoji "
    "(a lone surrogate, U+D83D)",
    'posts/inv-surrogate.md:7:16: "\\ud83d" is half of an escaped emoji (a lone surrogate)',
)

# 3: names and URLs (the post is skipped; the other file keeps its address)
broken(
    "nm-traversal",
    header("nm-traversal", "Traversal", 15).replace("Slug: nm-traversal", "Slug: ../..") + BODY,
    'posts/nm-traversal.md:2: Slug "../.."',
)
broken(
    "nm-taken",
    header("referrals-are-the-best-signal-we-have", "Taken", 16).replace("2026-02-16", "2026-09-16") + BODY,
    "posts/nm-taken.md:2: this post's address posts/2026/referrals-are-the-best-signal-we-have/ is "
    "already taken by posts/2026-05-20-referrals-are-the-best-signal.md",
)
broken(
    "nm-tag-twin",
    header("nm-tag-twin", "Tag twin", 17, tags="trust, Month end close!").replace("2026-02-17", "2026-11-20")
    + BODY,
    'posts/nm-tag-twin.md:6: the tag "Month end close!" gets the same address (tag/month-end-close/) as '
    'the tag "month-end close" in posts/2026-03-04-the-five-day-close-is-a-trust-problem.md',
)
broken(
    "nm-long-slug",
    header("nm-long-slug", "Long slug", 18).replace("Slug: nm-long-slug", "Slug: " + "a" * 81) + BODY,
    "posts/nm-long-slug.md:2: Slug",
)

broken(
    "nm-invisible-slug",
    header("nm-invisible-slug", "Invisible slug", 20).replace(
        "Slug: nm-invisible-slug", "Slug: close\u200bnotes"
    )
    + BODY,
    'posts/nm-invisible-slug.md:2: Slug "close\\u200bnotes" contains "\\u200b" (zero width space), which '
    "does not belong in a web address",
)
broken(
    "nm-capitals",
    header("Referrals-Are-The-Best-Signal-We-Have", "Capitals", 21).replace("2026-02-21", "2026-09-17")
    + BODY,
    "posts/nm-capitals.md:2: this post's address posts/2026/Referrals-Are-The-Best-Signal-We-Have/ is "
    "already taken by posts/2026-05-20-referrals-are-the-best-signal.md (as "
    "posts/2026/referrals-are-the-best-signal-we-have/: addresses that differ only in capitals are one "
    "folder on macOS and Windows)",
)
broken(
    "nm-soft-tag",
    header("nm-soft-tag", "Soft tag", 19, tags="tr\u00adust").replace("2026-02-19", "2026-11-21") + BODY,
    'posts/nm-soft-tag.md:6: the tag "tr\\u00adust" gets the same address (tag/trust/) as the tag "trust" '
    "in posts/",
)

# 4: images (dev: built without a card; production: errors); nothing outside content/ is read
broken(
    "im-passwd",
    header("im-passwd", "Image passwd", 19, "Image: ../../../../etc/passwd\n") + BODY,
    'posts/im-passwd.md:8: Image "../../../../etc/passwd" points outside content/images/',
)
broken(
    "im-encoded",
    header("im-encoded", "Image encoded", 20, "Image: images/%2e%2e/%2e%2e/pelicanconf.py\n") + BODY,
    'posts/im-encoded.md:8: Image "images/%2e%2e/%2e%2e/pelicanconf.py"',
)
broken(
    "im-backslash",
    header("im-backslash", "Image backslash", 21, "Image: images\\..\\..\\pelicanconf.py\n") + BODY,
    'posts/im-backslash.md:8: Image "images\\..\\..\\pelicanconf.py" points outside content/images/',
)
broken(
    "im-dotdot",
    header("im-dotdot", "Image dotdot", 22, "Image: images/../../pelicanconf.py\n") + BODY,
    'posts/im-dotdot.md:8: Image "images/../../pelicanconf.py" points outside content/images/',
)
broken(
    "im-absolute",
    header("im-absolute", "Image absolute", 23, "Image: /etc/hostname\n") + BODY,
    'posts/im-absolute.md:8: Image "/etc/hostname" is an absolute path',
)
broken(
    "im-external",
    header("im-external", "Image external", 24, "Image: https://cdn.example.net/x.png\n") + BODY,
    'posts/im-external.md:8: Image "https://cdn.example.net/x.png" is on another site',
)
broken(
    "im-scheme-less",
    header("im-scheme-less", "Image scheme-less", 25, "Image: //cdn.example.net/y.png\n") + BODY,
    'posts/im-scheme-less.md:8: Image "//cdn.example.net/y.png" is on another site',
)
broken(
    "im-symlink",
    header("im-symlink", "Image symlink", 26, "Image: images/hostname.png\n") + BODY,
    'posts/im-symlink.md:8: Image "images/hostname.png" is a link to a file outside content/images/',
)

# 5: code names in disguise, in every part of a post (body, header fields, footnote, link title,
# image alt, comment) and in a page. (file, source, "path:line:col" of the finding)
LEAKS: dict[str, tuple[str, str]] = {
    "cn-bold": ("We are proud of Project **Bluefin** and our partners.", "9:17"),
    "cn-span": ("Blue<span>fin</span> is what Project Blue<span>fin</span> means.", "9:30"),
    "cn-entity": ("Tide&#119;ater and Tide&#x77;ater are near.", "9:1"),
    "cn-soft-hyphen": ("Tide\u00adwater is near.", "9:1"),
    "cn-zero-width": ("Project Blue\u200bfin is near.", "9:1"),
    "cn-cyrillic": ("Project Bluеfin is near.", "9:1"),
    "cn-fullwidth": ("Ｔｉｄｅｗａｔｅｒ is near.", "9:1"),
    "cn-split-emphasis": ("We are shipping *Project\nBlue*fin next quarter.", "9:18"),
    "cn-link-title": ('See [the plan](https://example.com/plan "Project Kestrel") with partners.', "9:42"),
    "cn-image-alt": ("![Project Kestrel roadmap](images/close-calendar.png)", "9:3"),
    "cn-footnote": ("Trust wins.[^1]\n\n[^1]: Internally known as Tide*water*.", "11:27"),
    "cn-comment": ("Trust wins. <!-- Tidewater launch -->", "9:18"),
    "cn-url-escape": ("See [the plan](https://example.com/Tide%77ater) now.", "9:36"),
    "cn-combining": ("Tide\u0301water is near.", "9:1"),
    "cn-wbr": ("Tide<wbr>water is near.", "9:1"),
    "cn-escaped": ("Tide\\_water and Project\\_Bluefin are near.", "9:1"),
    "cn-hidden": ('Tide<span style="display:none">zq</span>water Blue<b hidden>x</b>fin', "9:1"),
    "cn-ruby": ("Tide<ruby>w<rp>(</rp><rt>double-u</rt></ruby>ater is near.", "9:1"),
    "cn-link-split": ("Tide[water](https://example.com/) is near.", "9:1"),
}
LEAK_HEADERS: dict[str, tuple[str, str]] = {  # a code name in a header field
    "cn-tags": (header("cn-tags", "Tags", 1, tags="trust, Tide&#x200B;water") + BODY, "6:14"),
    "cn-social-x": (
        header("cn-social-x", "Social", 1, "Social_x: News on Project Kes\u00adtrel\n") + BODY,
        "8:19",
    ),
    "cn-image-alt-meta": (
        header(
            "cn-image-alt-meta",
            "Alt",
            1,
            "Image: images/close-calendar.png\nImage_alt: The Tid\u0435water dock\n",
        )
        + BODY,
        "9:16",
    ),
    "cn-slug": (header("tidewater-notes", "Slug", 1) + BODY, "2:7"),
    "cn-author": (header("cn-author", "Author", 1, author="The Project Blue\u2060fin team") + BODY, "4:13"),
}
#: The About page's metadata and a new page's body.
LEAK_PAGES = {
    "roadmap": (
        "Title: Roadmap\nSlug: roadmap\nSummary: What comes next.\n\nThis page is about Pro&shy;ject "
        "Kestrel.\n",
        "5:20",
    ),
}
ABOUT_LEAK = (
    "Summary: Who we are and why this blog exists.",
    "Summary: Who we are (not Tide\u200dwater).",
    "3:26",
)

# ---------------------------------------------------------------- building the corpus


def write_good(content: Path) -> None:
    for slug, case in TEXT.items():
        (content / "posts" / f"{slug}.md").write_text(case["raw"], encoding="utf-8")
    for name, source in PLANTED.items():
        (content / "posts" / f"{name}.md").write_text(source, encoding="utf-8")


def write_all(content: Path) -> None:
    write_leaks(content)
    for name, (source, _) in BROKEN.items():
        (content / "posts" / f"{name}.md").write_text(source, encoding="utf-8")
    (content / "images" / "hostname.png").symlink_to("/etc/hostname")
    scaffold = subprocess.run(
        [
            sys.executable,
            "-m",
            "plugins.post_contract.new",
            "--title",
            "Untouched scaffold",
            "--author",
            "Dana Whitfield",
            "--content",
            str(content),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    (made,) = [p for p in (content / "posts").glob("*untouched-scaffold*.md")]
    text = made.read_text(encoding="utf-8")
    assert "Status: draft\n" in text, scaffold.stdout
    made.write_text(text.replace("Status: draft\n", "Status: published\n"), encoding="utf-8")


def write_leaks(content: Path) -> None:
    write_good(content)
    for name, (body, _) in LEAKS.items():
        (content / "posts" / f"{name}.md").write_text(
            header(name, name, 5, "\n\n")[:-1] + body + "\n", encoding="utf-8"
        )
    for name, (source, _) in LEAK_HEADERS.items():
        (content / "posts" / f"{name}.md").write_text(source, encoding="utf-8")
    for name, (source, _) in LEAK_PAGES.items():
        (content / "pages" / f"{name}.md").write_text(source, encoding="utf-8")
    about = content / "pages" / "about.md"
    about.write_text(about.read_text(encoding="utf-8").replace(*ABOUT_LEAK[:2]), encoding="utf-8")


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    return {
        str(p.relative_to(root)): (
            hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir",
            p.stat().st_mtime_ns,
        )
        for p in [root, *root.rglob("*")]
    }


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.fixture(scope="module")
def dev(work):
    content = copy_content(work / "dev" / "content")
    write_all(content)
    build = build_site(work / "dev", content=content, env={"COLUMNS": "4000"})
    assert build.returncode == 0, build.log
    return build


@pytest.fixture(scope="module")
def good(work):
    """The publishable corpus built by `make build-prod`'s command; then (bad) the whole corpus over it."""
    settings = settings_for(work, SYNDICATION_MAX_PER_RUN=100)
    conf = write_conf(work, settings)
    content = copy_content(work / "good-content")
    write_good(content)
    done = production_build(content, Path(settings["OUTPUT_PATH"]), conf, columns="4000")
    assert done.returncode == 0, done.stdout + done.stderr
    return settings, conf, done


def failed_build(work: Path, good, name: str, write) -> tuple:
    """A corpus built by `make build-prod`'s command into the good build's output/ (its own build
    folder, holding a copy of the good manifest: a failed build must not leave it behind)."""
    settings, _, _ = good
    output = Path(settings["OUTPUT_PATH"])
    build_dir = work / f"{name}-build"
    over = {
        "LECTERN_BUILD_DIR": str(build_dir),
        "SYNDICATION_MANIFEST": str(build_dir / "manifest.json"),
        "CACHE_PATH": str(work / f"{name}-cache"),
    }
    build_dir.mkdir()
    (build_dir / "manifest.json").write_bytes(Path(settings["SYNDICATION_MANIFEST"]).read_bytes())
    (work / f"{name}-conf").mkdir()
    conf = write_conf(work / f"{name}-conf", {**settings, **over})
    content = copy_content(work / f"{name}-content")
    write(content)
    before = snapshot(output)
    done = production_build(content, output, conf, columns="4000")
    return done, before, snapshot(output), content, build_dir


@pytest.fixture(scope="module")
def bad(work, good):
    """Everything: the build stops at the broken posts."""
    return failed_build(work, good, "bad", write_all)


@pytest.fixture(scope="module")
def leaky(work, good):
    """The good corpus plus the code names only: the build stops at the brand guard."""
    return failed_build(work, good, "leaky", write_leaks)


def one_line_log(text: str) -> str:
    return re.sub(r"[ \t]*\n[ \t]*", "\n", text)


# ---------------------------------------------------------------- reading what came out
SQUASHED = [re.sub(r"[^a-z0-9]", "", name.lower()) for name in CODE_NAMES]


def code_names_in(text: str) -> list[str]:
    """Code names in `text`, raw or in any disguise the brand guard folds (then spaces, hyphens,
    underscores and case ignored, as in slugs: `project-bluefin`, `PROJECT_BLUEFIN`)."""
    found = set()
    for view in (text, fold.quick(text)):
        squashed = re.sub(r"[^a-z0-9]", "", view.lower())
        found |= {name for name, plain in zip(CODE_NAMES, SQUASHED, strict=True) if plain in squashed}
    return sorted(found)


def leaks_under(*roots: Path) -> dict[str, list[str]]:
    found = {}
    for root in roots:
        files = (
            [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
        )
        for path in files:
            if names := code_names_in(path.read_bytes().decode("utf-8", errors="replace")):
                found[str(path)] = names
    return found


def page(output: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((output / rel / "index.html").read_text(encoding="utf-8"), "html.parser")


def meta(soup: BeautifulSoup, key: str) -> list[str]:
    return [
        t["content"]
        for t in soup.find_all("meta", attrs={"property": key}) + soup.find_all("meta", attrs={"name": key})
    ]


def json_ld(soup: BeautifulSoup) -> dict:
    (script,) = soup.find_all("script", type="application/ld+json")
    assert "</" not in script.string
    return json.loads(script.string)


def slug_dir(output: Path, slug_start: str) -> str:
    (found,) = [p for p in (output / "posts" / "2026").iterdir() if p.name.startswith(slug_start)]
    return f"posts/2026/{found.name}"


def messages(log: str, content: Path) -> str:
    return one_line_log(log).replace(f"{content}/", "")


# ---------------------------------------------------------------- dev build (make html)
def test_dev_build_reports_every_broken_post_with_its_place_and_builds_the_rest(dev):
    log = messages(dev.log, dev.output.parent / "content")
    for name, (_, expected) in BROKEN.items():
        for message in expected:
            assert message in log, (name, message)
    assert 'posts/2026-12-02-untouched-scaffold.md:6: "One or two sentences' in log or re.search(
        r"posts/\d{4}-\d\d-\d\d-untouched-scaffold\.md:6: \"One or two sentences", log
    )
    for name, (_, where) in {**LEAKS, **LEAK_HEADERS}.items():
        if name in KNOWN_MISSES:
            continue
        assert f"posts/{name}.md:{where} error confidential" in log, name
    assert f"pages/roadmap.md:{LEAK_PAGES['roadmap'][1]} error confidential" in log
    assert f"pages/about.md:{ABOUT_LEAK[2]} error confidential" in log
    assert "Traceback" not in dev.log and "File name too long" not in dev.log
    # the rest of the site: every sample post, the hostile-text posts, the posts built without a
    # bad character or card image; the posts with a broken address are skipped
    built = {p.name for p in (dev.output / "posts" / "2026").iterdir()}
    assert {
        "referrals-are-the-best-signal-we-have",
        "hx-lt-gt",
        "hx-entities",
        "hx-template",
        "inv-vt",
        "inv-nul",
        "im-passwd",
        "im-external",
    } <= built
    assert not {"nm-traversal", "nm-tag-twin", "nm-long-slug", "nm-soft-tag", "nm-invisible-slug"} & built
    assert "Referrals-Are-The-Best-Signal-We-Have" not in built
    assert len(built) >= 7 + len(TEXT) + 12
    assert page(dev.output, "posts/2026/inv-vt").h1.get_text() == "Trust wins"


def test_invisible_characters_never_reach_a_dev_output_and_every_xml_file_parses(dev):
    bad = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
    xml = 0
    for path in dev.output.rglob("*"):
        if path.suffix in (".html", ".xml", ".json", ".txt"):
            text = path.read_text(encoding="utf-8")
            assert not bad.search(text), path
        if path.suffix == ".xml":
            etree.parse(str(path))
            xml += 1
    assert xml > 20
    for name in ("all.atom.xml", "all.rss.xml"):
        assert feedparser.parse((dev.output / "feeds" / name).read_bytes()).bozo == 0


def test_no_card_image_is_read_from_outside_content_or_loaded_from_another_site(dev):
    sizes = {str(Path(p).stat().st_size) for p in ("/etc/passwd", "/etc/hostname", REPO / "pelicanconf.py")}
    for name in [n for n in BROKEN if n.startswith("im-")]:
        soup = page(dev.output, f"posts/2026/{name}")
        assert [url.rsplit("/", 1)[-1] for url in meta(soup, "og:image")] == ["default-card.png"], name
        assert soup.select(".hero img") == [], name
    for path in dev.output.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml"):
            text = path.read_text(encoding="utf-8")
            assert (
                "cdn.example.net" not in text and "etc/passwd" not in text and "hostname.png" not in text
            ), path
    for name in ("all.rss.xml", "all.atom.xml"):
        feed = feedparser.parse((dev.output / "feeds" / name).read_bytes())
        lengths = {
            link.get("length")
            for e in feed.entries
            for link in e.get("links", [])
            if link.get("rel") == "enclosure"
        }
        assert not lengths & sizes


# ---------------------------------------------------------------- production build (make build-prod)
def test_production_pages_and_feeds_show_hostile_header_values_as_written(good):
    settings, _, done = good
    output = Path(settings["OUTPUT_PATH"])
    for slug, case in TEXT.items():
        soup = page(output, slug_dir(output, PREFIX.get(slug, slug)))
        assert soup.title.string == f"{case['title']} — {SITENAME}", slug
        assert soup.h1.get_text() == case["title"], slug
        assert meta(soup, "og:title") == meta(soup, "twitter:title") == [case["title"]]
        assert meta(soup, "og:description") == [case["summary"]]
        assert json_ld(soup)["headline"] == case["title"]
        assert all(s.get("type") == "application/ld+json" for s in soup.find_all("script"))
    soup = page(output, "posts/2026/hx-template")
    assert meta(soup, "author") == [TEMPLATE_NAMES["author"]] == [json_ld(soup)["author"]["name"]]
    assert meta(soup, "article:section") == [TEMPLATE_NAMES["category"]]
    assert [a.get_text() for a in soup.select(".tags a")] == TEMPLATE_NAMES["tags"]
    assert soup.select_one(".hero img")["alt"] == TEMPLATE_NAMES["image_alt"] == meta(soup, "og:image:alt")[0]
    assert "49" not in soup.h1.get_text()  # {{ 7*7 }} is text, never evaluated
    entries = {}
    for name in ("all.atom.xml", "all.rss.xml"):
        feed = feedparser.parse((output / "feeds" / name).read_bytes())
        assert feed.bozo == 0, feed.get("bozo_exception")
        entries = {e.link.rstrip("/").rsplit("/", 1)[-1]: e for e in feed.entries}
        for slug, case in TEXT.items():
            entry = next(e for key, e in entries.items() if key.startswith(PREFIX.get(slug, slug)))
            assert entry.title == case["title"], (name, slug)
            assert plain_text(entry.summary) == case["summary"], (name, slug)
    # names and URLs: a 299-character title, a 300-character tag and a 500-character author get
    # addresses of at most 80 characters, cut at a hyphen; the page still shows them in full
    long_dir = slug_dir(output, "why-the-month-end-close")
    assert len(long_dir.rsplit("/", 1)[-1]) <= 80 and not long_dir.endswith("-")
    assert "why-the-month-end-close-is-a-trust-problem-for-controllers" in long_dir
    soup = page(output, long_dir)
    assert soup.select_one(".byline .p-name").get_text() == LONG_AUTHOR.strip()
    assert LONG_TAG.strip() in [a.get_text() for a in soup.select(".tags a")]
    for folder in ("author", "tag"):
        assert all(len(p.name) <= 80 for p in (output / folder).iterdir())
    assert "warning" not in done.stderr.lower().replace("warning readability", "").replace("warning hype", "")


#: Disguises the source check does not see yet (README "confidential"; the last gate still stops
#: a production build that would publish them).
KNOWN_MISSES: set[str] = set()


def test_failed_production_build_names_every_problem_and_leaves_output_byte_for_byte(bad):
    done, before, after, content, build_dir = bad
    log = messages(done.stdout + done.stderr, content)
    assert done.returncode != 0
    assert after == before  # every file's bytes and mtime, every folder
    assert not list(build_dir.parent.glob("output.staging-*"))
    assert not list(build_dir.parent.glob("output.trash-*"))
    assert "was left as it was" in log and "Traceback" not in log
    for name, (_, expected) in BROKEN.items():
        for message in expected:
            if "invisible" in message or "Image" in message or "placeholder" in message or "nm-" in name:
                assert message in log, (name, message)
    assert re.search(r'posts/\d{4}-\d\d-\d\d-untouched-scaffold\.md:6: "One or two sentences', log)
    assert not (build_dir / "manifest.json").exists()  # no stale manifest for `python -m publish`


def test_production_build_with_code_names_stops_names_each_and_leaves_output_byte_for_byte(leaky):
    done, before, after, content, build_dir = leaky
    log = messages(done.stdout + done.stderr, content)
    assert done.returncode != 0 and after == before
    assert "was left as it was" in log and "Traceback" not in log
    for name, (_, where) in {**LEAKS, **LEAK_HEADERS}.items():
        assert f"posts/{name}.md:{where} error confidential" in log, name
    assert f"pages/roadmap.md:{LEAK_PAGES['roadmap'][1]} error confidential" in log
    assert f"pages/about.md:{ABOUT_LEAK[2]} error confidential" in log
    assert not (build_dir / "manifest.json").exists()
    assert not list(build_dir.parent.glob("output.staging-*"))


# ---------------------------------------------------------------- the publish step
def expected_texts() -> dict[tuple[str, str], str]:
    return {
        (slug, channel): text
        for slug, case in TEXT.items()
        for channel, text in case["social"].items()
        if slug != "hx-long"
    }


def test_preview_in_its_own_process_composes_each_text_as_written_and_names_no_code_name(good):
    settings, conf, _ = good
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("X_", "LINKEDIN_", "MASTODON_", "BLUESKY_", "SLACK_", "TEAMS_"))
    }
    done = subprocess.run(
        [sys.executable, "-m", "publish", "--settings", str(conf), "--preview-only"],
        cwd=REPO,
        env={**clean, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    preview = Path(settings["SYNDICATION_PREVIEW_DIR"])
    rows = json.loads((preview / "plan.json").read_text(encoding="utf-8"))
    texts = {(row["post"], row["channel"]): row["text"] for row in rows}
    for (slug, channel), text in expected_texts().items():
        assert texts[(slug, channel)] == text or texts[(slug, channel)].startswith(text + " "), (
            slug,
            channel,
            texts[(slug, channel)],
        )
    soup = BeautifulSoup((preview / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.find_all("script") == []
    assert "</script><script>alert(2)</script>" in soup.get_text()
    assert code_names_in(done.stdout + done.stderr) == []
    assert leaks_under(preview, Path(settings["OUTPUT_PATH"])) == {}
    # the manifest (build/, never deployed or printed) carries the internal post for Slack/Teams;
    # nothing else that the build did not publish
    assert list(leaks_under(Path(settings["SYNDICATION_MANIFEST"]))) == [settings["SYNDICATION_MANIFEST"]]
    manifest = json.loads(Path(settings["SYNDICATION_MANIFEST"]).read_text(encoding="utf-8"))
    slugs = {p["slug"] for p in manifest["posts"]}
    assert "pl-internal" in slugs and not {"pl-draft", "pl-scheduled"} & slugs
    assert all(code_names_in(json.dumps(p)) == [] for p in manifest["posts"] if p["slug"] != "pl-internal")
    held = [row for row in rows if row["post"] == "pl-internal"]
    assert {row["status"] for row in held} == {"held"}
    assert {row["channel"] for row in held} == {"slack", "teams"}


#: Damaged ledger lines (a merge, a hand edit, an editor): each is reported and skipped, and the
#: (post, channel) it may be about is held as needs attention, never re-sent.
DAMAGE = [
    (b'{"event": "posted", "post": ["hx-lt-gt"], "channel": "x"}', "`post` is a list, expected text"),
    (
        b'{"event": "posted", "post": "hx-entities", "channel": "mastodon", "time": "\\xff\\xfe"}'.replace(
            b"\\xff\\xfe", b"\xff\xfe"
        ),
        "byte 0xFF at column",
    ),
    (b'{"event": "pending", "post": "hx-template", "channel": "bluesky", "time": NaN}', "`time` is a number"),
    (
        b'{"event": "posted", "post": "hx-lt-gt", "channel": "linkedin", "remote_id": 1e999}',
        "`remote_id` is a",
    ),
    (b'{"event": "posted", "post": "hx-template", "channel": "linkedin"}\x00', "invalid JSON"),
    (
        b'{"event": "posted", "post": {"hx-entities": {"a": [[[["x"]]]]}}, "channel": "x"}',
        "`post` is an object",
    ),
]
#: Readable lines in the same file: a record written with Windows line ends counts as done.
CRLF_DONE = (
    b'{"event": "posted", "post": "hx-entities", "channel": "linkedin", "time": "2026-11-01T10:00:00+00:00",'
    b' "remote_id": "1", "remote_url": "https://www.linkedin.com/feed/update/urn:li:share:1"}\r\n'
)
#: A pending record dated far in the future (a clock or a hand edit): its request cannot be in
#: flight for centuries; the pair needs attention instead of waiting for ever.
FUTURE_PENDING = (
    b'{"event": "pending", "post": "hx-lt-gt", "channel": "mastodon", "key": "k1", '
    b'"time": "9999-12-31T23:59:59+00:00"}'
)
HELD = {
    ("hx-lt-gt", "mastodon"),
    ("hx-lt-gt", "x"),
    ("hx-entities", "mastodon"),
    ("hx-template", "bluesky"),
    ("hx-lt-gt", "linkedin"),
    ("hx-template", "linkedin"),
    ("hx-entities", "x"),
    ("hx-entities", "linkedin"),
}


def received(fakes) -> dict[str, list[tuple[str, str]]]:  # noqa: F811
    """(text, the whole record) each fake network stored: the record holds the link (with its slug)."""
    from publish.compose import unescape_little

    return {
        "x": [(t["text"], json.dumps(t)) for t in fakes.x.tweets],
        "mastodon": [
            (s["content"][3:-4].replace("&amp;", "&"), json.dumps(s)) for s in fakes.mastodon.statuses
        ],
        "bluesky": [(r["value"]["text"], json.dumps(r)) for r in fakes.bluesky.records],
        "linkedin": [(unescape_little(p["commentary"]), json.dumps(p)) for p in fakes.linkedin.posts],
    }


def test_live_run_sends_each_text_as_written_holds_damaged_pairs_and_leaks_no_secret(
    work,
    good,
    fakes,  # noqa: F811
    tweepy_to_fake,  # noqa: F811
    capsys,
):
    settings, _, _ = good
    ledger = Path(settings["SYNDICATION_LEDGER"])
    ledger.parent.mkdir(parents=True, exist_ok=True)
    ledger.write_bytes(
        b"\xef\xbb\xbf" + CRLF_DONE + b"\n".join(line for line, _ in DAMAGE) + b"\n" + FUTURE_PENDING + b"\n"
    )
    (work / "live").mkdir()
    live = {
        **settings,
        "LINKEDIN_API_BASE": fakes.linkedin.url + "/rest",
        "BLUESKY_API_BASE": fakes.bluesky.url,
    }
    conf = write_conf(work / "live", live)
    fakes.slack.fail_next(ECHO)  # the internal post's webhook answers 400 and repeats its secret path
    status = main(["--settings", str(conf)], env=fakes.env())
    out, err = capsys.readouterr()
    console = out + err
    assert status == 1, console  # Slack failed; every other channel went on
    assert "Traceback" not in console
    for number, (_, why) in enumerate(DAMAGE, start=2):
        assert re.search(rf"syndication\.jsonl:{number}: [^\n]*{re.escape(why)}", console), (number, why)
    assert re.search(r"→ slack: failed: Slack: HTTP 400 .*\*\*\*", console)  # it did echo its secret path
    assert "syndication.jsonl:1:" not in console  # a byte order mark is not damage; the CRLF record is done
    assert "hx-lt-gt → mastodon: needs attention (pending record dated in the future)" in console
    sent = received(fakes)
    for (slug, channel), text in expected_texts().items():
        hits = [
            t
            for t, record in sent[channel]
            if f"/{slug}/" in record and (t == text or t.startswith(text + " "))
        ]
        if (slug, channel) in HELD:
            assert hits == [], (slug, channel)
        else:
            assert len(hits) == 1, (slug, channel, sent[channel])
    for channel, texts in sent.items():
        assert len(texts) == len({t for t, _ in texts}), channel  # nothing twice
    raw = ledger.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + CRLF_DONE)
    assert b"hx-entities" in raw and raw.count(b'"post": "hx-entities", "channel": "linkedin"') == 1
    places = {
        "console": console,
        "ledger": raw.decode("utf-8", errors="replace"),
        **{
            str(p): p.read_bytes().decode("utf-8", errors="replace")  # preview/images/ holds card copies
            for p in Path(settings["SYNDICATION_PREVIEW_DIR"]).rglob("*") if p.is_file()
        },
    }
    for secret in fakes.secrets():
        for where, text in places.items():
            assert secret not in text, (secret, where)
    assert all(code_names_in(text) == [] for text in places.values())
    assert fakes.errors() == []


def test_secrets_a_server_echoes_in_base64_are_masked(fakes):  # noqa: F811
    """A careless server repeats an `Authorization: Basic …` header or a base64 body: the secret's
    bytes are masked at any alignment inside the blob, in both base64 alphabets."""
    import base64

    from publish.redact import Redactor

    redact = Redactor(fakes.env())
    for secret in fakes.secrets():
        for before, after in ((b"", b""), (b"user:", b""), (b"x", b"!"), (b'{"t": "', b'"}')):
            for encode in (base64.b64encode, base64.urlsafe_b64encode):
                blob = encode(before + secret.encode() + after).decode()
                shown = redact(f"HTTP 401: bad credentials Basic {blob}")
                assert "***" in shown and blob not in shown, (secret, before, shown)
                rest = shown.split("Basic ", 1)[1].split("***")
                assert all(len(piece) <= len(encode(before + after)) + 4 for piece in rest), shown
    text = "Basic dXNlcjpwYXNzd29yZA== and the invoice from 2016 for services"
    assert redact(text) == text
