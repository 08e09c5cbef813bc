"""`make brand FIX=1` / `FIX=diff`: only unambiguous fixes, exact bytes kept, untouched on any doubt."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys

import pytest
from sitebuild import REPO
from test_brand_support import TEST_BRAND, config, write_config

from plugins.brand_guard import core, registry
from plugins.brand_guard.findings import Hit
from plugins.brand_guard.fix import plan_file, plan_text, write_plan

HEADER = "Title: Linkedin and the close\nDate: 2024-01-01\nSummary: How Linkedin helps.\n\n"
BODY = (
    "We post on Linkedin and in NorthwindLedger news.\n\n"
    "```\nLinkedin in a fence\n```\n\n"
    "    Linkedin in indented code\n\n"
    "Inline `Linkedin` code, a [link](https://example.com/Linkedin) and https://linkedin.example/Linkedin.\n\n"
    "<!-- Linkedin in a comment -->\n"
    "<span title=\"Linkedin\">attribute</span>\n"
)
FIXED_BODY = BODY.replace("post on Linkedin", "post on LinkedIn").replace(
    "NorthwindLedger news", "Northwind Ledger news")


def cli(*args: str, cwd=REPO) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "plugins.brand_guard", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return config(tmp_path_factory.mktemp("brand"))


@pytest.fixture
def site(tmp_path):
    write_config(tmp_path)
    (tmp_path / "content").mkdir()
    return tmp_path


def write(path, data: bytes, mode: int | None = None):
    path.write_bytes(data)
    if mode is not None:
        os.chmod(path, mode)
    return path


# ---------------------------------------------------------------- what is fixed, what never is

def test_fixes_prose_and_header_values_but_never_code_urls_comments_markup_or_keys(site):
    post = write(site / "content" / "p.md", (HEADER + BODY).encode())
    run = cli("--config", "brand.yml", "--fix", "write", "content/p.md", cwd=site)
    assert run.returncode == 0, run.stderr
    want = HEADER.replace("Linkedin", "LinkedIn") + FIXED_BODY
    assert post.read_text(encoding="utf-8") == want
    assert "brand fix: fixed 4 findings in 1 file" in run.stderr
    assert "-We post on Linkedin and in NorthwindLedger news." in run.stdout
    assert "+We post on LinkedIn and in Northwind Ledger news." in run.stdout
    assert run.stdout.startswith("--- a/content/p.md\n+++ b/content/p.md\n@@ ")
    # every Linkedin left is inside code, a URL, a comment or markup
    assert post.read_text().count("Linkedin") == BODY.count("Linkedin") - 1


def test_diff_mode_prints_an_applicable_patch_and_writes_nothing(site):
    data = (HEADER + BODY).encode()
    post = write(site / "content" / "p.md", data)
    before = os.stat(post).st_mtime_ns
    run = cli("--config", "brand.yml", "--fix", "diff", "content", cwd=site)
    assert run.returncode == 0 and "would fix 4 findings in 1 file" in run.stderr
    assert post.read_bytes() == data and os.stat(post).st_mtime_ns == before
    subprocess.run(["git", "init", "-q"], cwd=site, check=True)
    applied = subprocess.run(["git", "apply", "-"], cwd=site, input=run.stdout, text=True,
                             capture_output=True)
    assert applied.returncode == 0, applied.stderr
    assert post.read_text() == HEADER.replace("Linkedin", "LinkedIn") + FIXED_BODY


def test_second_run_changes_nothing(site):
    post = write(site / "content" / "p.md", (HEADER + BODY).encode())
    assert cli("--config", "brand.yml", "--fix", "write", "content", cwd=site).returncode == 0
    fixed = post.read_bytes()
    again = cli("--config", "brand.yml", "--fix", "write", "content", cwd=site)
    assert again.returncode == 0 and again.stdout == ""
    assert "fixed 0 findings in 0 files" in again.stderr
    assert post.read_bytes() == fixed


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_line_endings_bom_and_mode_are_kept(site, newline, bom):
    text = (HEADER + "Linkedin 😀𝒳 first, then Linkedin again.\nÄ, ω, 日本語 Linkedin\n"
            "no newline at the end: Linkedin")
    post = write(site / "content" / "p.md", bom + text.replace("\n", newline).encode(), 0o640)
    run = cli("--config", "brand.yml", "--fix", "write", "content", cwd=site)
    assert run.returncode == 0, run.stderr
    want = bom + text.replace("Linkedin", "LinkedIn").replace("\n", newline).encode()
    assert post.read_bytes() == want
    assert stat.S_IMODE(os.stat(post).st_mode) == 0o640


def test_a_symlinked_post_keeps_its_link_and_its_target_is_fixed(site):
    real = write(site / "real.md", (HEADER + "We use Linkedin.\n").encode(), 0o755)
    (site / "content" / "p.md").symlink_to(real)
    assert cli("--config", "brand.yml", "--fix", "write", "content", cwd=site).returncode == 0
    assert (site / "content" / "p.md").is_symlink()
    assert "We use LinkedIn." in real.read_text() and stat.S_IMODE(os.stat(real).st_mode) == 0o755


def test_hostile_prose_around_the_fix(cfg):
    long_name = "Ü" * 500
    text = (HEADER + f"&lt;Linkedin&gt; <b>Linkedin</b> \u200bLinkedin\u200b «Linkedin» {long_name} "
            "Linkedin's page; Linkedins; e\u0301 Linkedin\n")
    plan = plan_text("p.md", text, cfg)
    assert plan.refused is None
    assert plan.after == text.replace("Linkedin", "LinkedIn")


def test_mojibake_is_fixed_with_the_intended_character_but_never_in_code(site):
    text = ("Title: Itâ€™s here\r\n\r\nWe said â€œhelloâ€ and itâ€™s fine. CafÃ© Ã¢â‚¬â„¢ ok.\r\n\r\n"
            "    codeâ€™s here\r\n\r\nSee `itâ€™s` and [x](https://example.com/itâ€™s).\r\n")
    post = write(site / "content" / "p.md", text.encode())
    run = cli("--config", "brand.yml", "--fix", "write", "content", cwd=site)
    assert run.returncode == 0, run.stderr
    assert post.read_bytes() == text.replace("Itâ€™s here", "It’s here").replace(
        "â€œhelloâ€ and itâ€™s fine. CafÃ© Ã¢â‚¬â„¢", "“hello” and it’s fine. Café ’").encode()
    again = cli("--config", "brand.yml", "--fix", "write", "content", cwd=site)
    assert again.stdout == "" and post.read_bytes().count("â€™".encode()) == 3


# ---------------------------------------------------------------- doubt: the file is left alone

def test_a_fix_touching_a_code_name_leaves_the_file_untouched(tmp_path):
    cfg = config(tmp_path, TEST_BRAND.replace("  - use: LinkedIn\n",
                                              "  - use: Tidewater Bay\n    instead_of: [TidewaterBay]\n"
                                              "  - use: LinkedIn\n"))
    text = HEADER + "We use Linkedin. tidewater bay is fun.\n"
    plan = plan_text("p.md", text, cfg)
    assert plan.after is None and "code name" in plan.refused and plan.refused.startswith("p.md:5:")


def test_a_replacement_that_would_raise_a_new_finding_is_refused(tmp_path):
    cfg = config(tmp_path, TEST_BRAND.replace("  - use: LinkedIn\n",
                                              "  - use: Synergy Hub\n    instead_of: [SynergyHub]\n"
                                              "  - use: LinkedIn\n"))
    text = HEADER + "Linkedin here, and SynergyHub there.\n"
    assert not [f for f in core.check_source("p.md", text, cfg).findings if f.rule == "avoid"]
    plan = plan_text("p.md", text, cfg)
    assert plan.after is None
    assert re.match(r"p\.md:5:\d+: fixing would cause a new finding \(avoid: ", plan.refused)


def test_a_finding_from_an_older_text_is_not_applied(cfg):
    old = HEADER + "We use Linkedin.\n"
    (stale,) = [f for f in core.check_source("p.md", old, cfg).findings if f.rule == "terms" and f.line == 5]
    new = HEADER + "We now use Linkedin.\n"  # the span moved by four characters
    plan = plan_text("p.md", new, cfg, only=[stale])
    assert plan.after is None and "changed since" in plan.refused
    (fresh,) = [f for f in core.check_source("p.md", new, cfg).findings if f.rule == "terms" and f.line == 5]
    only = plan_text("p.md", new, cfg, only=[fresh])
    assert only.after == HEADER.replace("Linkedin", "Linkedin") + "We now use LinkedIn.\n"


def test_file_changed_on_disk_during_the_run_is_left_as_the_writer_left_it(site, cfg):
    post = write(site / "p.md", (HEADER + "We use Linkedin.\n").encode())
    planned = plan_file(post, cfg)
    assert planned.plan.changed
    post.write_text(HEADER + "The writer typed this meanwhile, Linkedin.\n", encoding="utf-8")
    reason = write_plan(planned)
    assert "changed while it was being checked" in reason
    assert post.read_text() == HEADER + "The writer typed this meanwhile, Linkedin.\n"
    assert [p.name for p in site.iterdir() if "brandfix" in p.name] == []  # no temp file left


def test_a_file_saved_over_by_an_editor_with_the_same_bytes_is_left_alone(site, cfg):
    post = write(site / "p.md", (HEADER + "We use Linkedin.\n").encode())
    planned = plan_file(post, cfg)
    other = write(site / "saved.tmp", post.read_bytes())  # an editor's save: a new file renamed in
    os.replace(other, post)
    assert "changed while it was being checked" in write_plan(planned)
    assert "Linkedin." in post.read_text()


def test_not_utf8_read_only_and_hard_linked_files_are_left_alone(site):
    latin = write(site / "content" / "latin.md", (HEADER + "Café Linkedin.\n").encode("latin-1"))
    ro = write(site / "content" / "ro.md", (HEADER + "Linkedin.\n").encode(), 0o444)
    linked = write(site / "content" / "linked.md", (HEADER + "Linkedin.\n").encode())
    os.link(linked, site / "other.md")
    before = {p: p.read_bytes() for p in (latin, ro, linked)}
    run = cli("--config", "brand.yml", "--fix", "write", "content", cwd=site)
    assert run.returncode == 1
    assert "content/latin.md: the file is not UTF-8 (byte 0xe9)" in run.stderr
    assert "content/ro.md: the file is read-only" in run.stderr  # even for root
    assert "content/linked.md: the file has 2 hard links" in run.stderr
    assert "3 files left untouched" in run.stderr
    assert all(p.read_bytes() == data for p, data in before.items())
    assert stat.S_IMODE(os.stat(ro).st_mode) == 0o444


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to someone else")
def test_owner_and_group_are_kept_when_root_fixes_a_writers_file(site):
    post = write(site / "content" / "p.md", (HEADER + "Linkedin.\n").encode(), 0o664)
    os.chown(post, 4242, 4343)
    assert cli("--config", "brand.yml", "--fix", "write", "content", cwd=site).returncode == 0
    st = os.stat(post)
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (4242, 4343, 0o664)
    assert "LinkedIn." in post.read_text()


# ---------------------------------------------------------------- rules that offer fixes

def _table(monkeypatch, rule):
    table = registry.REGISTRY + (rule,)
    for module in (registry, core):
        monkeypatch.setattr(module, "PROSE_RULES", tuple(r for r in table if r.applies_to & registry.PROSE))
    monkeypatch.setattr(registry, "REGISTRY", table)
    monkeypatch.setattr(registry, "BY_ID", {r.id: r for r in table})
    for module in (registry, core):
        monkeypatch.setattr(module, "RULES", tuple(r.id for r in table))
        monkeypatch.setattr(module, "SUPPRESSIBLE", tuple(r.id for r in table if r.suppressible))
    from plugins.brand_guard import config as config_module

    monkeypatch.setattr(config_module, "RULES", registry.RULES)


def test_overlapping_fixes_from_two_rules_leave_the_file_untouched(tmp_path, monkeypatch):
    def inner(view, ctx):  # a rule that wants "nked" written "NKED": overlaps the terms fix
        return [Hit(m.start(), m.end(), "shout", "warning", "nked", "NKED", "NKED")
                for m in re.finditer("nked", view)]

    _table(monkeypatch, registry.Rule("shout", registry.PROSE, "warning", inner))
    cfg = config(tmp_path)
    plan = plan_text("p.md", "Title: x\n\nWe use Linkedin.\n", cfg)
    assert plan.after is None and "two fixes overlap" in plan.refused


def test_a_fix_offered_outside_prose_is_refused_whatever_rule_offers_it(tmp_path, monkeypatch):
    def raw(text, ctx):  # a raw-source rule (like confidential) that offers a fix anywhere
        return [Hit(m.start(), m.end(), "rawfix", "warning", "zap", "zip", "zip")
                for m in re.finditer("zap", text)]

    _table(monkeypatch, registry.Rule("rawfix", frozenset({"source"}), "warning", raw))
    cfg = config(tmp_path)
    for text in ("Title: x\n\nSee `zap`.\n", "Title: x\nZap_zap: 1\nzap: 2\n\nBody.\n",
                 "Title: x\n\n```\nzap\n```\n", "Title: x\n\n<https://zap.example>\n"):
        plan = plan_text("p.md", text, cfg)
        assert plan.after is None and "not plain prose" in plan.refused, text
    assert plan_text("p.md", "Title: zap\n\nA zap.\n", cfg).after == "Title: zip\n\nA zip.\n"


def test_make_brand_fix_targets(site):
    post = write(site / "content" / "p.md", (HEADER + "We use Linkedin.\n").encode())
    base = ["make", "-s", "--no-print-directory", "brand", f"INPUTDIR={site / 'content'}",
            f"VENV={sys.prefix}"]
    diff = subprocess.run(base + ["FIX=diff"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert "+We use LinkedIn." in diff.stdout and "We use Linkedin." in post.read_text()
    done = subprocess.run(base + ["FIX=1"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "We use LinkedIn." in post.read_text()
    assert "+We use LinkedIn." in done.stdout and "fixed 3 findings in 1 file" in done.stderr
