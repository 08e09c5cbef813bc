"""`make preview` (publish.previewbuild): a real non-strict production build of the sample site and
the real publish step, preview only, with a ledger that marks two posts shared, one post with a
brand error, a per-run cap of 2, a hostile title and social text, and a secret in a social text.

The page must group every pair (now / later / held / already shared, the last collapsed to a count),
show each card image from a local copy, load nothing over the network, escape every text, show brand
warnings and why an X text was cut; the brand error must not stop the others, while the strict
production build still stops on it. A browser test screenshots the page and runs axe-core.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import copy_content
from sitebuild import REPO

from publish.channels.registry import INTERNAL, PUBLIC

SECRET = "tok-Zq9SECRETvalue-4242xx"
HOSTILE = "<script>window.pwned=1</script> &lt;b&gt;"
BRAND_POST = "2026-05-20-referrals-are-the-best-signal.md"
HOSTILE_POST = "2026-09-08-cash-flow-forecasts-people-believe.md"
LONG_X = ("Forecasts people believe are seamless to read: " + "the controller checks every line " * 12
          + "ENDOFTHETEXT")


def _header(path: Path, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n\n", f"\n{line}\n\n", 1), encoding="utf-8")


def _conf(tmp: Path, content: Path) -> Path:
    overrides = {
        "PATH": str(content), "OUTPUT_PATH": str(tmp / "output"), "LECTERN_BUILD_DIR": str(tmp / "build"),
        "SYNDICATION_MANIFEST": str(tmp / "build" / "manifest.json"),
        "SYNDICATION_LEDGER": str(tmp / "ledger.jsonl"), "SYNDICATION_PREVIEW_DIR": str(tmp / "preview"),
        "CACHE_PATH": str(tmp / "cache"), "SYNDICATION_MAX_PER_RUN": 2,
    }
    lines = [f"import sys; sys.path.insert(0, {str(REPO)!r})", "from publishconf import *  # noqa"]
    lines += [f"{key} = {value!r}" for key, value in overrides.items()]
    conf = tmp / "previewconf.py"
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return conf


def _preview(tmp: Path, conf: Path, content: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200", "MASTODON_ACCESS_TOKEN": SECRET}
    return subprocess.run([sys.executable, "-m", "publish.previewbuild", "--settings", str(conf),
                           "--content", str(content)], cwd=REPO, capture_output=True, text=True, env=env,
                          timeout=600)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("preview")
    content = copy_content(tmp / "content")
    brand = content / "posts" / BRAND_POST
    brand.write_text(brand.read_text(encoding="utf-8") + "\nWe are NorthwindLedger.\n", encoding="utf-8")
    hostile = content / "posts" / HOSTILE_POST
    text = hostile.read_text(encoding="utf-8")
    hostile.write_text(re.sub(r"^Title: (.*)$", lambda m: f"Title: {m[1]} {HOSTILE}", text, count=1,
                              flags=re.M), encoding="utf-8")
    _header(hostile, f"Social_X: {LONG_X}")
    _header(hostile, "Image: images/close-calendar.png")  # as on the production site: not deployed yet
    _header(hostile, f"Social_Mastodon: {HOSTILE} key {SECRET}")
    conf = _conf(tmp, content)
    first = _preview(tmp, conf, content)
    assert first.returncode == 0, first.stdout + first.stderr
    manifest = json.loads((tmp / "build" / "preview-manifest.json").read_text(encoding="utf-8"))
    public = sorted((p for p in manifest["posts"] if p["audience"] == "public"), key=lambda p: p["date"])
    shared = [p["slug"] for p in public[:2]]
    with open(tmp / "ledger.jsonl", "w", encoding="utf-8") as ledger:
        for slug in shared:
            for channel in PUBLIC:
                ledger.write(json.dumps({"event": "posted", "post": slug, "channel": channel, "key": "k",
                                         "remote_id": "1", "remote_url": f"https://social.test/{slug}",
                                         "time": "2026-11-01T00:00:00+00:00"}) + "\n")
    proc = _preview(tmp, conf, content)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = json.loads((tmp / "preview" / "plan.json").read_text(encoding="utf-8"))
    page = tmp / "preview" / "index.html"
    return {"tmp": tmp, "conf": conf, "content": content, "proc": proc, "rows": rows, "page": page,
            "html": page.read_text(encoding="utf-8"), "shared": shared, "manifest": manifest}


def _slug_of(run, source_name: str) -> str:
    return next(p["slug"] for p in run["manifest"]["posts"] if p["source_path"].endswith(source_name))


def test_groups_and_counts_from_a_real_preview(run):
    rows = run["rows"]
    by_group: dict[str, list[dict]] = {}
    for row in rows:
        by_group.setdefault(row["group"], []).append(row)
    shared = by_group["shared"]
    assert sorted({r["post"] for r in shared}) == sorted(run["shared"])
    assert len(shared) == 2 * len(PUBLIC)
    now = by_group["now"]
    for channel in PUBLIC + INTERNAL:
        assert sum(1 for r in now if r["channel"] == channel) <= 2
    capped = [r for r in by_group["later"] if r["status"] == "capped"]
    assert capped and all("next run" in r["reason"] for r in capped)
    brand_slug = _slug_of(run, BRAND_POST)
    held = [r for r in by_group["held"] if r["post"] == brand_slug]
    assert {r["channel"] for r in held} == set(PUBLIC)
    where = r"posts/" + re.escape(BRAND_POST) + r":\d+:\d+ error terms"
    assert all(re.search(where, r["reason"]) for r in held)
    # The other posts are still previewed: the brand error stopped nothing else.
    assert len({r["post"] for r in now}) >= 2 and brand_slug not in {r["post"] for r in now + capped}

    soup = BeautifulSoup(run["html"], "html.parser")
    assert [h["id"] for h in soup.find_all("h2")] == ["now", "later", "held", "shared", "amplify"]
    section = soup.find("h2", id="shared").parent
    details = section.find("details")
    assert details is not None and not details.has_attr("open")
    assert f"{len(shared)} already shared" in details.summary.get_text()
    assert section.find("article") is None  # a count and a list, not empty cards
    amplify = soup.find("h2", id="amplify").parent
    assert len([a for a in soup.find_all("article") if amplify not in a.parents]) == len(rows) - len(shared)
    # The share kit's amplify messages (publish/amplify/): one per new public post and internal
    # channel; the post with a brand error gets none (held with the reason), the others are planned.
    shares = json.loads((run["tmp"] / "preview" / "amplify.json").read_text(encoding="utf-8"))
    assert {r["kind"] for r in shares} == {"amplify"} and {r["channel"] for r in shares} <= set(INTERNAL)
    assert all(r["status"] == "held" for r in shares if r["post"] == brand_slug)
    assert any(r["post"] == brand_slug for r in shares)
    assert any(r["status"] == "planned" and "Please share" in r["text"] for r in shares)
    assert "Please share" in amplify.get_text()
    held_section = soup.find("h2", id="held").parent
    assert "error terms" in held_section.get_text() and "make publish" in held_section.get_text()


def test_terminal_table_splits_skipped_and_lists_brand_findings(run):
    out, err = run["proc"].stdout, run["proc"].stderr
    for heading in ("would send", "shared before", "capped", "rate limited", "not live", "in flight", "held"):
        assert heading in out
    assert "skipped" not in out
    x_row = next(line for line in out.splitlines() if "│ X " in line or line.startswith("│ X"))
    cells = [c.strip() for c in x_row.strip("│ ").split("│")]
    assert cells[1:5] == ["2", "2", str(sum(1 for r in run["rows"] if r["channel"] == "x" and
                                            r["status"] == "capped")), "0"]
    assert "brand warning: hype" in err
    assert "error terms" in err


def test_brand_warnings_beside_the_text_and_why_x_was_cut(run):
    slug = _slug_of(run, HOSTILE_POST)
    x = next(r for r in run["rows"] if r["post"] == slug and r["channel"] == "x")
    assert any(w.startswith("hype") and "seamless" in w for w in x["warnings"])
    cut = x["cut"]
    assert cut and cut["limit"] == 280 and cut["original"] > 280
    assert cut["removed"].endswith("ENDOFTHETEXT") and "ENDOFTHETEXT" not in x["text"]
    soup = BeautifulSoup(run["html"], "html.parser")
    article = next(a for a in soup.find_all("article") if "X:" in a["aria-label"] and slug in a.get_text())
    side = article.find_next_sibling("div", class_="side").get_text()
    assert "seamless" in side and f"{cut['original']} / 280" in side and "ENDOFTHETEXT" in side


def test_card_images_are_local_copies_and_nothing_is_loaded_from_the_network(run):
    soup = BeautifulSoup(run["html"], "html.parser")
    images = soup.find_all("img")
    assert images
    for img in images:
        assert not re.match(r"(?i)\s*(https?:)?//", img["src"])
        assert (run["page"].parent / img["src"]).is_file()
    assert not soup.find_all(["script", "link", "iframe", "object", "embed", "video", "audio", "source"])
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            if name in ("src", "srcset", "poster", "data"):
                assert "http" not in str(value)
    style = "".join(s.get_text() for s in soup.find_all("style"))
    assert "url(" not in style and "@import" not in style
    assert not re.search(r"""(src|srcset)\s*=\s*["']?\s*https?:""", run["html"], re.I)


def test_hostile_text_is_escaped_and_secrets_redacted(run):
    soup = BeautifulSoup(run["html"], "html.parser")
    assert not soup.find_all("script")
    assert "<script>window.pwned=1</script>" in soup.get_text()
    assert SECRET not in run["html"] and SECRET not in json.dumps(run["rows"])
    assert SECRET not in run["proc"].stdout + run["proc"].stderr


def test_production_build_still_stops_and_publish_refuses_the_preview_manifest(run):
    tmp = run["tmp"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    built = subprocess.run([sys.executable, "-m", "publish.build", "--settings", str(run["conf"]),
                            "--content", str(run["content"]), "--output", str(tmp / "prod")],
                           cwd=REPO, capture_output=True, text=True, env=env, timeout=600)
    assert built.returncode != 0 and "NorthwindLedger" in built.stdout + built.stderr
    assert not (tmp / "prod").exists() and not (tmp / "output").exists()
    refused = subprocess.run([sys.executable, "-m", "publish", "--settings", str(run["conf"]), "--manifest",
                              str(tmp / "build" / "preview-manifest.json")],
                             cwd=REPO, capture_output=True, text=True, env=env, timeout=600)
    assert refused.returncode == 1 and "dev build" in refused.stderr


def test_preview_in_chromium_passes_axe_and_requests_nothing_remote(run):
    from test_browser import AXE, CHROMIUM, LAUNCH_ARGS, require, serious_axe_violations

    require(CHROMIUM, "Debian chromium")
    require(AXE, "axe-core (npm)")
    from playwright.sync_api import sync_playwright

    artifacts = Path(__file__).resolve().parent / "artifacts"
    artifacts.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            for width in (360, 1280):
                page = browser.new_page(viewport={"width": width, "height": 900})
                requests, errors = [], []
                page.on("request", lambda r, requests=requests: requests.append(r.url))
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                page.goto(run["page"].as_uri(), wait_until="load")
                assert page.evaluate("() => window.pwned === undefined")
                loaded = "() => [...document.images].every(i => i.complete && i.naturalWidth > 0)"
                assert page.evaluate(loaded)
                page.screenshot(path=str(artifacts / f"preview-{width}.png"), full_page=True)
                assert [u for u in requests if not u.startswith("file://")] == []
                assert errors == []
                assert serious_axe_violations(page) == []
                page.close()
        finally:
            browser.close()
