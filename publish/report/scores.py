"""Brand scores per post, from the brand guard's public API (`plugins.brand_guard.check_file`).

One adapter, so when the guard's scoring changes (bands, required pillars) the report follows by
reading the same `FileResult` the brand report reads; nothing here scores text itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .posts import PostInfo


@dataclass(frozen=True)
class Score:
    post: PostInfo
    score: int
    pillars: dict[str, int]
    band: str = ""  # green | amber | red, by the brand file's thresholds


@dataclass(frozen=True)
class Thresholds:
    min_score: int | None = None
    green: int | None = None
    amber: int | None = None


def brand_scores(posts: Iterable[PostInfo], config: Path | None) -> tuple[list[Score], Thresholds, str]:
    """(scores of the counted and scheduled posts, the brand file's thresholds, why none: "" if fine)."""
    if config is None:
        return [], Thresholds(), 'BRAND_CONFIG is "": the brand guard is off'
    try:
        from plugins.brand_guard import BrandConfigError, check_file, load_config
    except ImportError as exc:
        return [], Thresholds(), f"the brand guard cannot be imported ({exc})"
    try:
        cfg = load_config(config)
    except (BrandConfigError, OSError) as exc:
        return [], Thresholds(), f"brand file: {exc}"
    model = getattr(cfg, "alignment_model", None)
    band = getattr(model, "band", None)
    scores = []
    for post in posts:
        if post.state not in ("out", "scheduled"):
            continue
        try:
            result = check_file(post.path, cfg, display=post.source)
        except OSError:
            continue
        if result.alignment is not None:
            score = int(result.alignment.score)
            scores.append(Score(post, score, dict(result.alignment.pillars), band(score) if band else ""))
    limits = Thresholds(
        getattr(cfg, "min_score", None), getattr(model, "green", None), getattr(model, "amber", None)
    )
    return scores, limits, ""
