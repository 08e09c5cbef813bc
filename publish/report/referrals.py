"""Referrals per post from access logs: which channel, which colleague's share, which site sent readers.

Counting rules (README "Report"):
- A visit is a GET of a post's page answered 2xx or 304 (a 301 to the trailing-slash address is
  followed by the real request, so redirects are not counted twice).
- Excluded: bots (crawlerdetect's maintained user-agent patterns, matched in linear time by
  `bots.BotDetector`; an empty user agent counts as a bot) and Lectern's own live check
  (`publish.live.USER_AGENT`).
- A visit whose link carries UTM tags is counted by `utm_source`/`utm_medium`: `social` is the
  company's channel post, `employee` a colleague's share (the share kit), anything else "campaign".
  A visit without UTM tags is counted by the referrer's host (`www.` dropped); none is "direct",
  this site's own host is "this site" (a reader moving between pages). Referred visits are the
  first four kinds — what the programme brought.
- Request paths map to posts robustly: percent-encoding, query strings, `//`, `index.html`, with or
  without the trailing slash, absolute-form targets, and the path prefix of SITEURL.

Memory is bounded: per-post counters are capped (`MAX_KEYS` distinct values each, the rest
"(other)") and the decision caches are cleared when they fill.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from ..live import USER_AGENT as LIVE_CHECK_AGENT
from . import logs

KINDS = ("company", "employee", "campaign", "referrer", "direct", "this site")
REFERRED = ("company", "employee", "campaign", "referrer")
MAX_KEYS = 200  # distinct referrer hosts / UTM pairs kept per post
CACHE = 100_000  # entries per decision cache before it is cleared
OWN_CHECK = LIVE_CHECK_AGENT.split("/", 1)[0]  # "Lectern-LiveCheck": any version


def _capped(counter: Counter, key) -> None:
    if key in counter or len(counter) < MAX_KEYS:
        counter[key] += 1
    else:
        counter["(other)"] += 1


@dataclass
class PostVisits:
    visits: int = 0
    kinds: Counter = field(default_factory=Counter)
    utm: Counter = field(default_factory=Counter)  # "source / medium" → visits
    hosts: Counter = field(default_factory=Counter)  # referrer host → visits (no UTM)
    first: dict = field(default_factory=dict)  # "source / medium" → earliest visit
    first_visit: datetime | None = None

    @property
    def referred(self) -> int:
        return sum(self.kinds[k] for k in REFERRED)


def path_key(path: str) -> str:
    """A request path (or a post's URL path) as a lookup key: decoded, no slashes at the ends,
    no `index.html`, no empty segments."""
    path = unquote(path, errors="replace")
    if "//" in path:
        path = "/".join(part for part in path.split("/") if part)
    path = path.strip("/")
    if path == "index.html":
        return ""
    if path.endswith("/index.html"):
        path = path[:-11]
    return path


class PostIndex:
    """Request target → post slug (None: not a post's page), cached."""

    def __init__(self, addresses: dict[str, str], siteurl: str = ""):
        """`addresses`: slug → path below the site (e.g. "posts/2026/slug/")."""
        self.prefix = path_key(urlsplit(siteurl).path)
        self.keys = {path_key(path): slug for slug, path in addresses.items() if path}
        self.keys.pop("", None)
        self.cache: dict[str, str | None] = {}

    def lookup(self, target: str) -> str | None:
        found = self.cache.get(target, False)
        if found is not False:
            return found
        path = target.split("?", 1)[0].split("#", 1)[0]
        if "://" in path[:12]:  # absolute-form request target (proxies, scanners)
            path = urlsplit(path).path
        key = path_key(path)
        if self.prefix:
            if key == self.prefix or key.startswith(self.prefix + "/"):
                key = key[len(self.prefix) + 1 :]
            else:
                key = "\0"  # outside the site's folder
        slug = self.keys.get(key)
        if len(self.cache) >= CACHE:
            self.cache.clear()
        self.cache[target] = slug
        return slug


class Referrals:
    """Counts per post, fed one `logs.Request` at a time."""

    def __init__(self, index: PostIndex, own_hosts: Iterable[str] = ()):
        from .bots import BotDetector

        self.index = index
        self.own_hosts = {h.lower().removeprefix("www.") for h in own_hosts if h}
        self.detector = BotDetector()
        self.bot_cache: dict[str, bool] = {}
        self.host_cache: dict[str, str] = {}
        self.posts: dict[str, PostVisits] = {}
        self.counts = Counter()  # requests, not_post, not_get, not_ok, own_checks, bots, visits
        self.span: list[datetime] = []
        self._last_text: str | None = None
        self._last_time: datetime | None = None
        self._utm_cache: dict[str, tuple[str, str] | None] = {}

    # ------------------------------------------------------------ decisions (cached)

    def is_bot(self, agent: str) -> bool:
        known = self.bot_cache.get(agent)
        if known is None:
            text = unquote(agent) if "%" in agent else agent
            known = text.strip() in ("", "-") or self.detector(text)
            if len(self.bot_cache) >= CACHE:
                self.bot_cache.clear()
            self.bot_cache[agent] = known
        return known

    def host(self, referrer: str) -> str:
        """ "" for no referrer, else the host, lower case, without `www.`."""
        known = self.host_cache.get(referrer)
        if known is None:
            if referrer in ("-", ""):
                known = ""
            else:
                text = unquote(referrer) if "%" in referrer[:12] else referrer
                try:
                    known = (urlsplit(text.strip()).hostname or "").removeprefix("www.")[
                        :100
                    ] or "(unreadable)"
                except ValueError:
                    known = "(unreadable)"
            if len(self.host_cache) >= CACHE:
                self.host_cache.clear()
            self.host_cache[referrer] = known
        return known

    def utm(self, query: str) -> tuple[str, str] | None:
        """(kind, "source / medium") of a query string with UTM tags, None without them."""
        known = self._utm_cache.get(query, False)
        if known is not False:
            return known
        tags = {k: v for k, v in parse_qsl(query) if k in ("utm_source", "utm_medium")}
        source = tags.get("utm_source", "").strip().lower()[:60]
        medium = tags.get("utm_medium", "").strip().lower()[:60]
        known = None
        if source or medium:
            kind = {"social": "company", "employee": "employee"}.get(medium, "campaign")
            known = (kind, f"{source or '(none)'} / {medium or '(none)'}")
        if len(self._utm_cache) >= CACHE:
            self._utm_cache.clear()
        self._utm_cache[query] = known
        return known

    # ------------------------------------------------------------ counting

    def feed_file(self, path: Path, stats: logs.Stats) -> None:
        """Count one log file. The loop is the hot path of `make report LOGS=…`: a combined line is
        split once and its request target looked up before anything else is parsed, because most
        lines are assets and pages that are not posts."""
        reader = logs.FileReader(path, stats)
        cache = self.index.cache
        lookup = self.index.lookup
        missing = False
        total = not_post = 0
        count_request = self.count_request
        for lines in logs.read_blocks(path, stats):
            for line in lines:
                if reader.cloudfront is None:
                    parts = line.split('"', 2)
                    if len(parts) == 3:  # fast path: is the request target a post's page?
                        request = parts[1]
                        space, last = request.find(" "), request.rfind(" ")
                        if space < last:
                            target = request[space + 1 : last]
                            slug = cache.get(target, missing)
                            if slug is None:
                                total += 1
                                not_post += 1
                                continue
                            if slug is not missing and "\\" not in line:
                                full = line.split('"')
                                head = full[0]
                                start = head.find("[")
                                end = head.find("]", start)
                                status = full[2].split(None, 1) if len(full) == 7 else None
                                if status and 0 <= start < end:
                                    total += 1
                                    count_request(
                                        slug,
                                        logs.Request(
                                            head[start + 1 : end],
                                            logs.CLF,
                                            request[:space],
                                            target,
                                            status[0],
                                            full[3],
                                            full[5],
                                        ),
                                        stats,
                                    )
                                    continue
                req = reader.parse(line)
                if req is None:
                    continue
                total += 1
                slug = lookup(req.target)
                if slug is None:
                    not_post += 1
                    continue
                count_request(slug, req, stats)
        self.counts["requests"] += total
        self.counts["not_post"] += not_post

    def feed(self, requests: Iterable[logs.Request], stats: logs.Stats) -> None:
        """Count requests that were parsed elsewhere (the plain, slower form of `feed_file`)."""
        for req in requests:
            self.counts["requests"] += 1
            slug = self.index.lookup(req.target)
            if slug is None:
                self.counts["not_post"] += 1
            else:
                self.count_request(slug, req, stats)

    def count_request(self, slug: str, req: logs.Request, stats: logs.Stats) -> None:
        counts = self.counts
        if req.method != "GET":
            counts["not_get"] += 1
            return
        status = req.status
        if not (len(status) == 3 and (status[0] == "2" or status == "304") and status.isdigit()):
            counts["not_ok"] += 1
            return
        if OWN_CHECK in req.agent:
            counts["own_checks"] += 1
            return
        if self.is_bot(req.agent):
            counts["bots"] += 1
            return
        if req.time != self._last_text:
            self._last_text, self._last_time = req.time, logs.parse_time(req.time, req.kind)
        if self._last_time is None:
            counts["requests"] -= 1
            stats.skipped["unreadable time"] += 1
            return
        self._visit(slug, req, self._last_time)

    def _visit(self, slug: str, req: logs.Request, when: datetime) -> None:
        self.counts["visits"] += 1
        post = self.posts.get(slug)
        if post is None:
            post = self.posts[slug] = PostVisits()
        post.visits += 1
        if post.first_visit is None or when < post.first_visit:
            post.first_visit = when
        if not self.span:
            self.span = [when, when]
        elif when < self.span[0]:
            self.span[0] = when
        elif when > self.span[1]:
            self.span[1] = when
        query = req.target.partition("?")[2]
        tagged = self.utm(query) if "utm_" in query else None
        if tagged is not None:
            kind, key = tagged
            post.kinds[kind] += 1
            _capped(post.utm, key)
            if key in post.utm and (key not in post.first or when < post.first[key]):
                post.first[key] = when
            return
        host = self.host(req.referrer)
        if not host:
            post.kinds["direct"] += 1
        elif host in self.own_hosts:
            post.kinds["this site"] += 1
        else:
            post.kinds["referrer"] += 1
            _capped(post.hosts, host)


def count(
    paths: Iterable[Path], index: PostIndex, own_hosts: Iterable[str] = ()
) -> tuple[Referrals, logs.Stats]:
    """Stream every log in `paths` into a `Referrals`."""
    stats = logs.Stats()
    referrals = Referrals(index, own_hosts)
    for path in paths:
        referrals.feed_file(Path(path), stats)
    return referrals, stats


def first_after_share(referrals: Referrals, shared: dict[tuple[str, str], datetime]) -> list[dict]:
    """For each (post, channel) the ledger says was shared: the share time, the first visit from
    that channel's post (`utm_source=<channel>&utm_medium=social`) and the delay between them."""
    rows = []
    for (slug, channel), when in sorted(shared.items(), key=lambda kv: kv[1]):
        post = referrals.posts.get(slug)
        key = f"{channel} / social"
        first = post.first.get(key) if post else None
        rows.append(
            {
                "post": slug,
                "channel": channel,
                "shared": when,
                "first_visit": first,
                "visits": post.utm.get(key, 0) if post else 0,
                "delay_minutes": round((first - when).total_seconds() / 60) if first else None,
            }
        )
    return rows
