"""The brand guard as the publish step sees it: composed text in, error messages out.

One implementation of the rules (plugins/brand_guard); we only choose what blocks a send:
any error-level finding. If the guard itself cannot run, nothing is sent — an unchecked text
must never reach a network.
"""

from __future__ import annotations

from collections.abc import Callable

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
