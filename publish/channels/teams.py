"""Microsoft Teams Workflows webhook (internal posts): POST an Adaptive Card message.

Workflows ("When a Teams webhook request is received") accept Adaptive Cards only and answer
`202 Accepted`; the retired Office 365 connectors answered `200 1`. Both count as sent.
"""

from __future__ import annotations

import requests

from ..model import Item, Receipt, Unsettled
from . import http

NAME = "teams"
LABEL = "Teams"
ENV = ("TEAMS_WEBHOOK_URL",)


def configured(env: dict, settings: dict | None = None) -> bool:
    return bool(env.get("TEAMS_WEBHOOK_URL"))


class Teams:
    def __init__(self, settings: dict, env: dict):
        self.url = env["TEAMS_WEBHOOK_URL"]
        self.session = http.session(float(settings.get("SYNDICATION_TIMEOUT", 20)))

    def post(self, item: Item) -> Receipt:
        try:
            response = self.session.post(self.url, json=item.payload)
        except requests.RequestException as exc:
            raise http.transport_error(exc, LABEL) from None
        if response.status_code in (200, 201, 202):
            return Receipt(remote_id="", remote_url="")
        if response.status_code == 413:
            raise http.status_error(response, LABEL, "card too large (Teams accepts about 28 KB)")
        raise http.status_error(response, LABEL)

    def reconcile(self, item: Item) -> Receipt | None:
        raise Unsettled("Teams webhooks cannot be read back — check the channel, then use "
                        "--retry-attention if the post is missing")


def connect(settings: dict, env: dict) -> Teams:
    return Teams(settings, env)
