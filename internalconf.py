"""Lectern internal edition settings (``make build-internal``; README "Internal edition").

Everything publishconf.py says, plus: the site lives at INTERNAL_SITEURL, is written to
output-internal/ (git-ignored) with its own build folder and manifest (the public ones are never
touched), and LECTERN_EDITION = "internal" tells the plugins and the theme to keep internal posts,
show the "Internal" banner, mark every page noindex and write a robots.txt that disallows
everything (plugins/edition). Still strict: a broken post or a brand error stops the build.
"""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))
import publishconf as _public  # noqa: E402
from publishconf import *  # noqa: E402,F401,F403

_ROOT = os.path.dirname(os.path.abspath(__file__))

LECTERN_EDITION = "internal"
PUBLIC_SITEURL = _public.SITEURL  # plugins/edition refuses an internal edition at the public address
INTERNAL_SITEURL = (os.environ.get("INTERNAL_SITEURL") or _public.INTERNAL_SITEURL or "").strip()
SITEURL = INTERNAL_SITEURL.rstrip("/")
OUTPUT_PATH = os.path.join(_ROOT, "output-internal")
LECTERN_BUILD_DIR = os.path.join(_ROOT, "build", "internal")  # its own manifest, report and lock
SYNDICATION_MANIFEST = os.path.join(LECTERN_BUILD_DIR, "manifest.json")
# robots.txt is written by plugins/edition (disallow everything), not copied from content/extra/.
STATIC_PATHS = [p for p in STATIC_PATHS if p != "extra/robots.txt"]  # noqa: F405
EXTRA_PATH_METADATA = {k: v for k, v in EXTRA_PATH_METADATA.items() if k != "extra/robots.txt"}  # noqa: F405
# plugins.edition before fast_reader, which must stay last.
_LAST = [p for p in _public.PLUGINS if p == "plugins.fast_reader"]
# plugins.amplify: the share kit's pages at amplify/<slug>/ (publish/amplify/), internal edition only.
PLUGINS = [*(p for p in _public.PLUGINS if p not in _LAST), "plugins.edition", "plugins.amplify", *_LAST]
# Internal feeds name no WebSub hub: a public hub cannot read them, and should not learn their URLs.
WEBSUB_HUB = ""
