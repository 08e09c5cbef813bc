"""Signal receivers for the post_contract plugin (module level: Pelican holds receivers weakly)."""

from __future__ import annotations

import logging
import os

from pelican import signals
from pelican.contents import Article
from pelican.readers import MarkdownReader
from pelican.utils import get_date

from plugins.edition import is_internal
from plugins.settings import value_of

from . import collisions, images, invisible
from .contract import CHANNELS, Problem, check_header, decode_source, display_path, split_list
from .facts import parse_header
from .names import check_names, install_slug_cap
from .placeholders import check_placeholders
from .text_fields import TextFieldsMixin

logger = logging.getLogger(__name__)

#: Problems found in this build, by source path (a dict so the content cache cannot double-count).
BROKEN: dict[str, list[Problem]] = {}
ERROR_KEY = "lectern_error"
#: Problems that leave the post on the dev site (a warning) but stop a production build, by path.
HELD: dict[str, list[Problem]] = {}
WARNING_KEY = "lectern_warnings"


class ContractMarkdownReader(TextFieldsMixin, MarkdownReader):
    """Pelican's Markdown reader, preceded by the contract checks.

    A broken post becomes a `status: skip` stub carrying its message, which Pelican drops quietly;
    the message is logged by `record_problem` from the generator-context signal, which also fires
    when the reader's result comes from Pelican's content cache.
    """

    def read(self, source_path):
        with open(source_path, "rb") as handle:
            data = handle.read()
        text, problem = decode_source(source_path, data)
        invisible_found: list[Problem] = []
        if problem is not None:
            problems = [problem]
        else:
            # Invisible characters: the post is built without them (a warning in dev) and a
            # production build stops (`record_held`), so nobody publishes what they cannot see.
            invisible_found = invisible.problems(display_path(source_path), text)
            text = invisible.clean(text)
            is_article = _is_article_path(self.settings, source_path)
            problems = check_header(source_path, text, is_article=is_article, parse_date=get_date)
            problems += check_names(source_path, text, self.settings)
        if problems:
            return "", {"status": "skip", ERROR_KEY: invisible_found + problems}
        content, metadata = self.finish_text(text, *super().read(source_path))
        warnings = invisible_found + check_placeholders(source_path, text)
        if warnings:
            metadata[WARNING_KEY] = warnings
        return content, metadata


def _is_article_path(settings, source_path: str) -> bool:
    path = source_path.replace("\\", "/")
    return any(f"/{p.strip('/')}/" in path for p in settings.get("ARTICLE_PATHS", []) if p)


def use_contract_reader(readers) -> None:
    for extension in ContractMarkdownReader.file_extensions:
        readers.reader_classes[extension] = ContractMarkdownReader


def record_problem(generator, metadata) -> None:
    record_held(metadata.pop(WARNING_KEY, None), generator.settings)
    problems = metadata.pop(ERROR_KEY, None)
    if not problems:
        return
    BROKEN[problems[0].path] = problems
    for problem in problems:
        logger.error("%s", problem)


def record_held(problems: list[Problem] | None, settings) -> None:
    """A warning in dev (the post is built), an error that stops production."""
    if not problems:
        return
    known = HELD.setdefault(problems[0].path, [])
    for problem in problems:
        if problem in known:
            continue
        known.append(problem)
        logger.log(logging.ERROR if value_of(settings, "LECTERN_STRICT") else logging.WARNING, "%s", problem)


def annotate(content) -> None:
    """Give templates and the syndication plugin ready-made values instead of raw metadata."""
    if not isinstance(content, Article):
        return
    meta = content.metadata
    content.audience = str(meta.get("audience", "public")).strip().lower()
    channels = meta.get("channels")
    content.channels = [c for c in split_list(channels) if c in CHANNELS] if channels else None
    content.card_image = _absolute_image(content, meta.get("image"))


#: This build's checked `Image:` values: (value, folders, site URL, allowed) → CardImage. Posts
#: share a few images; each check resolves two real paths and reads the file's first bytes.
#: Emptied at the start of every build (`get_generators`): an image may change between builds.
_IMAGES: dict[tuple, images.CardImage] = {}


def forget_images(*_args) -> None:
    """get_generators (a receiver: returns None, so it adds no generator)."""
    _IMAGES.clear()


def _absolute_image(content, image) -> str | None:
    """The card image's URL, or None (with a message) when `Image:` is not a file under content/images/."""
    settings = content.settings
    allow = value_of(settings, "LECTERN_ALLOW_EXTERNAL_IMAGES")
    root, siteurl = settings.get("PATH") or "content", str(settings.get("SITEURL", ""))
    key = (str(image or ""), root, os.getcwd(), siteurl, allow)
    checked = _IMAGES.get(key)
    if checked is None:
        checked = _IMAGES[key] = images.card_image(image, content_root=root, siteurl=siteurl,
                                                   allow_external=allow)
    if checked.problem:
        source = getattr(content, "source_path", None) or ""
        record_held([Problem(display_path(source), _field_line(source, "image"),
                             checked.problem)], settings)
    return checked.url


def _field_line(source_path: str, key: str) -> int:
    """Line of a header field, read again only when there is something to report."""
    try:
        with open(source_path, encoding="utf-8-sig", errors="replace") as handle:
            fields, _ = parse_header(handle.read())
    except OSError:
        return 1
    field = fields.get(key)
    return field.line if field else 1


def hold_back_internal(generator) -> None:
    """Internal posts never reach public listings, taxonomies, feeds, sitemap or pages.

    The internal edition (LECTERN_EDITION = "internal") keeps them where Pelican put them, so they
    are listed and written like public posts (drafts and scheduled ones stay drafts, never written).
    """
    if is_internal(generator.settings):
        generator.internal_articles = []  # nothing held back: they are in `articles` already
        return
    internal = []
    for attr in ("articles", "translations", "hidden_articles", "hidden_translations",
                 "drafts", "drafts_translations"):
        kept = []
        for article in getattr(generator, attr, []):
            (internal if getattr(article, "audience", "public") == "internal" else kept).append(article)
        setattr(generator, attr, kept)
    generator.internal_articles = internal
    for article in internal:
        generator.context.get("generated_content", {}).pop(article.get_relative_source_path(), None)


class _NoPhantomTags(dict):
    """A tag lookup that answers [] for unknown tags without creating them.

    pelican-related-posts reads `generator.tags[tag]` for drafts too; on Pelican's defaultdict
    that creates an empty tag, and Pelican then writes a public tag page named after a draft's
    tag. Replacing the defaultdict keeps draft tags off the site.
    """

    def __missing__(self, key):
        return []


def seal_tags(generator) -> None:
    generator.tags = _NoPhantomTags(generator.tags)


def record_skipped(source_path: str, problems: list[Problem]) -> None:
    """A post skipped after reading (its address clashes): counted and listed like a broken one."""
    BROKEN[problems[0].path] = problems
    for problem in problems:
        logger.error("%s", problem)


def check_article_names(generator) -> None:
    collisions.check_articles(generator, record_skipped)


def check_page_names(generators) -> None:
    collisions.check_pages(generators, record_skipped)


def report_broken(pelican) -> None:
    held = sorted((p for found in HELD.values() for p in found), key=str)
    held_posts = len(HELD)
    HELD.clear()
    if held:
        logger.warning(
            "%d %s built, but not ready for production:\n%s",
            held_posts, "post" if held_posts == 1 else "posts", "\n".join(f"  {p}" for p in held),
        )
    if not BROKEN:
        if held and value_of(pelican.settings, "LECTERN_STRICT"):
            logger.error("Production build stopped: fix the problems above.")
            raise SystemExit(1)
        return
    count = len(BROKEN)
    problems = sorted((p for found in BROKEN.values() for p in found), key=str)
    BROKEN.clear()  # `make regenerate` reuses the process: the next build starts clean
    noun = "post" if count == 1 else "posts"
    logger.warning(
        "%d broken %s skipped (the rest of the site was built):\n%s",
        count, noun, "\n".join(f"  {problem}" for problem in problems),
    )
    if value_of(pelican.settings, "LECTERN_STRICT"):
        logger.error("Production build stopped: fix the %d broken %s above.", count, noun)
        raise SystemExit(1)


def register() -> None:
    signals.initialized.connect(install_slug_cap)
    signals.get_generators.connect(forget_images)
    signals.readers_init.connect(use_contract_reader)
    signals.article_generator_context.connect(record_problem)
    signals.page_generator_context.connect(record_problem)
    signals.content_object_init.connect(annotate)
    signals.article_generator_pretaxonomy.connect(hold_back_internal)
    signals.article_generator_pretaxonomy.connect(check_article_names)  # after hold_back_internal
    signals.all_generators_finalized.connect(check_page_names)  # before any writer
    signals.article_generator_finalized.connect(seal_tags)  # before pelican-related-posts
    signals.finalized.connect(report_broken)
