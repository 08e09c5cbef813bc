"""build/brand-report.html from a real dev build: worst post first, findings quoted in context and
escaped, links that open the file at the place, status labels (scheduled is not draft), plurals,
bands in words; then in headless Chromium (test_browser.py's harness): axe-core finds no serious
or critical violation, and a screenshot (tests/artifacts/brand-report.png) shows the worst post in
the first row."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import copy_content
from sitebuild import build_site
from test_browser import (
    ARTIFACTS,
    AXE,
    CHROMIUM,
    LAUNCH_ARGS,
    open_page,
    require,
    serious_axe_violations,
    serve_folder,
)

from plugins.brand_guard.html_report import editor_link, plural, worst_first

WORST = "Numbers for the quarter, early"
HOSTILE_TITLE = ("<script>alert('x')</script> Zero\u200bwidth & \u202eevil " + "long " * 100).strip()
SCHEDULED = "posts/2030-01-15-our-2030-outlook.md"
DRAFT = "posts/2026-11-18-draft-ai-in-the-close.md"
INTERNAL = "posts/2026-08-01-q3-all-hands-notes.md"


def write(path: Path, title: str, body: str, date: str = "2026-09-01 09:00") -> None:
    path.write_text(f"Title: {title}\nDate: {date}\nCategory: Notes\nSummary: A short note.\n\n{body}\n",
                    encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("brand-report")
    content = copy_content(tmp / "content")
    posts = content / "posts"
    # The worst post: one error (a code name) and hype warnings.
    write(posts / "worst.md", WORST,
          "Our revolutionary <b>Tidewater</b> close is amazing!! Buy now. "
          "The controllers of three partner firms reconciled every ledger line in four days.")
    # Hostile: markup, a zero-width space, a bidi override and 500 characters in the title.
    write(posts / "hostile.md", HOSTILE_TITLE,
          "Partner trust grew. We love synergy\u200b here <i>&lt;b&gt;</i>.")
    build = build_site(tmp, content=content)
    assert build.returncode == 0, build.log[-3000:]
    page = build.build_dir / "brand-report.html"
    return build, page, BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def rows(soup):
    return soup.select("table")[0].select("tbody tr")


def test_worst_post_is_first_and_rows_are_worst_first(built):
    _, _, soup = built
    first = rows(soup)[0]
    assert first.th.a.get_text() == WORST
    counts = [(int(r.select("td.n")[0].get_text()), int(r.select("td.n")[1].get_text()),
               int(r.select("td")[4].get_text().split()[0])) for r in rows(soup)]
    assert counts == sorted(counts, key=lambda c: (-c[0], -c[1], c[2]))
    # the details follow the same order
    assert [s.h2["id"] for s in soup.select("section")] == [r.th.a["href"][1:] for r in rows(soup)]


def test_status_labels_are_draft_scheduled_internal_published(built):
    _, _, soup = built
    label = {r.select_one("th .muted").get_text().split("/content/", 1)[1]: r.select("td")[0].get_text()
             for r in rows(soup)}
    assert label[SCHEDULED] == "scheduled"
    assert label[DRAFT] == "draft"
    assert label[INTERNAL] == "internal"
    assert label["posts/worst.md"] == "published"


def test_plurals_and_band_labels_in_words(built):
    _, page, soup = built
    summary = soup.select("p.muted")[0].get_text()
    assert re.search(r"\b1 error\b", summary) and "1 errors" not in page.read_text(encoding="utf-8")
    assert re.search(r"\b\d+ warnings\b", summary)
    worst = soup.select("section")[0].select_one("p.muted").get_text()
    assert "1 error, " in worst and re.search(r"\b[2-9] warnings\b", worst)
    assert [plural(n, "error") for n in (0, 1, 2)] == ["0 errors", "1 error", "2 errors"]
    # every score carries its band as text, not as colour alone
    for cell in rows(soup)[0].select("td")[4:]:
        band = cell.select_one(".band")
        score = int(cell.get_text().split()[0])
        assert band.get_text() == ("green" if score >= 80 else "amber" if score >= 60 else "red")


def test_findings_quote_their_words_in_context_with_a_link_to_the_place(built):
    _, _, soup = built
    worst = soup.select("section")[0]
    first = worst.select("tbody tr")[0]
    assert first.select_one(".sev").get_text() == "error"  # errors first within the post
    leaks = [tr for tr in worst.select("tbody tr") if tr.select("td")[2].get_text() == "confidential"]
    body = next(tr for tr in leaks
                if tr.mark.get_text() == "Tidewater" and "<b>" in tr.select_one(".ctx").get_text())
    link = body.td.a
    text = link.get_text()
    path, line, column = text.rsplit(":", 2)
    assert path == str(built[0].build_dir.parent / "content" / "posts" / "worst.md")
    source = Path(path).read_text(encoding="utf-8").split("\n")
    assert source[int(line) - 1][int(column) - 1:].startswith("Tidewater")
    assert link["href"] == editor_link(path, int(line), int(column))
    assert link["href"].startswith("vscode://file/") and link["href"].endswith(f":{line}:{column}")
    assert os.path.isabs(link["href"][len("vscode://file"):].rsplit(":", 2)[0])
    # evidence is quoted as sentences, not stems
    quotes = [q.get_text() for q in worst.select("blockquote")]
    assert any("reconciled every ledger line in four days." in q for q in quotes), quotes


def test_hostile_titles_and_quotes_are_escaped_visible_and_cut(built):
    _, page, soup = built
    raw = page.read_text(encoding="utf-8")
    assert "<script" not in raw and "\u202e" not in raw.split("<body>")[1].split('title="')[0]
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in raw
    row = next(r for r in rows(soup) if "hostile.md" in r.th.get_text())
    shown = row.th.a.get_text()
    assert shown.startswith("<script>alert('x')</script> Zero⟨U+200B⟩width & ⟨U+202E⟩evil")
    assert len(shown) < 160 and shown.endswith("…")
    section = soup.find("section", attrs={"aria-labelledby": row.th.a["href"][1:]})
    marks = [m.get_text() for m in section.select("mark")]
    assert "synergy" in marks
    context = next(c.get_text() for c in section.select(".ctx") if "synergy" in c.get_text())
    assert "synergy⟨U+200B⟩ here <i>&lt;b&gt;</i>." in context


def test_report_passes_axe_and_renders_worst_first_in_chromium(built):
    require(CHROMIUM, "Debian chromium")
    require(AXE, "axe-core (npm)")
    from playwright.sync_api import sync_playwright

    build, _, _ = built
    with serve_folder(build.build_dir) as base:
        url = f"{base}/brand-report.html"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            try:
                for width in (1280, 390):
                    context, page, log = open_page(browser, url, "light", width)
                    try:
                        assert log["errors"] == [] and log["failed"] == []
                        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
                        first = page.locator("main table tbody tr").first
                        assert first.locator("th a").inner_text() == WORST
                        assert first.is_visible() and first.bounding_box()["height"] > 10
                        ARTIFACTS.mkdir(exist_ok=True)
                        shot = ARTIFACTS / f"brand-report-{width}.png"
                        page.screenshot(path=str(shot), full_page=width == 390)
                        assert shot.stat().st_size > 10_000  # something rendered
                        assert serious_axe_violations(page) == []
                    finally:
                        context.close()
            finally:
                browser.close()


def test_worst_first_orders_errors_then_warnings_then_score():
    from plugins.brand_guard.core import FileResult
    from plugins.brand_guard.findings import Finding
    from plugins.brand_guard.rules.alignment import Alignment

    def result(path, severities, score):
        found = [Finding(path, 1, 1, "hype", s, "m") for s in severities]
        return FileResult(path, found, 100, Alignment(score, {}))

    ordered = worst_first([result("a", [], 10), result("b", ["warning"], 90), result("c", ["error"], 95),
                           result("d", ["warning", "warning"], 99), result("e", [], 5)])
    assert [r.path for r in ordered] == ["c", "d", "b", "e", "a"]


def test_context_is_the_line_around_the_words_cut_at_both_ends():
    from plugins.brand_guard.core import CONTEXT_CHARS, excerpt_around

    line = "x" * 100 + " Tidewater " + "y" * 100
    text = f"Title: A\r\n\r\n{line}\r\nnext line"
    start = text.index("Tidewater")
    before, match, after = excerpt_around(text, start, start + 9)
    assert match == "Tidewater"
    assert before == "…" + "x" * (CONTEXT_CHARS - 1) + " " and after == " " + "y" * (CONTEXT_CHARS - 1) + "…"
    # a match over two lines stops at the end of its first line (no CR, no next line)
    assert excerpt_around(text, start, len(text)) == (before, "Tidewater " + "y" * 100, "")
    longer = text.replace(line, line + "z" * 50)
    assert excerpt_around(longer, start, len(longer))[1:] == ("Tidewater " + "y" * 50 + "…", "")
    assert excerpt_around("ab\r\ncd", 0, 2) == ("", "ab", "")
