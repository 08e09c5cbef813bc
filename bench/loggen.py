"""A synthetic nginx combined access log of a given size, for the referral counter's bench row.

Deterministic (seeded); a realistic mix: theme assets and listings (most lines), post pages with
and without UTM tags, referrers, bots, Lectern's live check, redirects and 404s. Written in large
blocks, so making 1 GB takes seconds, not minutes.
"""

from __future__ import annotations

import random
from pathlib import Path

AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.{v} Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148",
    "Mozilla/5.0 (X11; Linux x86_64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0",
]
BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Lectern-LiveCheck/1.0 (checks that a page is live before it is shared)",
]
ASSETS = [
    "/theme/css/main.css",
    "/theme/js/menu.js",
    "/images/close-calendar.png",
    "/favicon.ico",
    "/feeds/all.atom.xml",
    "/",
    "/tag/trust/",
    "/author/dana-whitfield/",
    "/robots.txt",
]
REFERRERS = [
    "-",
    "-",
    "https://www.google.com/",
    "https://www.linkedin.com/feed/",
    "https://t.co/abc",
    "https://news.ycombinator.com/item?id=1",
    "https://insights.northwindledger.example/",
]
UTM = [
    "",
    "",
    "",
    "?utm_source=linkedin&utm_medium=social&utm_campaign={s}",
    "?utm_source=x&utm_medium=social&utm_campaign={s}",
    "?utm_source=linkedin&utm_medium=employee&utm_campaign={s}",
]


def generate(path: Path, size_bytes: int, slugs: list[str], seed: int = 13) -> int:
    """Write about `size_bytes` of log to `path`; returns the number of lines."""
    rng = random.Random(seed)
    pool = []  # a few thousand distinct lines, then repeated with fresh times: fast and varied
    for _ in range(4000):
        ip = f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        roll = rng.random()
        if roll < 0.55:
            target, status = rng.choice(ASSETS), rng.choice(("200", "200", "200", "304"))
        else:
            slug = rng.choice(slugs)
            target = f"/posts/2026/{slug}/" + rng.choice(UTM).format(s=slug)
            status = rng.choice(("200", "200", "200", "200", "301", "404"))
        agent = rng.choice(BOTS) if rng.random() < 0.12 else rng.choice(AGENTS).format(v=rng.randint(90, 130))
        pool.append((ip, target, status, rng.randint(200, 90000), rng.choice(REFERRERS), agent))
    lines = 0
    written = 0
    with open(path, "w", encoding="utf-8") as out:
        second = 0
        while written < size_bytes:
            block = []
            for ip, target, status, size, ref, agent in rng.sample(pool, 2000):
                second += 1
                day, rest = divmod(second // 20, 86400)
                clock = f"{rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}"
                stamp = f"{1 + day % 28:02d}/Nov/2026:{clock} +0000"
                block.append(
                    f'{ip} - - [{stamp}] "GET {target} HTTP/1.1" {status} {size} "{ref}" "{agent}"\n'
                )
            text = "".join(block)
            out.write(text)
            written += len(text)
            lines += len(block)
    return lines
