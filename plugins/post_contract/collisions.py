"""No two things Pelican writes share an address, and nothing is written outside output/.

Runs on the generators' lists before any writer: Pelican would otherwise stop the whole build with
"Failed to overwrite" (two posts with one slug in one year), "File name too long", or write a
page over the home page (`Slug: ../..`). Instead one post keeps the address and the other gets a
`path:line` message naming it, and is skipped. The keeper is the post the ledger says was shared
(its links are out there: a newcomer dated earlier must not take them over), else the one that
came first (by date, then by file name). Production stops on the message.

- `check_articles` (article_generator_pretaxonomy): articles against each other (address, and slug
  per language: the ledger, "Also on" links and Pelican's translations tell posts apart by slug),
  against the site's own pages (index, archives, feeds…), and tags/categories/authors whose
  different names make one address. Before taxonomies are built, so a skipped post leaves no trace.
- `check_pages` (all_generators_finalized): pages against everything written before them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .contract import Problem, display_path
from .facts import parse_header
from .names import NAME_MAX_BYTES, shorten, slug_max

#: (source path, problems) → called for each skipped post (the plugin records and logs them).
Report = Callable[[str, list[Problem]], None]
_ARTICLE_LISTS = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
                  "drafts_translations")
_PAGE_LISTS = ("pages", "translations", "hidden_pages", "hidden_translations", "draft_pages",
               "draft_translations")
_TAXONOMIES = (("tags", "tag", "TAG"), ("category", "category", "CATEGORY"), ("authors", "author", "AUTHOR"))


@dataclass
class Claim:
    """Who writes a path: a post's file, or a description such as "the archives page"."""

    owner: str
    detail: str = ""  # the path as the post wrote it (keys are case-folded: one folder on macOS)


def output_path(save_as: str) -> tuple[str | None, str]:
    """Normalised path inside output/, or (None, reason) when it leaves it or cannot be a file name."""
    path = (save_as or "").replace("\\", "/")
    if path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        return None, "outside"
    norm = posixpath.normpath(path)
    if norm == ".." or norm.startswith("../") or norm in (".", ""):
        return None, "outside"
    if any(len(part.encode("utf-8")) > NAME_MAX_BYTES for part in norm.split("/")):
        return None, "long"
    return norm, ""


def site_claims(settings) -> dict[str, Claim]:
    """Paths the site itself writes whatever the posts say: direct templates, feeds, sitemap…"""
    claims: dict[str, Claim] = {}
    for name in settings.get("DIRECT_TEMPLATES", []):
        save_as = settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html")
        if save_as:
            claims.setdefault(posixpath.normpath(save_as).casefold(), Claim(f"the site's {name} page"))
    for key in ("LECTERN_FEED_ALL_ATOM", "LECTERN_FEED_ALL_RSS"):
        if settings.get(key):
            claims.setdefault(posixpath.normpath(settings[key]).casefold(), Claim("the site's feed"))
    for meta in (settings.get("EXTRA_PATH_METADATA") or {}).values():
        if isinstance(meta, dict) and meta.get("path"):
            claims.setdefault(posixpath.normpath(meta["path"]).casefold(), Claim(f"the file {meta['path']}"))
    claims.setdefault("sitemap.xml", Claim("the sitemap"))
    return claims


def _line(source_path: str, *keys: str) -> int:
    try:
        with open(source_path, encoding="utf-8-sig", errors="replace") as handle:
            fields, _ = parse_header(handle.read())
    except OSError:
        return 1
    for key in keys:
        if key in fields:
            return fields[key].line
    return 1


def _order(content, shared: Shared | None = None) -> tuple:
    date = getattr(content, "date", None)
    return (shared.rank(content) if shared else 2,
            date.timestamp() if hasattr(date, "timestamp") else 0.0, content.source_path)


@dataclass(frozen=True)
class Shared:
    """What the syndication ledger says went out: such a post keeps its address, whatever date a
    newcomer claiming the same slug or tag page carries (its links are out there).

    Any record counts (a pending one may have gone out). The ledger reader never raises; its
    problems are reported by the syndication plugin, so they are not repeated here.
    """

    slugs: frozenset[str] = frozenset()
    hashes: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings) -> Shared:
        path = settings.get("SYNDICATION_LEDGER")
        if not path:
            return cls()
        from publish import ledger  # lazy: post_contract loads without the publish step's modules

        records = ledger.read(path).records
        return cls(frozenset(r["post"] for r in records if isinstance(r.get("post"), str)),
                   frozenset(r["hash"] for r in records if isinstance(r.get("hash"), str)))

    def rank(self, content) -> int:
        """0: this very file was shared (its hash is in the ledger); 1: its slug was; 2: neither."""
        if getattr(content, "slug", None) not in self.slugs:
            return 2
        from plugins.syndication.manifest import content_hash, read_source  # the ledger's own hash

        return 0 if content_hash(content, read_source(content)) in self.hashes else 1


def _address(save_as: str) -> str:
    return save_as.removesuffix("index.html") or "/"


class Site:
    """Addresses claimed so far in this build."""

    def __init__(self, settings):
        self.settings = settings
        self.paths: dict[str, Claim] = site_claims(settings)
        self.slugs: dict[tuple[str, str], object] = {}
        self.names: dict[tuple[str, str], tuple[str, object, str]] = {}
        self._paths: dict[tuple[str, str], tuple[str | None, str]] = {}  # see _taxonomy_path
        self._keys: dict[str, str] = {}  # name → _name_key(name)
        self._last: tuple[str, tuple[str | None, str]] | None = None  # see _output

    def content_problem(self, content, kind: str, save_as: str | None = None) -> list[Problem]:
        """Problems of one article or page against what is already claimed (nothing claimed yet).

        `save_as`: the content's `save_as` when the caller has it (Pelican formats it anew at every
        access)."""
        if save_as is None:
            save_as = getattr(content, "save_as", "") or ""
        if not save_as:
            return []  # not written (drafts)
        path, why = self._output(save_as)
        if why == "outside":
            message = (f'this {kind} would be written to "{save_as}", outside the site folder — check its '
                       '"Slug:", "Lang:" and "Save_as:" lines')
        elif why == "long":
            message = (f"this {kind}'s address has a part longer than {NAME_MAX_BYTES} bytes — shorten its "
                       f'"Slug:" (at most {slug_max(self.settings)} characters)')
        elif (other := self.paths.get(path.casefold())) is not None:
            case = (f" (as {_address(other.detail)}: addresses that differ only in capitals are one folder "
                    "on macOS and Windows)" if other.detail and other.detail != path else "")
            message = (f"this {kind}'s address {_address(path)} is already taken by {other.owner}{case} — "
                       f'give this {kind} another "Slug:" (or title)')
        else:
            return []
        source = content.source_path
        return [Problem(display_path(source), _line(source, "save_as", "slug", "lang", "title"), message)]

    def slug_problem(self, content) -> list[Problem]:
        other = self.slugs.get((content.slug, getattr(content, "lang", "")))
        if other is None:
            return []
        return [Problem(display_path(content.source_path), _line(content.source_path, "slug", "title"),
                        f'the slug "{content.slug}" is already used by {display_path(other.source_path)} '
                        '— posts are told apart by slug (translations, the syndication ledger, "Also '
                        'on" links): give this post another "Slug:" (or title)')]

    def taxonomy_problems(self, article) -> list[Problem]:
        problems = []
        for attr, what, kind in _TAXONOMIES:
            pattern = self.settings.get(f"{kind}_SAVE_AS", "") or ""
            for value in _values(article, attr):
                slug, name = value.slug, str(value)
                path, why = self._taxonomy_path(pattern, slug)
                other = self.names.get((what, slug))
                if why or not slug:
                    message = (f'the {what} "{shorten(name)}" has no usable web address — use letters or '
                               f"digits in the {what}")
                elif other is not None and other[0] != self._name_key(name):
                    where = _address(path or slug)
                    message = (f'the {what} "{shorten(name)}" gets the same address ({where})'
                               f' as the {what} "{shorten(other[2])}" in {display_path(other[1].source_path)}'
                               " — write it the same way in both posts, or make them differ within the first "
                               f"{slug_max(self.settings)} characters")
                else:
                    continue
                problems.append(Problem(display_path(article.source_path),
                                        _line(article.source_path, attr, what), message))
        return problems

    def _taxonomy_path(self, pattern: str, slug: str) -> tuple[str | None, str]:
        """`output_path` of a tag's, category's or author's page, once per pattern and slug (a
        tag's page is checked for every post that has the tag)."""
        key = (pattern, slug)
        found = self._paths.get(key)
        if found is None:
            found = self._paths[key] = output_path(pattern.format(slug=slug)) if pattern else (slug, "")
        return found

    def _output(self, save_as: str) -> tuple[str | None, str]:
        """`output_path(save_as)`; the last one is kept: a post is checked, then claimed."""
        last = self._last
        if last is None or last[0] != save_as:
            last = self._last = (save_as, output_path(save_as))
        return last[1]

    def _name_key(self, name: str) -> str:
        key = self._keys.get(name)
        if key is None:
            key = self._keys[name] = _name_key(name)
        return key

    def claim(self, content, kind: str, save_as: str | None = None) -> None:
        if save_as is None:
            save_as = getattr(content, "save_as", "") or ""
        if save_as:
            path = self._output(save_as)[0] or save_as
            self.paths[path.casefold()] = Claim(display_path(content.source_path), path)
        if kind == "post":
            self.slugs.setdefault((content.slug, getattr(content, "lang", "")), content)

    def claim_taxonomies(self, article) -> None:
        for attr, what, kind in _TAXONOMIES:
            for value in _values(article, attr):
                if (what, value.slug) not in self.names:
                    self.names[(what, value.slug)] = (_name_key(str(value)), article, str(value))
                    save_as = self.settings.get(f"{kind}_SAVE_AS", "").format(slug=value.slug)
                    if save_as:
                        self.paths.setdefault((output_path(save_as)[0] or save_as).casefold(),
                                              Claim(f'the {what} page of "{value}"'))


def _values(article, attr: str) -> list:
    values = getattr(article, attr, None)
    return values if isinstance(values, list) else [values] if values is not None else []


def _name_key(name: str) -> str:
    """Spellings Pelican merges on one page without surprise: case and spacing only."""
    return " ".join(name.casefold().split())


def _contents(generator, lists: Iterable[str]) -> list:
    seen, found = set(), []
    for attr in lists:
        for content in getattr(generator, attr, []) or []:
            if id(content) not in seen:
                seen.add(id(content))
                found.append(content)
    return found


def _drop(generator, lists: Iterable[str], skipped: list) -> None:
    ids = {id(c) for c in skipped}
    for attr in lists:
        items = getattr(generator, attr, None)
        if isinstance(items, list):
            items[:] = [c for c in items if id(c) not in ids]  # in place: the context shares the list
    for content in _contents(generator, lists):
        if getattr(content, "translations", None):
            content.translations = [t for t in content.translations if id(t) not in ids]
    generated = generator.context.get("generated_content", {})
    for content in skipped:
        generated.pop(content.get_relative_source_path(), None)


def check_articles(generator, report: Report) -> None:
    """article_generator_pretaxonomy: skip each article whose address or names clash."""
    site = Site(generator.settings)
    generator.context["lectern_site_claims"] = site
    skipped = []
    main = {id(a) for a in getattr(generator, "articles", [])}
    shared = Shared.from_settings(generator.settings)
    for article in sorted(_contents(generator, _ARTICLE_LISTS), key=lambda a: _order(a, shared)):
        save_as = getattr(article, "save_as", "") or ""  # once: a property Pelican recomputes
        scheduled = str(article.metadata.get("status", "published")).lower() != "draft"
        if not save_as and not scheduled:
            continue  # a draft: never written nor shared, checked once it is published
        problems = site.content_problem(article, "post", save_as) or site.slug_problem(article)
        if id(article) in main:
            problems += site.taxonomy_problems(article)
        if problems:
            skipped.append(article)
            report(article.source_path, problems)
            continue
        site.claim(article, "post", save_as)
        if id(article) in main:
            site.claim_taxonomies(article)
    _drop(generator, _ARTICLE_LISTS, skipped)


def check_pages(generators, report: Report) -> None:
    """all_generators_finalized: skip each page whose address is taken (pages come after posts)."""
    from pelican.generators import PagesGenerator, StaticGenerator

    site = None
    for generator in generators:
        site = site or generator.context.get("lectern_site_claims")
    if site is None:
        return
    for generator in generators:
        if isinstance(generator, StaticGenerator):
            for static in getattr(generator, "staticfiles", []):
                path, _ = output_path(getattr(static, "save_as", "") or "")
                if path:
                    site.paths.setdefault(path, Claim(display_path(static.source_path)))
    for generator in generators:
        if not isinstance(generator, PagesGenerator):
            continue
        skipped = []
        for page in sorted(_contents(generator, _PAGE_LISTS), key=lambda p: p.source_path):
            save_as = getattr(page, "save_as", "") or ""
            problems = site.content_problem(page, "page", save_as)
            if problems:
                skipped.append(page)
                report(page.source_path, problems)
            else:
                site.claim(page, "page", save_as)
        _drop(generator, _PAGE_LISTS, skipped)
    for generator in generators:
        generator.context.pop("lectern_site_claims", None)  # the render pools need not carry it
