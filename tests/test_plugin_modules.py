"""Each of our modules exists once: Pelican loads the plugins by the dotted names the code imports.

A package loaded as `brand_guard` by Pelican and imported as `plugins.brand_guard` elsewhere is two
modules: two brand.yml caches (parsed and self-tested twice) and two `BrandConfigError` classes, so
an `except` for one misses the other. The build runs in-process, in a fresh interpreter, so
`sys.modules` afterwards holds exactly what a `pelican` run imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sitebuild import REPO

SCRIPT = r"""
import json, os, sys
repo, conf, out = sys.argv[1:4]
sys.path.insert(0, repo)
import yaml

parsed = []  # every brand.yml parse, whichever copy of the guard asks
_compose = yaml.compose
def compose(text, *args, **kwargs):
    parsed.append(len(text))
    return _compose(text, *args, **kwargs)
yaml.compose = compose

from pelican import Pelican
from pelican.settings import read_settings

settings = read_settings(conf, override={
    "PATH": os.path.join(repo, "content"), "OUTPUT_PATH": os.path.join(out, "output"),
    "LECTERN_BUILD_DIR": os.path.join(out, "build"), "CACHE_PATH": os.path.join(out, "cache"),
    "SYNDICATION_MANIFEST": os.path.join(out, "build", "manifest.json"),
    "SYNDICATION_LEDGER": os.path.join(out, "ledger.jsonl"),
    "FAST_READER_MIN_POOL": 1, "FAST_WRITER_MIN_POOL": 1,
})
Pelican(settings).run()
names = {}
for name, module in list(sys.modules.items()):
    path = getattr(module, "__file__", None)
    if path and os.path.realpath(path).startswith(repo + os.sep) and os.sep + ".venv" + os.sep not in path:
        names.setdefault(os.path.realpath(path), []).append(name)
print(json.dumps({"modules": names, "parsed": len(parsed), "plugins": settings["PLUGINS"]}))
"""


def _build_in_process(tmp_path, conf: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(REPO), str(REPO / f"{conf}.py"), str(tmp_path)],
        cwd=REPO, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("conf", ["pelicanconf", "publishconf"])
def test_every_module_is_loaded_once_and_brand_yml_parsed_once(tmp_path, conf):
    result = _build_in_process(tmp_path, conf)
    modules = result["modules"]
    twice = {path: names for path, names in modules.items() if len(names) > 1}
    assert not twice, f"modules loaded under two names: {twice}"
    loaded = {name for names in modules.values() for name in names}
    # The whole pipeline ran: every plugin package and the guard's modules are there, by one name.
    for name in ("plugins.post_contract", "plugins.brand_guard.core", "plugins.feeds",
                 "plugins.syndication.manifest", "plugins.fast_reader.brand", "publish.ledger"):
        assert name in loaded
    assert not {name for name in loaded if name.split(".")[0] in
                ("brand_guard", "fast_reader", "post_contract", "feeds", "syndication")}
    # The guard plugin, fast_reader's background check and the syndication plugin all ask for
    # brand.yml; one parse (and one self-test run) serves them all.
    assert result["parsed"] == 1


def test_short_plugin_names_are_not_our_plugins():
    """Pelican's settings use the dotted names; a short name would load a second copy."""
    sys.path.insert(0, str(REPO))
    import pelicanconf

    ours = [p for p in pelicanconf.PLUGINS if not p.startswith("pelican.")]
    assert ours and all(p.startswith("plugins.") for p in ours)
    assert not hasattr(pelicanconf, "PLUGIN_PATHS")
