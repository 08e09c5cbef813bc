"""The shipped CI files (.github/workflows/publish.yml, .gitlab-ci.yml): valid against their
schemas (check-jsonschema's vendored copies, offline) and saying what scheduled publishing needs:
push + hourly schedule + manual runs, never two at once, every channel's credentials from secrets,
`make publish`, and the ledger committed back even after a failed run."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sitebuild import REPO

from publish.channels.registry import env_names, secret_env_names

GITHUB = REPO / ".github" / "workflows" / "publish.yml"
GITLAB = REPO / ".gitlab-ci.yml"
CHECK = Path(sys.executable).with_name("check-jsonschema")


def schema_check(schema: str, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(CHECK), "--builtin-schema", schema, str(path)], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("schema, path", [("vendor.github-workflows", GITHUB), ("vendor.gitlab-ci", GITLAB)])
def test_valid_against_the_vendored_schema(schema, path):
    done = schema_check(schema, path)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("schema, path, old, new", [
    ("vendor.github-workflows", GITHUB, "cancel-in-progress: false", "cancel_in_progress: false"),
    ("vendor.gitlab-ci", GITLAB, "resource_group: publish", "resource_group: [publish]"),
])
def test_the_schema_check_catches_mistakes(tmp_path, schema, path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / path.name
    broken.write_text(text.replace(old, new), encoding="utf-8")
    assert schema_check(schema, broken).returncode != 0


def github() -> dict:
    data = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def test_github_triggers_and_no_overlap():
    data = github()
    assert data["on"]["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in data["on"]
    (cron,) = [entry["cron"] for entry in data["on"]["schedule"]]
    minute, hour, *rest = cron.split()
    assert re.fullmatch(r"[0-5]?\d", minute) and hour == "*" and rest == ["*", "*", "*"], "hourly"
    assert data["concurrency"] == {"group": "publish", "cancel-in-progress": False}
    assert data["permissions"]["contents"] == "write"


def test_github_credentials_from_secrets_and_ledger_committed():
    job = github()["jobs"]["publish"]
    env = job["env"]
    for name in [*secret_env_names(), "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]:
        assert env.get(name) == f"${{{{ secrets.{name} }}}}", name
    for name in env_names():
        assert name in env, f"{name} (channel registry) is not passed to the workflow"
    assert "DEPLOY_TARGET" in env
    steps = job["steps"]
    runs = [step.get("run", "") for step in steps]
    publish = next(i for i, run in enumerate(runs) if run.strip() == "make publish")
    commit = next(i for i, run in enumerate(runs) if "ledger/syndication.jsonl" in run)
    assert commit > publish and steps[commit]["if"] == "always()"
    assert "git push" in runs[commit] and "[skip ci]" in runs[commit]


def test_gitlab_schedule_resource_group_and_ledger():
    job = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))["publish"]
    assert job["resource_group"] == "publish"
    rules = " ".join(rule["if"] for rule in job["rules"])
    assert '"schedule"' in rules and '"web"' in rules and "$CI_DEFAULT_BRANCH" in rules
    assert job["script"] == ["make publish"]
    after = "\n".join(job["after_script"])
    assert "ledger/syndication.jsonl" in after and "ci.skip" in after and "[skip ci]" in after
