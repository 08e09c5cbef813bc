"""Web addresses made from a post's names: capped, inside their folder, never empty (issue 9 point 3).

Every slug becomes a folder name in output/ (`posts/2026/<slug>/index.html`, `tag/<slug>/`…). A
256-character title used to crash the build with "File name too long", and `Slug: ../..` with an
overwrite error. Two hooks fix that at their depth:

- `install_slug_cap` (at `initialized`) appends a cut to Pelican's own `*_REGEX_SUBSTITUTIONS`,
  so every slug Pelican derives — articles and pages from titles, tags, categories, authors — is at
  most LECTERN_SLUG_MAX characters, cut at a hyphen (a word boundary) when one is near the limit.
- `check_names` (in the contract reader) refuses, with `path:line`, an explicit `Slug:` that is
  empty, too long, or not a single safe path segment, and a title, tag, category or author whose
  slug would be empty or unsafe. An explicit `Slug:` longer than the cap is an error rather than
  silently cut: the writer chose that address, maybe already shared it, so we do not change it.

Collisions between posts need the whole site and live in `collisions.py`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pelican.utils import slugify

from plugins.settings import value_of

from .contract import Problem, display_path
from .facts import Field, parse_header
from .text_fields import field_text, split_list

#: LECTERN_SLUG_MAX's declared default (plugins/settings.py), for messages and tests.
LECTERN_SLUG_MAX: int = value_of({}, "LECTERN_SLUG_MAX")
#: File systems refuse a single path component longer than this many bytes.
NAME_MAX_BYTES = 255
#: Which Pelican setting shapes which kind of slug (URLWrapper falls back to SLUG_…).
SLUG_KINDS = ("SLUG", "TAG", "CATEGORY", "AUTHOR")
_PELICAN_DEFAULT_SUBS = [(r"[^\w\s-]", ""), (r"(?u)\A\s*", ""), (r"(?u)\s*\Z", ""), (r"[-\s]+", "-")]
#: One path segment that every web server and file system takes as is.
_SAFE_SEGMENT = re.compile(r"[\w~-][\w.~-]*")
_LANG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")


def slug_max(settings) -> int:
    """LECTERN_SLUG_MAX (declared in plugins/settings.py), never under 8 characters."""
    return max(value_of(settings, "LECTERN_SLUG_MAX"), 8)


def cap_substitutions(limit: int) -> list[tuple[str, str]]:
    """Regex substitutions (Pelican's slug hook) that cut a slug longer than `limit` characters.

    Cut at the last hyphen within the limit if that keeps at least half of it, otherwise hard at the
    limit; then drop a trailing hyphen. Shorter slugs are untouched.
    """
    half = max(limit // 2, 1)
    return [
        (rf"(?s)\A(?=.{{{limit + 1}}})(.{{{half},{limit}}})-.*\Z", r"\1"),
        (rf"(?s)\A(.{{{limit}}}).+\Z", r"\1"),
        (r"(?<=.)-+\Z", ""),
    ]


def install_slug_cap(pelican) -> None:
    """`initialized`: every slug Pelican derives gets the cap (idempotent for `make regenerate`)."""
    install_slug_memo()
    settings = pelican.settings
    cap = cap_substitutions(slug_max(settings))
    base = list(settings.get("SLUG_REGEX_SUBSTITUTIONS") or _PELICAN_DEFAULT_SUBS)
    for kind in SLUG_KINDS:
        key = f"{kind}_REGEX_SUBSTITUTIONS"
        subs = [tuple(sub) for sub in (settings.get(key) or base)]
        if subs[-len(cap):] != cap:
            settings[key] = subs + cap


def slug_of(value: str, settings, kind: str = "SLUG") -> str:
    """The slug Pelican will make of `value` (same function, same settings)."""
    subs = settings.get(f"{kind}_REGEX_SUBSTITUTIONS") or settings.get("SLUG_REGEX_SUBSTITUTIONS") or []
    preserve_case = settings.get("SLUGIFY_PRESERVE_CASE", False)
    use_unicode = settings.get("SLUGIFY_USE_UNICODE", False)
    try:
        return _slugify(value, tuple(tuple(sub) for sub in subs), preserve_case, use_unicode)
    except TypeError:  # a setting that cannot be a cache key: ask Pelican every time
        return slugify(value, regex_subs=subs, preserve_case=preserve_case, use_unicode=use_unicode)


@lru_cache(maxsize=16384)
def _slugify(value: str, subs: tuple, preserve_case, use_unicode) -> str:
    """Pelican's slugify, once per distinct name: a tag on 300 posts was slugified 300 times."""
    return slugify(value, regex_subs=subs, preserve_case=preserve_case, use_unicode=use_unicode)


def memo_slugify(value, regex_subs=(), preserve_case=False, use_unicode=False):
    """`pelican.utils.slugify` from the same memo, for Pelican's own callers: each Tag, Category
    and Author object slugifies its name (a tag on 300 posts is 300 objects) and each post its
    title, all of which `check_names` already slugified with the same settings. The function is
    pure, so a remembered answer is the answer."""
    if type(value) is str:  # a str subclass (Markup) may behave otherwise: always computed
        try:
            return _slugify(value, tuple(tuple(sub) for sub in regex_subs), preserve_case, use_unicode)
        except TypeError:  # substitutions that cannot be a cache key
            pass
    return slugify(value, regex_subs=regex_subs, preserve_case=preserve_case, use_unicode=use_unicode)


#: slugify's parameters as `memo_slugify` passes them on (Pelican 4.12)
_SLUGIFY_PARAMETERS = ("value", "regex_subs", "preserve_case", "use_unicode")


def install_slug_memo() -> bool:
    """Pelican's Content and URLWrapper call `memo_slugify` (their module's `slugify` name), as
    long as slugify still takes exactly the parameters it passes on; else they keep their own."""
    import inspect

    from pelican import contents, urlwrappers

    if tuple(inspect.signature(slugify).parameters) != _SLUGIFY_PARAMETERS:
        return False
    for module in (contents, urlwrappers):
        if getattr(module, "slugify", None) is slugify:
            module.slugify = memo_slugify
    return contents.slugify is memo_slugify and urlwrappers.slugify is memo_slugify


def unsafe_segment(slug: str) -> str:
    """Why `slug` cannot be one folder name in output/ ("" when it can)."""
    if not slug:
        return "empty"
    if "/" in slug or "\\" in slug:
        return "slash"
    if slug in (".", "..") or slug.startswith("."):
        return "dot"
    if len(slug.encode("utf-8")) > NAME_MAX_BYTES:
        return "long"
    if not _SAFE_SEGMENT.fullmatch(slug):
        return "character"
    return ""


def check_names(path: str, text: str, settings) -> list[Problem]:
    """`path:line` problems for the header values that become web addresses."""
    shown = display_path(path)
    fields, _ = parse_header(text)
    problems: list[Problem] = []
    slug = fields.get("slug")
    if slug is not None:
        problems.extend(_explicit_slug(shown, slug, settings))
    else:
        problems.extend(_derived_slug(shown, path, fields, settings))
    for key, kind, what in (("tags", "TAG", "tag"), ("category", "CATEGORY", "category"),
                            ("author", "AUTHOR", "author"), ("authors", "AUTHOR", "author")):
        field = fields.get(key)
        if field is None:
            continue
        # The names Pelican will see: split and decoded as post_contract's reader does (text_fields).
        names = split_list(field.value) if key in ("tags", "authors") else [field.value]
        names = [field_text(name) for name in names]
        for name in names:
            problems.extend(_taxonomy_name(shown, field, name, kind, what, settings))
    lang = fields.get("lang")
    if lang is not None and not _LANG.fullmatch(lang.value):
        problems.append(Problem(
            shown, lang.line,
            f'Lang "{shorten(lang.value)}" is not a language code (it becomes part of the address) — '
            'write e.g. "Lang: en" or "Lang: pt-BR", or delete the line for the site\'s language',
        ))
    for key in ("save_as", "url"):
        field = fields.get(key)
        if field is not None and _leaves_folder(field.value):
            problems.append(Problem(
                shown, field.line,
                f'{field.key.capitalize()} "{shorten(field.value)}" would put the post outside the site '
                f'folder — delete the line (Lectern builds the address from the title or "Slug:")',
            ))
    return problems


def _explicit_slug(shown: str, field: Field, settings) -> list[Problem]:
    value, limit = field.value, slug_max(settings)
    suggestion = slug_of(value, settings) or "five-day-close"
    example = f'e.g. "Slug: {suggestion}"'
    why = unsafe_segment(value)
    if why == "empty":
        return [Problem(shown, field.line, 'the "Slug:" line is empty — write the address you want, '
                        'e.g. "Slug: five-day-close", or delete the line to use one made from the title')]
    if why in ("slash", "dot"):
        return [Problem(shown, field.line, f'Slug "{shorten(value)}" would leave its folder — a slug '
                        f"is one part of the address: use letters, digits and hyphens, {example}")]
    if why == "character":
        bad = next(ch for ch in value if not _SAFE_SEGMENT.fullmatch(f"a{ch}"))
        return [Problem(shown, field.line, f'Slug "{shorten(value)}" contains {_describe(bad)}, which does '
                        f"not belong in a web address — use letters, digits and hyphens, {example}")]
    if len(value) > limit or why == "long":
        cut = slug_of(value, settings)[:limit].rstrip("-") or "five-day-close"
        return [Problem(shown, field.line, f"Slug is {len(value)} characters long; the limit is {limit} "
                        f'(LECTERN_SLUG_MAX) — shorten it, e.g. "Slug: {cut}"')]
    return []


def _derived_slug(shown: str, path: str, fields: dict[str, Field], settings) -> list[Problem]:
    title = fields.get("title")
    if settings.get("SLUGIFY_SOURCE", "title") != "title" or title is None or not title.value:
        return []
    slug = slug_of(field_text(title.value), settings)
    why = unsafe_segment(slug)
    if not why:
        return []
    if why == "empty":
        return [Problem(shown, title.line, f'the title "{shorten(title.value)}" gives an empty web address '
                        '(it has no letters or digits) — add a line like "Slug: launch-notes" to the header')]
    what = (f"longer than a file name may be ({NAME_MAX_BYTES} bytes)" if why == "long"
            else "which cannot be a folder name")
    return [Problem(shown, title.line, f'the title "{shorten(title.value)}" gives the web address '
                    f'"{shorten(slug)}", {what} — add a shorter "Slug:" line to the header, '
                    'e.g. "Slug: launch-notes"')]


def _taxonomy_name(shown: str, field: Field, name: str, kind: str, what: str, settings) -> list[Problem]:
    slug = slug_of(name, settings, kind)
    why = unsafe_segment(slug)
    if not why:
        return []
    if why == "empty":
        reason = "gives an empty web address (it has no letters or digits)"
    else:
        reason = f'gives the web address "{shorten(slug)}", which would leave its folder'
    return [Problem(shown, field.line, f'the {what} "{shorten(name)}" {reason} — use letters or digits '
                    f"in the {what}, or remove it")]


def _leaves_folder(value: str) -> bool:
    path = value.strip().replace("\\", "/")
    if not path or path.startswith("/") or re.match(r"[A-Za-z]:", path):
        return bool(path)
    depth = 0
    for part in path.split("/"):
        depth += -1 if part == ".." else (0 if part in ("", ".") else 1)
        if depth < 0:
            return True
    return False


def shorten(value: str, limit: int = 60) -> str:
    """A name for a message: cut to `limit`, and characters that show nothing (a soft hyphen, a
    zero-width space) written as \\u00ad: two tags that differ only by one would read the same."""
    value = value if len(value) <= limit else value[: limit - 1] + "…"
    return "".join(c if c.isprintable() or c == " " else f"\\u{ord(c):04x}" for c in value)


def _describe(char: str) -> str:
    if char == " ":
        return "a space"
    name = unicodedata.name(char, "")
    if char.isprintable():
        return f'"{char}"'
    return f'"\\u{ord(char):04x}"' + (f" ({name.lower()})" if name else "")
