"""Per-build memory for Pelican's LimitFilter, so a resident process shows each build's messages.

`pelican.log.LimitFilter` stores what it has shown in class attributes (`_raised_messages`, and
`_group_count` for "and N more" groups), shared by every logger for the life of the process; a
record equal to one already shown is dropped. That is right inside one build and wrong across
builds: `pelican -r` rebuilt a post with the same finding and printed nothing. `LOG_FILTER`
(`_ignore`) is configuration, not memory, and is kept.
"""

from __future__ import annotations


def reset(*_args) -> None:
    """Forget which messages were shown (a receiver: returns None, so it adds no generator)."""
    from pelican.log import LimitFilter

    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()
