"""`make new TITLE="..." [AUTHOR=...]`: scaffold a post with the full metadata header, like `hugo new`.

The header lists every key of the post contract so writers discover them in place instead of in
the README; empty values mean "use the default". A scaffold is a draft (`Status: draft`): its
placeholder sentences must never reach the site or a social network, so they are defined here,
once, and `find_placeholders` is what the build (post_contract) and the publish step use to
recognise them — also after the writer flipped the status but forgot a placeholder.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

#: Text the scaffold writes for the writer to replace (field → sentence). Never published.
PLACEHOLDERS = {
    "Summary": "One or two sentences on why this post matters to a finance leader.",
    "body": "Write your post here in Markdown. Start with the point you want a reader to remember.",
}

TEMPLATE = """\
Title: {{title}}
Date: {{date}}
Author: {{author}}
Category: {{category}}
Tags:
Summary: {summary}
Status: draft
Audience: public
Channels:
Social:
Image:
Brand_ignore:

{body}
""".format(summary=PLACEHOLDERS["Summary"], body=PLACEHOLDERS["body"])


def _pattern(sentence: str) -> re.Pattern[str]:
    """The sentence's words in order, any whitespace (re-wrapped lines, indents) and any case
    between them, the final full stop optional: editors re-flow text, writers retype a capital."""
    words = sentence.rstrip(".").split()
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)\.?", re.I)


#: One pattern per sentence, so a half-edited placeholder (first sentence kept) is still found,
#: with the sentence's longest word: a post without it (casefolded, as re.I matches) cannot match,
#: and that one C-level search spares every post the regex scan (it ran twice per post per build).
_PATTERNS = [(field, _pattern(sentence), max(sentence.rstrip(".").split(), key=len).casefold())
             for field, text in PLACEHOLDERS.items()
             for sentence in re.split(r"(?<=\.)\s+", text)]


@dataclass(frozen=True)
class Placeholder:
    field: str  # "Summary" or "body": where the scaffold put it
    sentence: str  # the scaffold's wording
    line: int  # 1-based line in the text where it was found


def find_placeholders(text: str | None) -> list[Placeholder]:
    """Every scaffold sentence still present in `text` (a whole post, or one metadata value)."""
    if not text:
        return []
    found: dict[tuple[str, int], Placeholder] = {}
    folded = text.casefold()
    for field, pattern, word in _PATTERNS:
        if word not in folded:
            continue
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.setdefault((field, line), Placeholder(field, PLACEHOLDERS[field], line))
    return sorted(found.values(), key=lambda p: p.line)


def placeholder_sentences(text: str | None) -> set[str]:
    """The scaffold sentences still present in `text`: `{p.sentence for p in find_placeholders(text)}`
    without locating them (the manifest asks this of every post's source at every build)."""
    if not text:
        return set()
    folded = text.casefold()
    return {PLACEHOLDERS[field] for field, pattern, word in _PATTERNS
            if word in folded and pattern.search(text)}


def scaffold(content_dir: Path, title: str, author: str, category: str, now: datetime,
             slug_max: int = 80) -> Path:
    """Write the new post and return its path; never overwrite an existing file."""
    from pelican.utils import slugify  # lazy: keeps `--help` fast

    from .names import cap_substitutions  # the same cut as the site's slugs: no "File name too long"

    slug = slugify(title, regex_subs=[(r"[^\w\s-]", ""), (r"(?u)\A\s*", ""), (r"(?u)\s*\Z", ""),
                                      (r"[-\s]+", "-"), *cap_substitutions(slug_max)])
    if not slug:
        raise ValueError(f'cannot make a file name from the title "{title}" — use some letters or digits')
    path = content_dir / "posts" / f"{now:%Y-%m-%d}-{slug}.md"
    if path.exists():
        raise FileExistsError(f"{path} already exists — pick another TITLE or edit that file")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = TEMPLATE.format(title=title, date=f"{now:%Y-%m-%d %H:%M}", author=author, category=category)
    with open(path, "x", encoding="utf-8") as handle:  # "x": refuse to overwrite, even in a race
        handle.write(text)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make new", description=__doc__)
    parser.add_argument("--title", default="")
    parser.add_argument("--author", default="")
    parser.add_argument("--category", default="")
    parser.add_argument("--content", default="content")
    parser.add_argument("--settings", default="pelicanconf.py")
    args = parser.parse_args(argv)
    if not args.title.strip():
        print('make new: give the post a title, e.g. make new TITLE="Why trust beats tooling"',
              file=sys.stderr)
        return 2
    from pelican.settings import read_settings

    settings = read_settings(args.settings)
    author = args.author.strip() or settings.get("AUTHOR") or "Unknown"
    category = args.category.strip() or settings.get("DEFAULT_CATEGORY", "misc")
    now = datetime.now(ZoneInfo(settings.get("TIMEZONE") or "UTC"))
    try:
        from .names import slug_max

        path = scaffold(Path(args.content), args.title.strip(), author, category, now, slug_max(settings))
    except (FileExistsError, ValueError) as exc:
        print(f"make new: {exc}", file=sys.stderr)
        return 1
    print(f"Created {path} — edit it, then run `make html` to see it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
