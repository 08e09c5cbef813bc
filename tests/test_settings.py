"""Lectern's settings are declared once (plugins/settings.py) and checked at `initialized`.

Wrong types stop the build with a message naming the setting; unknown names with our prefixes,
or close to one of ours, get a "did you mean"; relative paths resolve against the repository,
never the working directory; the publish step reads the same declarations.
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from inprocess import build, post
from sitebuild import REPO, build_site

from plugins import settings as schema


def test_every_default_is_written_once():
    """pelicanconf.py sets a Lectern setting only to differ from its declared default."""
    import pelicanconf
    import publishconf

    for module in (pelicanconf, publishconf):
        for name in schema.DECLARED:
            if hasattr(module, name) and module is pelicanconf:
                assert getattr(module, name) != schema.complete({})[name], f"{name} repeats its default"
    assert publishconf.LECTERN_STRICT is True and publishconf.BRAND_STRICT is True
    from publish.settings import DEFAULTS

    assert DEFAULTS == schema.complete({})  # the publish step's defaults are the build's


def test_no_call_site_converts_a_raw_setting_or_repeats_a_default():
    ours = "|".join(schema.DECLARED)
    bare = re.compile(rf"\b(?:float|int|bool|str|Path)\(\s*(?:self\.)?settings(?:\.get\(|\[)\"(?:{ours})\""
                      rf"|settings\.get\(\"(?:{ours})\"(?:\s*,|\)\s*or\b)")
    found = [f"{path.relative_to(REPO)}:{number}" for folder in ("plugins", "publish")
             for path in sorted((REPO / folder).rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if bare.search(line)]
    assert found == []


@pytest.mark.parametrize("name, value, expect", [
    ("SYNDICATION_TIMEOUT", "20", "must be a number of seconds above 0"),
    ("SYNDICATION_TIMEOUT", True, "must be a number of seconds above 0"),
    ("SYNDICATION_MAX_PER_RUN", 2.5, "must be a whole number"),
    ("SYNDICATION_MAX_PER_RUN", -1, "must be a whole number, 0 or more"),
    ("BRAND_STRICT", "yes", "must be True or False"),
    ("LECTERN_STRICT", 1, "must be True or False"),
    ("FAST_READER_PROCESSES", 0, "must be None or a whole number, 1 or more"),
    ("SYNDICATION_CHANNELS", ["x", "twitter"], "'twitter' is not a channel"),
    ("SYNDICATION_CHANNELS", "x, linkedin", "must be a list of channel ids"),
    ("SYNDICATION_LIMITS", {"linkedin": "1500"}, "the value for 'linkedin' must be a whole number"),
    ("SYNDICATION_TEMPLATES", {"myspace": "{text}"}, "'myspace' is not a channel"),
    ("LECTERN_BUILD_DIR", 3, "must be a file or folder path"),
    ("LECTERN_TAG_FEED_RSS", None, "must be text in quotes"),
])
def test_a_wrong_type_is_an_error_naming_the_setting(name, value, expect):
    errors, _ = schema.check({name: value})
    assert len(errors) == 1
    assert errors[0].startswith(f"{name} = {value!r}: ") and expect in errors[0]
    assert f"— e.g. {name} = " in errors[0]
    with pytest.raises(schema.SettingsError, match=re.escape(name)):
        schema.value_of({name: value}, name)


@pytest.mark.parametrize("key, hint", [
    ("SYNDICATON_MAX_PER_RUN", "did you mean SYNDICATION_MAX_PER_RUN?"),
    ("SYNDICATION_MAX_PER_RUNS", "did you mean SYNDICATION_MAX_PER_RUN?"),
    ("BRAND_CONFG", "did you mean BRAND_CONFIG?"),
    ("LECTERN_STIRCT", "did you mean LECTERN_STRICT?"),
    ("FAST_READER_PROCESES", "did you mean FAST_READER_PROCESSES?"),
    ("WEBSUB_HUB_URL", "did you mean WEBSUB_HUB?"),
    ("WEBSUB_SECRET", "it is ignored"),
    ("DEPLOY_TARGTE", "did you mean DEPLOY_TARGET?"),
    ("DEPLOY_BUCKET", "it is ignored"),
    ("INTERNAL_SITE_URL", "did you mean INTERNAL_SITEURL?"),
])
def test_unknown_keys_with_our_prefixes_or_close_to_our_names_warn(key, hint):
    errors, warnings = schema.check({key: 1, "SITEMAP": {}, "COMPANY": "x", "CATEGORY_FEED_ATOM": None},
                                    known={"CATEGORY_FEED_ATOM"})
    assert errors == []
    assert warnings == [f"{key} is not a Lectern setting — {hint}" if hint.startswith("did") else
                        f"{key} is not a Lectern setting — {hint}; Lectern's settings are listed in "
                        "plugins/settings.py"]


def test_relative_paths_resolve_against_the_repository_not_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = {"BRAND_CONFIG": "brand.yml", "LECTERN_BUILD_DIR": "out/build",
                "SYNDICATION_LEDGER": "l.jsonl"}
    assert schema.value_of(settings, "BRAND_CONFIG") == REPO / "brand.yml"
    assert schema.value_of(settings, "SYNDICATION_MANIFEST") == REPO / "out" / "build" / "manifest.json"
    assert schema.value_of(settings, "SYNDICATION_LEDGER") == REPO / "l.jsonl"
    assert schema.value_of({"BRAND_CONFIG": ""}, "BRAND_CONFIG") is None  # the guard is off
    assert schema.value_of({"BRAND_CONFIG": tmp_path / "b.yml"}, "BRAND_CONFIG") == tmp_path / "b.yml"
    typed = schema.read({"SYNDICATION_TIMEOUT": 5, "SYNDICATION_LIMITS": {"x": 200}}, schema.Syndication)
    assert typed.timeout == 5.0 and isinstance(typed.timeout, float)
    assert typed.limits["x"] == 200 and typed.limits["linkedin"] == 3000  # the rest from the registry
    assert typed.channels == tuple(schema.channel_registry.IDS)


def test_build_warns_did_you_mean_and_fills_in_the_defaults(tmp_path, caplog):
    content = tmp_path / "content"
    post(content, "closing-the-books")
    with caplog.at_level(logging.WARNING):
        site = build(tmp_path, content, SYNDICATON_MAX_PER_RUN=5, CATEGORY_FEED_ATOM=None)
    warned = [r.getMessage() for r in caplog.records if r.getMessage().startswith("settings:")]
    assert warned == ["settings: SYNDICATON_MAX_PER_RUN is not a Lectern setting — did you mean "
                      "SYNDICATION_MAX_PER_RUN?"]  # Pelican's own CATEGORY_FEED_ATOM is not ours
    assert site.settings["SYNDICATION_MAX_PER_RUN"] == 3  # the default, filled in for templates
    assert site.settings["LECTERN_FEED_ALL_ATOM"] == "feeds/all.atom.xml"
    assert (site.output / "feeds" / "all.atom.xml").is_file()
    assert 'href="http://localhost:8000/feeds/all.atom.xml"' in site.read("index.html")


@pytest.mark.parametrize("name, value", [
    ("SYNDICATION_TIMEOUT", "20"), ("BRAND_STRICT", "yes"), ("BRAND_CONFIG", 3), ("FAST_READER_PROCESSES", 0),
])
def test_build_with_a_wrong_type_stops_with_a_message_naming_it(tmp_path, name, value):
    result = build_site(tmp_path, settings={name: value})
    assert result.returncode != 0
    assert name in result.log and "must be" in result.log, result.log[-2000:]
    assert "Traceback" not in result.log
    assert not (tmp_path / "output" / "index.html").exists()


def test_publish_reads_the_same_schema(tmp_path):
    conf = tmp_path / "conf.py"
    conf.write_text(f"import sys; sys.path.insert(0, {str(REPO)!r})\nfrom publishconf import *  # noqa\n"
                    "SYNDICATION_TIMEOUT = '20'\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "publish", "--settings", str(conf), "--preview-only"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "publish: settings: SYNDICATION_TIMEOUT = '20': must be a number of seconds above 0" in done.stderr
    from publish.settings import load

    conf.write_text(conf.read_text(encoding="utf-8").replace("'20'", "7"), encoding="utf-8")
    loaded = load(conf)
    assert loaded["SYNDICATION_TIMEOUT"] == 7.0
    assert loaded["BRAND_CONFIG"] == str(REPO / "brand.yml")
    assert Path(loaded["SYNDICATION_MANIFEST"]) == REPO / "build" / "manifest.json"
