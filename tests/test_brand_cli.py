"""`python -m plugins.brand_guard` (what `make brand` runs): exit codes, JSON schema, annotations."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from sitebuild import REPO
from test_brand_support import FILLER, ON_BRAND, write_config

from plugins.brand_guard.findings import RULES, SEVERITIES


def run(*args: str, cwd=REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "plugins.brand_guard", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"})


@pytest.fixture
def site(tmp_path):
    """A config and a content folder with a clean post, a warning post and a leaking post."""
    brand = write_config(tmp_path)
    posts = tmp_path / "content" / "posts"
    posts.mkdir(parents=True)
    (posts / "clean.md").write_text("Title: Trust in the close\n\n" + ON_BRAND, encoding="utf-8")
    (posts / "warn.md").write_text("Title: Partners\n\n" + ON_BRAND + "Some synergy here.\n",
                                   encoding="utf-8")
    (tmp_path / "leak.md").write_text("Title: Trust\n\n" + FILLER + "```\nproject_bluefin = 1\n```\n",
                                      encoding="utf-8")
    return tmp_path, brand


def test_exit_0_without_errors_and_text_report_with_summary(site):
    tmp, brand = site
    proc = run(str(tmp / "content"), "--config", str(brand))
    assert proc.returncode == 0, proc.stderr
    assert "warn.md" in proc.stdout and "avoid" in proc.stdout and "clean.md" not in proc.stdout
    assert re.search(r"2 files, [\d,]+ words: 0 errors, 1 warning, 0 suggestions; 0 suppressed", proc.stdout)


def test_exit_1_on_errors_and_drafts_never_block(site):
    tmp, brand = site
    proc = run(str(tmp / "leak.md"), "--config", str(brand))
    assert proc.returncode == 1
    assert re.search(r"5:1 +error +confidential", proc.stdout)
    draft = tmp / "draft.md"
    draft.write_text("Title: Draft\nStatus: draft\n\nProject Bluefin.\n", encoding="utf-8")
    proc = run(str(draft), "--config", str(brand))
    assert proc.returncode == 0 and "1 error" in proc.stdout and "not blocking" in proc.stdout


def test_exit_2_for_bad_config_missing_path_and_bad_usage(site):
    tmp, brand = site
    bad = write_config(tmp, "statement: x\npillars: []\n", name="bad.yml")
    proc = run(str(tmp / "content"), "--config", str(bad))
    assert proc.returncode == 2 and f"{bad}:2: this list is empty" in proc.stderr and proc.stdout == ""
    assert run(str(tmp / "missing.md"), "--config", str(brand)).returncode == 2
    assert run("--format", "xml", "--config", str(brand)).returncode == 2


def test_json_output_is_exactly_the_documented_document(site):
    tmp, brand = site
    proc = run(str(tmp / "content"), str(tmp / "leak.md"), "--config", str(brand), "--format", "json")
    assert proc.returncode == 1
    data = json.loads(proc.stdout)  # stdout is the JSON document and nothing else
    assert list(data) == ["files", "words", "findings", "scores", "suppressed"]
    assert data["files"] == 3 and isinstance(data["words"], int) and data["words"] > 50
    assert data["suppressed"] == 0
    for finding in data["findings"]:
        assert list(finding) == ["path", "line", "column", "rule", "severity", "message", "suggestion"]
        assert finding["rule"] in RULES and finding["severity"] in SEVERITIES
        assert isinstance(finding["line"], int) and isinstance(finding["column"], int)
        assert finding["suggestion"] is None or isinstance(finding["suggestion"], str)
    leak = [f for f in data["findings"] if f["rule"] == "confidential"]
    assert [(f["path"].endswith("leak.md"), f["line"], f["column"]) for f in leak] == [(True, 5, 1)]
    assert len(data["scores"]) == 3
    for score in data["scores"].values():
        assert list(score) == ["alignment", "pillars"] and 0 <= score["alignment"] <= 100
        assert list(score["pillars"]) == ["trusted relationships", "finance operations"]
        assert all(isinstance(v, int) for v in score["pillars"].values())


def test_min_severity_hides_lower_findings_but_errors_still_set_the_exit(site):
    tmp, brand = site
    proc = run(str(tmp), "--config", str(brand), "--format", "json", "--min-severity", "error")
    data = json.loads(proc.stdout)
    assert proc.returncode == 1 and {f["severity"] for f in data["findings"]} == {"error"}


def test_github_format_prints_workflow_annotations(site):
    tmp, brand = site
    proc = run(str(tmp), "--config", str(brand), "--format", "github")
    lines = proc.stdout.splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    pattern = re.compile(r"^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+(,endColumn=\d+)?,"
                         r"title=brand [a-z]+::.+$")
    assert annotations and all(pattern.match(line) for line in annotations)
    assert any(line.startswith("::error ") and "title=brand confidential" in line for line in annotations)
    assert any(line.startswith("::warning ") and "title=brand avoid" in line for line in annotations)


def test_html_report_on_request(site):
    tmp, brand = site
    out = tmp / "reports" / "brand.html"
    assert run(str(tmp / "content"), "--config", str(brand), "--html", str(out)).returncode == 0
    page = out.read_text(encoding="utf-8")
    assert "Partners" in page and "trusted relationships" in page and 'content="noindex' in page


def test_default_config_and_content_are_the_repository_ones():
    proc = run("--format", "json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(proc.stdout)
    assert data["files"] >= 10 and not [f for f in data["findings"] if f["severity"] == "error"]


def test_importing_the_guard_is_cheap_and_never_imports_pelican():
    code = ("import sys, plugins.brand_guard as g; g.load_config('brand.yml'); "
            "print(sorted(m for m in ('pelican', 'rich', 'markdown') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_parallel_jobs_give_the_same_report_in_the_same_order(site):
    """`--jobs N` forks N checkers over the files: the report (every finding, score, count and
    the exit status) must be exactly the serial one, whatever file finished first."""
    tmp, brand = site
    posts = tmp / "content" / "posts"
    for i in range(90):  # enough files for several processes (MIN_FILES_PER_JOB each)
        kind = i % 5
        body = {0: ON_BRAND, 1: ON_BRAND + f"Some synergy {i}.\n", 2: FILLER + "Project Bluefin ships.\n",
                3: ON_BRAND + "Itâ€™s a â€œbigâ€ day.\n", 4: FILLER}[kind]
        status = "Status: draft\n" if i % 7 == 0 else ""
        (posts / f"p{i:03}.md").write_text(f"Title: Post {i} <&>\n{status}\n{body}", encoding="utf-8")
    (posts / "latin1.md").write_bytes("Title: Caf\xe9\n\nCaf\xe9 au lait.\n".encode("latin-1"))
    outputs = {}
    for jobs in ("1", "2", "3"):
        for fmt in ("json", "text"):
            proc = run(str(tmp / "content"), "--config", str(brand), "--format", fmt, "--jobs", jobs)
            outputs[jobs, fmt] = (proc.returncode, proc.stdout)
    for fmt in ("json", "text"):
        assert outputs["1", fmt] == outputs["2", fmt] == outputs["3", fmt]
    code, document = outputs["1", "json"]
    data = json.loads(document)
    assert code == 1 and data["files"] == 93 and len(data["scores"]) == 93
    rules = {f["rule"] for f in data["findings"]}
    assert {"avoid", "confidential", "encoding"} <= rules
    for bad in ("-1", "two"):
        proc = run(str(tmp / "content"), "--config", str(brand), "--jobs", bad)
        assert proc.returncode == 2 and "number of processes" in proc.stderr


def test_a_checking_process_that_dies_ends_the_run_with_an_error_not_a_hang(site):
    """A worker killed mid-run (out of memory, kill -9) must fail the run at once (exit 2, a plain
    message); multiprocessing.Pool would wait for ever for the files it held."""
    import os
    import signal
    import time

    tmp, brand = site
    posts = tmp / "content" / "posts"
    for i in range(600):
        (posts / f"p{i:03}.md").write_text(f"Title: Post {i}\n\n{ON_BRAND}", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "plugins.brand_guard", str(tmp / "content"),
                             "--config", str(brand), "--jobs", "2"], cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True,
                            env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"})
    children: list[str] = []
    deadline = time.monotonic() + 60
    while not children and proc.poll() is None and time.monotonic() < deadline:
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True,
                                  text=True).stdout.split()
        time.sleep(0.005)
    if not children:
        proc.kill()
        pytest.skip("the run ended before a checking process could be killed")
    os.kill(int(children[0]), signal.SIGKILL)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the run hung after one checking process was killed")
    assert proc.returncode == 2 and "ended abruptly" in err and "--jobs 1" in err
