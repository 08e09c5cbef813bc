"""Lectern development settings (``make html``).

``publishconf.py`` imports everything from here and adds production overrides, the same split as
Pelican's quickstart. Settings Lectern adds are documented in README.md ("Configuration reference").
"""

import os
import sys

# Pelican imports this file by path; make the repo root importable so plugins can share `publish/`.
_ROOT = os.path.dirname(os.path.abspath(__file__))
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

AUTHOR = "Dana Whitfield"
SITENAME = "Northwind Ledger — Insights"
SITESUBTITLE = "Field notes on trusted B2B finance operations from the Northwind Ledger leadership team"
SITEURL = "http://localhost:8000"
SITE_LOCALE = "en_US"
COMPANY = "Northwind Ledger"

PATH = "content"
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "extra/robots.txt"]
EXTRA_PATH_METADATA = {"extra/robots.txt": {"path": "robots.txt"}}

TIMEZONE = "Europe/London"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

THEME = os.path.join(_ROOT, "theme")
# Metadata is text: the theme's templates escape every value (Jinja autoescape); the post body and
# the rendered Summary are marked `|safe` where shown. `|plain` turns that HTML into text with a
# real parser (publish/text.py) for <title>, meta tags and JSON-LD; `|words` counts a body's words as
# `|striptags|wordcount` would, at a third of the cost. `True`, not select_autoescape():
# Pelican pickles the settings into its content cache (a closure cannot be pickled), and every
# template this environment renders is HTML.
from publish.text import plain_text, word_count  # noqa: E402

# auto_reload off: a build never edits its templates, so Jinja need not stat each one at every
# render, import and extends (a theme edit starts a new build, which makes a new environment).
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "extensions": [], "autoescape": True,
                     "auto_reload": False}
JINJA_FILTERS = {"plain": plain_text, "words": word_count}
DEFAULT_PAGINATION = 6
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# Clean URLs
ARTICLE_URL = "posts/{date:%Y}/{slug}/"
ARTICLE_SAVE_AS = "posts/{date:%Y}/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
ARCHIVES_SAVE_AS = "archives/index.html"
TAGS_SAVE_AS = "tags/index.html"
CATEGORIES_SAVE_AS = "categories/index.html"
AUTHORS_SAVE_AS = "authors/index.html"
# theme/templates/404.html is written as output/404.html (point the web server's error page at it).
DIRECT_TEMPLATES = ["index", "tags", "categories", "authors", "archives", "404"]
# A dev build (`make html`, the dev server): drafts and scheduled posts (Pelican turns a future-dated
# post into a draft) are previewed at drafts/<slug>/ with a "Draft" / "Scheduled for …" banner, never
# listed, in feeds, the sitemap, related posts or the manifest; the article page also lists the post's
# brand findings (plugins/dev_preview). publishconf.py switches all of it off explicitly.
LECTERN_DEV = True
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_URL = ""
WITH_FUTURE_DATES = False
SLUGIFY_SOURCE = "title"
DEFAULT_CATEGORY = "Insights"

# Pelican's own feed writer is off: plugins/feeds (feedgen) is the single feed writer.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
FEED_ATOM = None
FEED_RSS = None
FEED_MAX_ITEMS = 20
# Feed paths written by plugins/feeds are LECTERN_*FEED_* (plugins/settings.py; "" turns one kind
# off), e.g. LECTERN_TAG_FEED_RSS = "" for no RSS feed per tag. The theme links to them.

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.codehilite": {"css_class": "highlight"},
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.toc": {"permalink": False},
        "markdown.extensions.smarty": {},
    },
    "output_format": "html5",
}

# Our plugins by their one dotted name (the repo root is on sys.path, above): the same module
# objects the rest of the code imports as `plugins.<name>`. No PLUGIN_PATHS: a short name such as
# "brand_guard" would load a second copy of the package.
PLUGINS = [
    "plugins.buildlog",  # first: plain one-line logs without a terminal; every rebuild logs in full
    "plugins.settings",  # checks every Lectern setting and fills in its default
    "plugins.gcpause",  # cycle collection all but paused while a build runs (FAST_GC_PAUSE)
    "plugins.post_contract",
    "plugins.brand_guard",
    "plugins.feeds",
    "plugins.syndication",
    "plugins.dev_preview",  # dev builds only (LECTERN_DEV): draft banners; inert in production
    "pelican.plugins.sitemap",
    "pelican.plugins.neighbors",
    "pelican.plugins.related_posts",
    "pelican.plugins.readtime",
    "plugins.fast_reader",  # last: wraps whichever Markdown reader the plugins above registered
]

SITEMAP = {
    "format": "xml",
    "priorities": {"articles": 0.8, "indexes": 0.5, "pages": 0.5},
    "changefreqs": {"articles": "monthly", "indexes": "daily", "pages": "monthly"},
    "exclude": ["tag/", "category/", "author/", r"^404\.html$"],
}
RELATED_POSTS_MAX = 3
READTIME_WPM = 230

# Authors: display data for bylines, author pages, OpenGraph and `fediverse:creator`.
AUTHORS_INFO = {
    "Dana Whitfield": {
        "role": "Chief Executive Officer",
        "bio": (
            "Dana co-founded Northwind Ledger after fifteen years running finance operations "
            "for mid-market manufacturers."
        ),
        "fediverse": "@dana@social.northwindledger.example",
        "x": "danawhitfield",
        "linkedin": "https://www.linkedin.com/in/dana-whitfield-example",
    },
    "Marcus Oyelaran": {
        "role": "Chief Technology Officer",
        "bio": "Marcus leads engineering and security at Northwind Ledger.",
        "fediverse": "@marcus@social.northwindledger.example",
        "x": "moyelaran",
    },
    "Priya Raman": {
        "role": "Chief Customer Officer",
        "bio": "Priya runs customer success and partnerships, and writes about long customer relationships.",
        "linkedin": "https://www.linkedin.com/in/priya-raman-example",
    },
}
SOCIAL_X_SITE = "northwindledger"

# Sidebar / footer links (plain links: no third-party scripts, no trackers).
MENUITEMS = [("Archives", "/archives/"), ("Topics", "/tags/")]
DISPLAY_PAGES_ON_MENU = True
DISPLAY_CATEGORIES_ON_MENU = False

# Lectern's own settings (brand guard, strictness, build reports, feeds, syndication) are declared
# with their types, defaults and meaning in plugins/settings.py and checked at every build; set one
# here only to differ from its default. Relative paths are relative to this folder. For example:
# BRAND_CONFIG = "brand.yml"  # "" turns the brand guard off
# LECTERN_BUILD_DIR = "build"  # never deployed: manifest, brand report
# (publishconf.py sets LECTERN_STRICT and BRAND_STRICT for production.)

LOAD_CONTENT_CACHE = False
RELATIVE_URLS = False

# ---- Syndication (publish/)  — `make preview` / `make publish`; secrets come only from the environment.
# The channels, their labels, default templates and limits are listed once, in
# publish/channels/registry.py; set these only to differ from it:
# SYNDICATION_CHANNELS = ["linkedin", "mastodon"]  # switch the other networks off
# SYNDICATION_TEMPLATES = {"x": "{text} {url}"}  # {text} = Social_<id> / Social / Summary;
#                                                # {url} = canonical URL + UTM; {title}, {author}
# SYNDICATION_LIMITS = {"linkedin": 1500}  # maximum length per channel id, counted its own way
# SYNDICATION_MAX_PER_RUN = 3  # per channel, so a backlog never floods a feed
# SYNDICATION_REQUIRE_LIVE = True  # share once the page answers 200 (default None: with a DEPLOY_TARGET)
# SYNDICATION_LIVE_TIMEOUT = 300  # seconds make publish waits for new pages; later ones wait for the next run
# SYNDICATION_CONFIDENTIAL_INTERNAL = True  # internal posts naming a code name may go to Slack/Teams
# WEBSUB_HUB = "https://pubsubhubbub.appspot.com/"  # every feed names it; publish pings it per changed feed
# MASTODON_API_BASE = "https://social.northwindledger.example"  # your instance (or env MASTODON_API_BASE)
# MASTODON_MAX_CHARS = 500  # your instance's configuration.statuses.max_characters
# BLUESKY_API_BASE = "https://bsky.social"  # your PDS
