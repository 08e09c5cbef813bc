"""Lectern production settings (``make build-prod`` / ``make publish``)."""

import os
import sys

sys.path.append(os.curdir)
sys.path.append(os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = os.environ.get("LECTERN_SITEURL", "https://insights.northwindledger.example")
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True

# Production is strict: a broken post or an error-level brand finding fails the build.
LECTERN_STRICT = True
BRAND_STRICT = True
