"""Dev builds only: the post's brand findings in a small panel on its own page.

A writer previewing a post in the browser should see what the brand guard said about it without
reading the terminal. The findings are known only when the guard has checked the post, which
(with fast_reader) happens alongside the build and ends at `finalized`, after the pages were
rendered. So the article template leaves an anchor comment in dev builds (`ANCHOR`, after the
post's header) and `add_panels` replaces it in the pages of posts that have findings. A post
without findings costs nothing (its page is not opened); production never has the anchor, so it
never has a panel (tests scan the production build's bytes for both).

The panel's markup is the theme's (`_brand_panel.html`, Jinja autoescape: every quoted word and
message is text); quoted words are cut from the source line at the finding's columns, with
invisible characters shown as `⟨U+200B⟩` so the writer can see what to delete.
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .core import FileResult
from .findings import Finding

logger = logging.getLogger(__name__)

#: What article.html writes where the panel goes (dev builds only).
ANCHOR = "<!--lectern:brand-findings-->"
TEMPLATE = "_brand_panel.html"
_EOL = re.compile(r"\r\n?|\n")  # lines as the guard counts them (universal newlines)
_QUOTE_MAX = 80


@dataclass(frozen=True)
class Item:
    """One finding as the panel shows it."""

    line: int
    column: int
    severity: str
    rule: str
    quoted: str
    message: str
    suggestion: str | None


def visible(text: str) -> str:
    """Invisible and control characters as `⟨U+XXXX⟩`, so a quoted word shows what is there."""
    out = []
    for char in text:
        if unicodedata.category(char) in ("Cf", "Cc", "Zl", "Zp", "Co", "Cs") or char in "\u00a0\u3000":
            out.append(f"⟨U+{ord(char):04X}⟩")
        else:
            out.append(char)
    return "".join(out)


def quoted(lines: list[str], finding: Finding) -> str:
    """The words the finding points at (from its column to its end column on its line)."""
    if not finding.end_column or not 0 < finding.line <= len(lines):
        return ""
    words = lines[finding.line - 1][finding.column - 1: finding.end_column]
    if len(words) > _QUOTE_MAX:
        words = words[:_QUOTE_MAX - 1] + "…"
    return visible(words)


def items(result: FileResult, source: str) -> list[Item]:
    try:
        text = Path(source).read_bytes().decode("utf-8-sig", errors="replace")
    except OSError:
        text = ""
    lines = _EOL.split(text)
    return [Item(f.line, f.column, f.severity, f.rule, quoted(lines, f), f.message, f.suggestion)
            for f in result.findings]


def _template(theme: str):
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(os.path.join(theme, "templates")), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    return env.get_template(TEMPLATE)


def add_panels(output_path: str, checked: list[tuple[object, str, FileResult]], theme: str) -> int:
    """Put the panel into the written page of each checked post with findings; returns how many.

    `checked`: (content object, source path, result). A page without the anchor (not a dev build,
    another theme, a post Pelican did not write) is left as it is."""
    template = None
    done = 0
    for instance, source, result in checked:
        save_as = getattr(instance, "save_as", "") or ""
        if not result.findings or not save_as:
            continue
        page = os.path.join(output_path, save_as)
        try:
            with open(page, encoding="utf-8") as handle:
                html = handle.read()
        except OSError:
            continue
        if ANCHOR not in html:
            continue
        if template is None:
            template = _template(theme)
        panel = template.render(path=result.path, items=items(result, source))
        with open(page, "w", encoding="utf-8") as handle:
            handle.write(html.replace(ANCHOR, panel, 1))
        done += 1
    return done
