"""Pelican plugin: do a build's per-post work in parallel and once, feeding Pelican's normal pipeline.

Measured with `make bench` (bench/run.py), every part proven output-identical by
tests/test_fast_reader.py:

- `plugin` + `convert`: when a generator is about to read its first file, convert every Markdown
  post that Pelican's content cache cannot serve in a forked process pool — one reused `Markdown`
  instance per process (`reset()` between files) instead of one per file, the Summary converted
  by a second reused instance. Pelican's reader then receives the ready HTML and raw header;
  metadata processing (dates, tags, authors), the content cache, post_contract's checks and all
  signals still run in the main process.
- `prefilter`: inline patterns (main pass and smarty's) are skipped on text that lacks the
  character their regex needs — same HTML, about a fifth less Markdown time.
- `brand`: the brand guard's per-post check runs in one background process at the lowest CPU
  priority, so it uses the core the build leaves idle in its serial phases (brand_guard asks
  `plugins.fast_reader.brand.precomputed` at the end of the build), and with the content cache on its
  results persist in CACHE_PATH, keyed by the post's bytes, brand.yml and the guard's own source.
- `writer`: page renders are queued by Pelican's own Writer and run in a fork pool when a
  generator has finished writing.
- `urls` + `fragments`: while pages are written (every post final), each post's `url`/`save_as`
  is computed once and its listing card (the theme's `post_card`) rendered once per build.
- `dates`: Pelican's `strftime` (every `SafeDatetime` format: URLs, `locale_date`, the sitemap)
  with each format parsed once per process instead of at every call.
- `compiled`: every theme template is compiled once per build, not once per generator.

Settings: `FAST_READER_PROCESSES` (default: usable CPUs; 1 does everything in-process),
`FAST_READER_MIN_POOL` / `FAST_WRITER_MIN_POOL` (smaller batches never start a pool),
`FAST_READER_PREFILTER`, `FAST_WRITER`, `FAST_URL_MEMO`, `FAST_FRAGMENT_MEMO`, `FAST_DATES` and
`FAST_TEMPLATE_SHARING`
(True; False falls back to Pelican's behaviour).
Fork is required for the pools (Linux, macOS); without it everything runs in-process.
`plugin`, `writer` and `prefilter` reach into Pelican's and Python-Markdown's private internals, so
each runs only on the versions in its `PROVEN` table; on any other, a tripwire (plugins/tripwire.py)
logs once and Pelican's own reader / writer or unfiltered Markdown is used instead.
"""

from __future__ import annotations

from .plugin import register

__all__ = ["register"]
