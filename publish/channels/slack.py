"""Slack incoming webhook (internal posts): POST Block Kit JSON, Slack answers `200 ok`."""

from __future__ import annotations

import requests

from ..model import ChannelError
from . import http
from .registry import CHANNELS
from .webhook import Webhook

SPEC = CHANNELS["slack"]
LABEL, ENV = SPEC.label, SPEC.env


def configured(env: dict, settings: dict | None = None) -> bool:
    return bool(env.get("SLACK_WEBHOOK_URL"))


def check(response: requests.Response) -> None:
    if response.status_code == 200 and response.text.strip() == "ok":
        return
    if response.status_code == 200:
        raise ChannelError(f"{LABEL}: unexpected answer {response.text!r}", uncertain=True)
    raise http.status_error(response, LABEL)


def connect(settings: dict, env: dict) -> Webhook:
    return Webhook(SPEC, env["SLACK_WEBHOOK_URL"], settings, check)
