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

# Nothing of the dev build (pelicanconf.py) reaches production: no draft or scheduled post is
# written anywhere, no banner, no brand panel (plugins/dev_preview also refuses them in any strict
# build, whatever these say).
LECTERN_DEV = False
DRAFT_URL = ""
DRAFT_SAVE_AS = ""
DRAFT_PAGE_URL = ""
DRAFT_PAGE_SAVE_AS = ""
WITH_FUTURE_DATES = False

# Going live (`make deploy`; README "Going live"). The environment variable DEPLOY_TARGET wins, so
# CI can set the target without editing this file. Examples:
# DEPLOY_TARGET = "s3://insights-northwindledger"  # or ssh://deploy@web.example/var/www, gh-pages
# DEPLOY_MAX_DELETES = 256  # more deletions need `make deploy FORCE=1`
# DEPLOY_CACHE_CONTROL = [("theme/*", "public, max-age=31536000, immutable")]  # before the defaults
# DEPLOY_CLOUDFRONT_ID = ""  # invalidate changed paths after a deploy (or env DEPLOY_CLOUDFRONT_ID)

# Internal edition (`make build-internal` → output-internal/, internalconf.py; README "Internal edition"):
# public posts plus `Audience: internal` ones, for staff only. Its address is where Slack/Teams messages
# for internal posts link; "" (unset): those messages carry the post's text and no link. The environment
# variables of the same names win. `make deploy` deploys it to INTERNAL_DEPLOY_TARGET (never the public one).
INTERNAL_SITEURL = os.environ.get("INTERNAL_SITEURL", "")  # e.g. "https://insights.internal.northwindledger.example"
# INTERNAL_DEPLOY_TARGET = "s3://insights-internal"  # or ssh://deploy@intranet.example/var/www/insights
