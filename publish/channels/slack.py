"""Slack incoming webhook (internal posts): POST Block Kit JSON, Slack answers `200 ok`.

Slack checks the blocks when the message is sent (docs.slack.dev, "Sending messages using
incoming webhooks"; Block Kit reference): a section's text holds at most 3,000 characters, a header
150, or the answer is 400 `invalid_blocks`; and it downloads an image accessory's `image_url`
then, so an image that does not answer fails the whole message. We check the blocks before
sending (`check_blocks`) and include the card image only when its URL answers 200 (`with_image`).
"""

from __future__ import annotations

import copy

import requests

from ..compose import SLACK_SECTION_CHARS, SLACK_TITLE_CHARS
from ..model import ChannelError, Held, Item
from . import http
from .registry import CHANNELS
from .webhook import Webhook

SPEC = CHANNELS["slack"]
LABEL, ENV = SPEC.label, SPEC.env


def configured(env: dict, settings: dict | None = None) -> bool:
    return bool(env.get("SLACK_WEBHOOK_URL"))


def check(response: requests.Response) -> bool:
    if response.status_code == 200 and response.text.strip() == "ok":
        return False
    if response.status_code == 200:
        raise ChannelError(f"{LABEL}: unexpected answer {response.text!r}", uncertain=True)
    raise http.status_error(response, LABEL)


def check_blocks(payload: dict) -> list[str]:
    """What Slack would refuse in `payload`'s blocks (empty: nothing)."""
    problems = []
    for index, block in enumerate(payload.get("blocks") or [], start=1):
        text = (block.get("text") or {}).get("text") or ""
        if block.get("type") == "section" and len(text) > SLACK_SECTION_CHARS:
            problems.append(f"block {index}: section text is {len(text):,} characters, over "
                            f"{SLACK_SECTION_CHARS:,}")
        if block.get("type") == "header" and len(text) > SLACK_TITLE_CHARS:
            problems.append(f"block {index}: header is {len(text)} characters, over {SLACK_TITLE_CHARS}")
    return problems


def image_answers(session: requests.Session, url: str) -> str:
    """"" when `url` answers 200 (HEAD, else GET), otherwise what it answered."""
    try:
        response = session.head(url, allow_redirects=True)
        if response.status_code in (403, 405, 501):  # some hosts refuse HEAD only
            response = session.get(url, allow_redirects=True, stream=True)
            response.close()
    except requests.RequestException as exc:
        return type(exc).__name__
    return "" if response.status_code == 200 else f"HTTP {response.status_code}"


def with_image(payload: dict, session: requests.Session, item: Item | None = None) -> dict:
    """The payload to send: blocks checked, image accessories kept only when their URL answers."""
    problems = check_blocks(payload)
    if problems:
        raise Held(f"{LABEL}: {'; '.join(problems)} — nothing was sent")
    payload = copy.deepcopy(payload)
    for block in payload.get("blocks") or []:
        accessory = block.get("accessory") or {}
        if accessory.get("type") == "image":
            why = image_answers(session, accessory.get("image_url") or "")
            if why:
                del block["accessory"]
                if item is not None:
                    item.reason = f"sent without the card image ({accessory.get('image_url')} answered {why})"
    return payload


def connect(settings: dict, env: dict) -> Webhook:
    return Webhook(SPEC, env["SLACK_WEBHOOK_URL"], settings, check, with_image)
