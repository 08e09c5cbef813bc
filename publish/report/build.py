"""Gather every figure of the report into one plain dict (what report.json holds and html.py draws).

Thin: each figure comes from its module (posts, cadence, history, scores, referrals); this only
joins them — post slugs to titles, ledger share times to first visits — and turns them into JSON
types (times as ISO text in UTC, dates as YYYY-MM-DD).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from plugins.post_contract.facts import site_zone
from plugins.settings import value_of

from ..channels.registry import label
from ..model import Post
from . import cadence as cadence_mod
from . import history as history_mod
from . import posts as posts_mod
from . import referrals as referrals_mod
from . import scores as scores_mod


def _iso(when: datetime | None) -> str | None:
    return when.isoformat(timespec="seconds") if when else None


def _post_ref(post: posts_mod.PostInfo) -> dict:
    return {
        "title": post.title,
        "source": post.source,
        "slug": post.slug,
        "authors": list(post.authors),
        "date": _iso(post.date),
        "audience": post.audience,
        "state": post.state,
    }


def gather(settings: dict, content: Path, now: datetime, logs: Sequence[Path] = ()) -> dict:
    """Every figure, for `now` (aware)."""
    zone = site_zone(settings.get("TIMEZONE"))
    manifest, manifest_note = posts_mod.load_manifest(value_of(settings, "SYNDICATION_MANIFEST"))
    posts, problems = posts_mod.read_posts(
        content, settings.get("ARTICLE_PATHS") or [""], settings, now, manifest
    )
    titles = {p.slug: p.title for p in posts if p.slug}
    max_gap = value_of(settings, "CADENCE_MAX_GAP_DAYS")
    authors = cadence_mod.cadence(posts, now, zone, max_gap)
    weeks, later = cadence_mod.queue_by_week(posts, now, zone)
    horizon = now + timedelta(weeks=cadence_mod.QUEUE_WEEKS)
    scored = [p for p in posts if p.state == "out" or (p.state == "scheduled" and p.date <= horizon)]
    scores, limits, scores_note = scores_mod.brand_scores(scored, value_of(settings, "BRAND_CONFIG"))
    manifest_posts = []
    for entry in manifest.values():
        try:
            manifest_posts.append(Post.from_json(entry))
        except (KeyError, TypeError, AttributeError):
            continue
    ledger_path = value_of(settings, "SYNDICATION_LEDGER")
    story, ledger = history_mod.history(ledger_path, settings, manifest_posts, now)
    data: dict = {
        "generated": _iso(now),
        "timezone": str(zone),
        "cadence_max_gap_days": max_gap,
        "notes": [n for n in (manifest_note, scores_note) if n],
        "problems": [str(p) for p in problems] + story.problems,
        "authors": [
            {
                "name": a.name,
                "months": [{"month": m, "posts": n, "internal": i} for m, n, i in a.months],
                "posts_12_months": a.total,
                "internal_12_months": a.internal,
                "last_post": _post_ref(a.last) if a.last else None,
                "days_since_last": a.days_since,
                "flagged": a.flagged,
                "scheduled": [_post_ref(p) for p in a.scheduled],
            }
            for a in authors
        ],
        "queue": {
            "weeks": [
                {"week": week.isoformat(), "posts": [_post_ref(p) for p in items]} for week, items in weeks
            ],
            "later": [_post_ref(p) for p in later],
        },
        "drafts": sum(1 for p in posts if p.state == "draft"),
        "brand": {
            "min_score": limits.min_score,
            "green": limits.green,
            "amber": limits.amber,
            "scores": [
                {**_post_ref(s.post), "score": s.score, "band": s.band, "pillars": s.pillars} for s in scores
            ],
        },
        "shared": [
            {
                "post": s.post,
                "title": titles.get(s.post, s.post),
                "channel": s.channel,
                "channel_label": label(s.channel),
                "time": _iso(s.time),
                "remote_url": s.remote_url,
                "marked": s.marked,
                "accepted": s.accepted,
            }
            for s in story.shared
        ],
        "failed": [
            {
                "post": f.post,
                "title": titles.get(f.post, f.post),
                "channel": f.channel,
                "channel_label": label(f.channel),
                "state": f.state,
                "why": f.why,
                "time": f.time,
            }
            for f in story.failed
        ],
        "held": [
            {
                "post": h.post,
                "title": titles.get(h.post, h.post),
                "channel": h.channel,
                "channel_label": label(h.channel),
                "state": h.state,
                "why": h.why,
            }
            for h in story.held
        ],
        "referrals": None,
    }
    if logs:
        addresses = {p.slug: p.url_path for p in posts if p.slug and p.url_path and p.state == "out"}
        siteurl = str(settings.get("SITEURL") or "")
        own = [urlsplit(u).hostname or "" for u in (siteurl, value_of(settings, "INTERNAL_SITEURL"))]
        index = referrals_mod.PostIndex(addresses, siteurl)
        counted, stats = referrals_mod.count(logs, index, own)
        data["referrals"] = referral_figures(counted, stats, titles, history_mod.shared_times(ledger))
    return data


def referral_figures(counted: referrals_mod.Referrals, stats, titles: dict[str, str], shared: dict) -> dict:
    per_post = []
    for slug, visits in counted.posts.items():
        per_post.append(
            {
                "post": slug,
                "title": titles.get(slug, slug),
                "visits": visits.visits,
                "referred": visits.referred,
                "kinds": {k: visits.kinds[k] for k in referrals_mod.KINDS},
                "utm": dict(visits.utm.most_common()),
                "referrers": dict(visits.hosts.most_common()),
                "first_visit": _iso(visits.first_visit),
            }
        )
    per_post.sort(key=lambda p: (-p["referred"], -p["visits"], p["post"]))
    first = referrals_mod.first_after_share(counted, shared)
    for row in first:
        row["title"] = titles.get(row["post"], row["post"])
        row["channel_label"] = label(row["channel"])
        row["shared"], row["first_visit"] = _iso(row["shared"]), _iso(row["first_visit"])
    return {
        "lines": stats.lines,
        "header_lines": stats.headers,
        "skipped": sum(stats.skipped.values()),
        "skipped_by_reason": dict(stats.skipped),
        "files": stats.files,
        "problems": stats.problems,
        "requests": counted.counts["requests"],
        "not_post": counted.counts["not_post"],
        "not_get": counted.counts["not_get"],
        "not_ok": counted.counts["not_ok"],
        "bots": counted.counts["bots"],
        "own_checks": counted.counts["own_checks"],
        "visits": counted.counts["visits"],
        "span": [_iso(t) for t in counted.span] if counted.span else None,
        "posts": per_post,
        "first_after_share": first,
    }
