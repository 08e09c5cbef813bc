"""Microsoft Teams Workflows webhook (internal posts): POST an Adaptive Card message.

Workflows ("When a Teams webhook request is received") accept Adaptive Cards only and answer
`202 Accepted`; the retired Office 365 connectors answered `200 1`. Both count as sent.
"""

from __future__ import annotations

import requests

from . import http
from .registry import CHANNELS
from .webhook import Webhook

SPEC = CHANNELS["teams"]
LABEL, ENV = SPEC.label, SPEC.env


def configured(env: dict, settings: dict | None = None) -> bool:
    return bool(env.get("TEAMS_WEBHOOK_URL"))


def check(response: requests.Response) -> None:
    if response.status_code in (200, 201, 202):
        return
    if response.status_code == 413:
        raise http.status_error(response, LABEL, "card too large (Teams accepts about 28 KB)")
    raise http.status_error(response, LABEL)


def connect(settings: dict, env: dict) -> Webhook:
    return Webhook(SPEC, env["TEAMS_WEBHOOK_URL"], settings, check)
