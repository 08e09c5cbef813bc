"""Scaffold placeholders left in a post that is about to go out (issue 9 point 13).

`make new` writes a draft with placeholder sentences (defined once, in `new.py`). A writer who
flips `Status:` to published but forgets one would publish "One or two sentences on why this post
matters…" under the company's name, so any non-draft post that still holds one gets a message.
"""

from __future__ import annotations

from .contract import Problem, display_path
from .facts import parse_header
from .new import find_placeholders


def check_placeholders(path: str, text: str) -> list[Problem]:
    """`path:line` problems for every placeholder sentence in a post that is not a draft."""
    fields, _ = parse_header(text)
    status = fields.get("status")
    if status is not None and status.value.strip().lower() == "draft":
        return []  # a draft is work in progress: the placeholders are there to be replaced
    shown = display_path(path)
    return [
        Problem(
            shown, found.line,
            f'"{found.sentence}" is placeholder text from "make new" — '
            'replace it with your own words, or set "Status: draft" until the post is ready',
        )
        for found in find_placeholders(text)
    ]
