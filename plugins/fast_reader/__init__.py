"""Pelican plugin: parse every Markdown post once, in parallel, and feed Pelican's normal pipeline.

Pelican reads posts one by one and builds a new `Markdown` instance per file, then converts the
Summary with a second pass. Reading is over half of a build, so on a multi-core machine this
plugin converts all posts that need reading in a forked process pool (one reused `Markdown`
instance per worker, `reset()` between files), when the generator is about to read its first
file. Pelican's reader then receives the ready HTML and raw header; metadata processing (dates,
tags, authors...), the content cache, `post_contract`'s checks and every signal still run in the
main process, unchanged. Output is byte-identical to the plain reader (tests/test_fast_reader.py).

Settings: `FAST_READER_PROCESSES` (default: usable CPUs; 0 or 1 converts in-process, still with
the reused instance) and `FAST_READER_MIN_POOL` (fewer files than this never start a pool).
"""

from __future__ import annotations

from .plugin import register

__all__ = ["register"]
