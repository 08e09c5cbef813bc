"""The brand guard as the publish step sees it: composed text in, error messages out.

One implementation of the rules (plugins/brand_guard); we only choose what blocks a send:
any error-level finding. If the guard itself cannot run, nothing is sent — an unchecked text
must never reach a network.
"""

from __future__ import annotations

from collections.abc import Callable

from plugins.settings import value_of

BrandCheck = Callable[[str, str, str], list[str]]


class BrandUnavailable(RuntimeError):
    pass


def load_check(settings: dict) -> BrandCheck:
    try:
        from plugins.brand_guard.core import BrandConfigError, check_social_text, load_config
    except ImportError as exc:
        raise BrandUnavailable(f"the brand guard cannot be imported ({exc})") from None
    try:
        cfg = load_config(settings["BRAND_CONFIG"])
    except BrandConfigError as exc:
        raise BrandUnavailable(f"brand config: {exc}") from None

    def check(text: str, audience: str, channel: str) -> list[str]:
        findings = check_social_text(text, cfg, audience=audience, channel=channel)
        return [f"{f.rule}: {f.message}" for f in findings if f.severity == "error"]

    return check


def unavailable(reason: str) -> BrandCheck:
    """A check that holds every text back, with the reason the guard could not run."""
    return lambda text, audience, channel: [f"brand guard unavailable — {reason}"]


#: Statuses of items that may still reach a network (now or in a later run).
OUTGOING = ("planned", "capped", "deferred")


def hold_leaks(items, settings: dict) -> int:
    """The last gate before the preview is written and before any network call.

    Every string an outgoing item carries — the composed text, the link, the card's title,
    summary and image, the channel payload — is read in the brand guard's normalised form
    (markup, entities, invisible and look-alike characters folded); an item naming a code name is
    held. The per-text check already ran on the composed text; this catches what it never saw (a
    card title, a stale manifest). Returns how many items it held.
    """
    try:
        from plugins.brand_guard.core import BrandConfigError, load_config
        from plugins.brand_guard.gate import leaks_in_text, strings_in

        matcher = load_config(settings["BRAND_CONFIG"]).leak_matcher
    except (ImportError, BrandConfigError, KeyError):
        return 0  # `load_check` failed the same way and every text is already held
    allow_internal = value_of(settings, "SYNDICATION_CONFIDENTIAL_INTERNAL")
    held = 0
    for item in items:
        if item.status not in OUTGOING or (item.post.audience == "internal" and allow_internal):
            continue
        post = item.post
        fields = [("text", item.text), ("link", item.link), ("url", post.url), ("title", post.title),
                  ("summary", post.summary), ("image", post.image or "")]
        fields += [(f"payload {name}", value) for name, value in strings_in(item.payload)]
        for name, value in fields:
            leaks = leaks_in_text(value, matcher) if value else []
            if leaks:
                item.status = "held"
                item.reason = (f"brand guard (last gate): the {name} names a confidential code name "
                               "(not repeated here: this line may end up in a log); posts that name one "
                               "are never syndicated")
                held += 1
                break
    return held



def add_warnings(items, settings: dict) -> None:
    """Note the brand guard's warnings on each composed text (they never block a send), so the
    preview shows them beside the text and the terminal lists them: a writer sees every finding."""
    try:
        from plugins.brand_guard.core import BrandConfigError, check_social_text, load_config

        cfg = load_config(settings["BRAND_CONFIG"])
    except (ImportError, BrandConfigError, KeyError):
        return  # the guard cannot run: every text is already held with the reason
    for item in items:
        if not item.text:
            continue
        findings = check_social_text(item.text, cfg, audience=item.post.audience, channel=item.channel)
        item.warnings = ["confidential: the text names a code name (`make brand` shows which)"
                         if f.rule == "confidential" else
                         f"{f.rule}: {f.message}" + (f" → {f.suggestion}" if f.suggestion else "")
                         for f in findings if f.severity == "warning"]  # a code name is never repeated


def hold_source_errors(items, settings: dict, content: str | None = None) -> int:
    """Preview of a non-strict build (`make preview`): hold every post whose source has a brand
    error — the production build (`make publish`) stops on it — with the finding as the reason.

    Returns how many items it held. `content` is the content folder the build read (manifest
    source paths are relative to the folder above it)."""
    import os

    try:
        from plugins.brand_guard.core import BrandConfigError, check_file, load_config

        cfg = load_config(settings["BRAND_CONFIG"])
    except (ImportError, BrandConfigError, KeyError):
        return 0
    root = os.path.dirname(os.path.abspath(content or settings.get("PATH", "content")))
    found: dict[str, list[str]] = {}
    held = 0
    for item in items:
        source = item.post.source_path
        if not source or item.status not in OUTGOING:
            continue
        if source not in found:
            path = os.path.join(root, source)
            try:
                result = check_file(path, cfg, display=source)
            except OSError:
                found[source] = []
                continue
            found[source] = [f"{f.path}:{f.line}:{f.column} error confidential: names a code name "
                             "(`make brand` shows which)" if f.rule == "confidential" else str(f)
                             for f in result.blocking]
        if found[source]:
            item.status = "held"
            item.reason = ("brand guard: " + "; ".join(found[source]) +
                           " — `make publish` stops on this post until it is fixed")
            held += 1
    return held
