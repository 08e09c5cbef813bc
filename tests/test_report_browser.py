"""build/report.html in headless Chromium (the harness of test_browser.py): no console errors, no
request leaving the page, no sideways scrolling at 360 px, no serious or critical axe-core
violations in the light and dark scheme; screenshots go to tests/artifacts/report-*.png."""

from __future__ import annotations

import gzip

import pytest
from reportsite import content, ledger, settings_file
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
from test_report import run_report

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def access_log(path) -> None:
    """A few days of visits: channel shares, colleague shares, referrers, direct, a bot."""
    lines = []
    visits = [
        ("dana-november", "?utm_source=linkedin&utm_medium=social&utm_campaign=dana-november", "-", 12),
        ("dana-november", "?utm_source=linkedin&utm_medium=employee&utm_campaign=dana-november", "-", 7),
        ("dana-november", "", "https://news.ycombinator.com/item?id=1", 4),
        ("dana-november", "", "-", 3),
        ("dana-hostile", "?utm_source=mastodon&utm_medium=social", "-", 5),
        ("dana-hostile", "", "https://www.google.com/", 6),
        ("marcus-october", "?utm_source=x&utm_medium=employee", "-", 9),
    ]
    for slug, query, referrer, count in visits:
        for i in range(count):
            stamp = f"{21 + i % 5:02d}/Nov/2026:{9 + i % 12:02d}:{(7 * i) % 60:02d}:00 +0000"
            lines.append(
                f'203.0.113.{i} - - [{stamp}] "GET /posts/2026/{slug}/{query} HTTP/1.1" 200 512 '
                f'"{referrer}" "{BROWSER}"\n'
            )
    lines.append(
        '66.249.66.1 - - [21/Nov/2026:10:00:00 +0000] "GET /posts/2026/dana-november/ HTTP/1.1" 200 5 '
        '"-" "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"\n'
    )
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.writelines(lines)


@pytest.fixture(scope="module")
def report_url(tmp_path_factory):
    require(CHROMIUM, "Debian chromium")
    require(AXE, "axe-core (npm)")
    tmp = tmp_path_factory.mktemp("report-browser")
    conf = settings_file(tmp, content(tmp))
    ledger(tmp / "ledger.jsonl")
    access_log(tmp / "access.log.1.gz")
    done = run_report(conf, "--logs", str(tmp / "access.log*"))
    assert done.returncode == 0, done.stderr
    with serve_folder(tmp / "build") as base:
        yield f"{base}/report.html"


@pytest.fixture(scope="module")
def browser(report_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_report_page_loads_clean_fits_and_passes_axe(browser, report_url, scheme, width):
    context, page, log = open_page(browser, report_url, scheme, width)
    try:
        assert log["errors"] == [] and log["failed"] == []
        assert log["requests"] == [report_url]  # inline CSS and SVG: nothing else is fetched
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
            f"horizontal scrolling at {width} px"
        )
        assert page.locator("svg[role=img]").count() == 6  # 4 authors, brand scores, top posts
        assert page.locator("section#referrals, h2#referrals").count() == 1
        assert "Top posts by referred visits" in page.inner_text("main")
        page.locator("details").first.evaluate("d => d.open = true")  # the table fallback is real content
        assert page.locator("details").first.locator("table").is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"report-{scheme}-{width}.png"), full_page=True)
        assert serious_axe_violations(page) == []
    finally:
        context.close()
