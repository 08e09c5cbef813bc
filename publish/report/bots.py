"""Is this user agent a bot? crawlerdetect's maintained pattern lists, matched in linear time.

Why not `CrawlerDetect().is_crawler` as is: it joins ~1,500 patterns into one Python regular
expression, and patterns such as `[a-z0-9\\-_]*bot` make it backtrack: a 500-character user agent
of letters takes a second, 4,000 characters twenty — and a log line's user agent is whatever a
client sent. The same lists compiled with RE2 (google-re2, already used by the brand guard) give
the same answers in time linear in the length. The few patterns RE2 cannot take (lookarounds,
e.g. `Yandex(?!Search)`) run with Python's `re` on the first `HEAD` characters only; the browser
tokens removed first (the "exclusions", literal-led) are linear in Python's `re` as they are.

The lists are the library's data modules (`crawlerdetect.providers`), not its public API: on a
version other than `PROVEN`, or if they cannot be read or compiled, this falls back to the public
`is_crawler` on the first `HEAD` characters — same answers for real user agents, bounded cost.
`tests/test_report_logs.py` checks that both paths agree.
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version

#: The crawlerdetect version whose data modules were checked against its own answers.
PROVEN = "0.4.2"
#: Characters of a user agent the backtracking paths ever look at (bot tokens come early).
HEAD = 512


class BotDetector:
    """`detector(agent) -> bool`, True for crawlers, spiders, link expanders and scripts."""

    def __init__(self) -> None:
        self.linear = False
        try:
            self._compile()
            self.linear = True
        except Exception:  # noqa: BLE001 - any surprise in another package's internals: public path
            from crawlerdetect import CrawlerDetect

            self._public = CrawlerDetect()

    def _compile(self) -> None:
        try:
            installed = version("crawlerdetect")
        except PackageNotFoundError:
            installed = ""
        if installed != PROVEN:
            raise RuntimeError(f"crawlerdetect {installed or '?'} is not the proven {PROVEN}")
        import re2
        from crawlerdetect.providers.crawlers import data as crawlers
        from crawlerdetect.providers.exclusions import data as exclusions

        options = re2.Options()
        options.log_errors = False
        options.case_sensitive = False
        options.max_mem = 64 << 20  # DFA room for ~1,500 alternatives
        linear, other = [], []
        for pattern in crawlers:
            try:
                re2.compile(pattern, options)
                linear.append(pattern)
            except re2.error:
                other.append(pattern)
        # Browser tokens to strip: short literal-led patterns, linear in Python's re (RE2's sub() is
        # ten times slower through its Python wrapper).
        self._exclusions = re.compile("(?:" + "|".join(exclusions) + ")", re.IGNORECASE)
        self._crawlers = re2.compile("(?:" + "|".join(linear) + ")", options)
        self._other = re.compile("(" + "|".join(other) + ")", re.IGNORECASE) if other else None

    def __call__(self, agent: str) -> bool:
        agent = agent.strip()
        if not agent:
            return False
        if not self.linear:
            return bool(self._public.is_crawler(agent[:HEAD]))
        rest = self._exclusions.sub("", agent)  # as crawlerdetect: known browsers' tokens removed first
        if not rest:
            return False
        if self._crawlers.search(rest):
            return True
        return bool(self._other and self._other.search(rest[:HEAD]))
