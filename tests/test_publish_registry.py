"""One channel registry: the list is written once, every adapter satisfies the Protocol, and each
channel has one label in the preview, the messages, the ledger's "Also on" names and the CLI table."""

from __future__ import annotations

import ast
import inspect
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fakes.harness import (  # noqa: F401 - fixtures
    REPO,
    fakes,
    ledger_records,
    post,
    settings_for,
    tweepy_to_fake,
    write_conf,
    write_manifest,
)

from plugins.post_contract.contract import CHANNELS as CONTRACT_CHANNELS
from publish import channels
from publish.channels import Channel, ChannelModule
from publish.channels.registry import (
    CHANNELS,
    IDS,
    INTERNAL,
    PUBLIC,
    default_limits,
    default_templates,
    label,
)
from publish.cli import main
from publish.ledger import syndication_links
from publish.settings import DEFAULTS

REGISTRY = REPO / "publish" / "channels" / "registry.py"
SCANNED = ("publish", "plugins", "tests/fakes", "bench", "pelicanconf.py", "publishconf.py")


# ---------------------------------------------------------------- written once
def channel_lists(source: str) -> list[int]:
    """Lines of tuple/list/set literals naming 3+ channel ids, and dicts keyed by 3+ of them."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            values = node.elts
        elif isinstance(node, ast.Dict):
            values = [k for k in node.keys if k is not None]
        else:
            continue
        named = {v.value for v in values if isinstance(v, ast.Constant) and v.value in IDS}
        if len(named) >= 3:
            found.append(node.lineno)
    return found


def python_files() -> list[Path]:
    files = []
    for name in SCANNED:
        path = REPO / name
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return [f for f in files if f != REGISTRY]


def test_the_detector_finds_planted_lists():
    assert channel_lists('A = ("x", "linkedin", "mastodon")') == [1]
    assert channel_lists('B = {\n"slack": 1, "teams": 2, "x": 3}') == [1]
    assert channel_lists('C = ["slack", "teams"]\nD = {"x": "X"}') == []
    assert channel_lists(REGISTRY.read_text(encoding="utf-8")) == []  # the registry builds, not lists


def test_the_channel_list_is_written_only_in_the_registry():
    files = python_files()
    assert len(files) > 40  # the scan really covers the code base
    offenders = [f"{f.relative_to(REPO)}:{line}" for f in files
                 for line in channel_lists(f.read_text(encoding="utf-8"))]
    assert offenders == [], "channel lists outside publish/channels/registry.py: " + ", ".join(offenders)


def test_every_place_reads_the_registry():
    assert CONTRACT_CHANNELS == IDS
    assert set(PUBLIC) | set(INTERNAL) == set(IDS) and not set(PUBLIC) & set(INTERNAL)
    assert list(DEFAULTS["SYNDICATION_CHANNELS"]) == list(IDS)
    assert DEFAULTS["SYNDICATION_TEMPLATES"] == default_templates()
    assert DEFAULTS["SYNDICATION_LIMITS"] == default_limits()
    assert DEFAULTS["MASTODON_MAX_CHARS"] == CHANNELS["mastodon"].limit
    assert sorted(channels.secret_env_names()) == sorted(
        {name for spec in CHANNELS.values() for name in spec.secret})
    for spec in CHANNELS.values():
        assert set(spec.secret) <= set(spec.env), spec.id


def test_readme_channel_table_matches_the_registry():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for spec in CHANNELS.values():
        limit = f"{spec.limit} {spec.counted}"
        if spec.limit_setting != "SYNDICATION_LIMITS":
            limit += f"; set `{spec.limit_setting}`"
        env = ", ".join(f"`{name}`" for name in spec.env)
        row = f"| `{spec.id}` | {spec.label} | {spec.audience} | `{spec.template}` | {limit} | {env} |"
        assert row in readme, row
    documented = {name for line in readme.splitlines() if line.startswith("| `")
                  for name in re.findall(r"`([A-Z_]+)`", line.split("|")[1])}
    assert set(channels.env_names()) <= documented  # the credentials table names every variable
    (contract_row,) = [line for line in readme.splitlines() if line.startswith("| `Channels` |")]
    assert re.findall(r"`([a-z]+)`(?=[,)])", contract_row) == list(IDS)


# ---------------------------------------------------------------- the Protocol
def params(function) -> list[str]:
    return [p for p in inspect.signature(function).parameters if p != "self"]


@pytest.mark.parametrize("channel", IDS)
def test_each_module_satisfies_the_protocol(channel, tmp_path, fakes, tweepy_to_fake):  # noqa: F811
    module = channels.module(channel)
    assert isinstance(module, ChannelModule)
    assert module.SPEC is CHANNELS[channel]
    assert params(module.configured) == params(ChannelModule.configured) == ["env", "settings"]
    assert params(module.connect) == params(ChannelModule.connect) == ["settings", "env"]
    settings = settings_for(tmp_path, fakes)
    env = fakes.env(channel)
    assert module.configured(env, settings) and not module.configured({}, settings)
    conn = module.connect(settings, env)
    assert isinstance(conn, Channel) and conn.spec is CHANNELS[channel]
    for method in ("post", "reconcile"):
        assert params(getattr(conn, method)) == params(getattr(Channel, method)) == ["item"]


def test_an_object_missing_reconcile_is_not_a_channel():
    class Half:
        spec = CHANNELS["x"]

        def post(self, item):
            return None

    assert not isinstance(Half(), Channel)


# ---------------------------------------------------------------- one label everywhere
def test_one_label_in_preview_messages_ledger_and_table(tmp_path, fakes, tweepy_to_fake, capsys):  # noqa: F811
    settings = settings_for(tmp_path, fakes)
    write_manifest(Path(settings["SYNDICATION_MANIFEST"]), [
        post("pub-one"), post("pub-two", date="2026-04-01T08:00:00+00:00"),
        post("int-one", audience="internal", date="2026-05-01T08:00:00+00:00"),
    ])
    conf = write_conf(tmp_path, settings)
    for fake in fakes.all():  # the first post on every channel fails with a real error answer
        fake.fail_next("400" if fake in (fakes.slack, fakes.teams) else "401")
    assert main(["--settings", str(conf)], env=fakes.env()) == 1
    captured = capsys.readouterr()

    preview = Path(settings["SYNDICATION_PREVIEW_DIR"])
    soup = BeautifulSoup((preview / "index.html").read_text(encoding="utf-8"), "html.parser")
    shown = {meta.get_text().split(" · ")[0] for meta in soup.select(".side > .meta")}
    assert shown == {spec.label for spec in CHANNELS.values()}

    plan = json.loads((preview / "plan.json").read_text(encoding="utf-8"))
    failed = [row for row in plan if row["status"] == "failed"]
    assert {row["channel"] for row in failed} == set(IDS)
    for row in failed:  # every channel's own error message starts with its label
        assert row["reason"].startswith(label(row["channel"]) + ":"), row
        assert f"{row['post']} → {row['channel']}: failed: {row['reason']}" in captured.err

    table = {line.split("│")[1].strip() for line in captured.out.splitlines() if line.count("│") >= 6}
    assert table - {"channel"} == {spec.label for spec in CHANNELS.values()}

    links = syndication_links(ledger_records(settings))
    names = {(link["channel"], link["name"]) for copies in links.values() for link in copies}
    assert names == {(c, CHANNELS[c].label) for c in PUBLIC}  # webhooks have no public copy
