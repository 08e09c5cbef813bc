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

# Going live (`make deploy`; README "Going live"). The environment variable DEPLOY_TARGET wins, so
# CI can set the target without editing this file. Examples:
# DEPLOY_TARGET = "s3://insights-northwindledger"  # or ssh://deploy@web.example/var/www, gh-pages
# DEPLOY_MAX_DELETES = 256  # more deletions need `make deploy FORCE=1`
# DEPLOY_CACHE_CONTROL = [("theme/*", "public, max-age=31536000, immutable")]  # before the defaults
# DEPLOY_CLOUDFRONT_ID = ""  # invalidate changed paths after a deploy (or env DEPLOY_CLOUDFRONT_ID)
