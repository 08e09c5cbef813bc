"""Slack incoming webhook (internal posts): POST Block Kit JSON, Slack answers `200 ok`.

Webhooks cannot be read back, so a post whose result was lost cannot be reconciled: it becomes
"needs attention" and is re-sent only with `--retry-attention`.
"""

from __future__ import annotations

import requests

from ..model import ChannelError, Item, Receipt, Unsettled
from . import http

NAME = "slack"
LABEL = "Slack"
ENV = ("SLACK_WEBHOOK_URL",)


def configured(env: dict, settings: dict | None = None) -> bool:
    return bool(env.get("SLACK_WEBHOOK_URL"))


class Slack:
    def __init__(self, settings: dict, env: dict):
        self.url = env["SLACK_WEBHOOK_URL"]
        self.session = http.session(float(settings.get("SYNDICATION_TIMEOUT", 20)))

    def post(self, item: Item) -> Receipt:
        try:
            response = self.session.post(self.url, json=item.payload)
        except requests.RequestException as exc:
            raise http.transport_error(exc, LABEL) from None
        if response.status_code == 200 and response.text.strip() == "ok":
            return Receipt(remote_id="", remote_url="")
        if response.status_code == 200:
            raise ChannelError(f"{LABEL}: unexpected answer {response.text[:100]!r}", uncertain=True)
        raise http.status_error(response, LABEL)

    def reconcile(self, item: Item) -> Receipt | None:
        raise Unsettled("Slack webhooks cannot be read back — check the channel, then use "
                        "--retry-attention if the post is missing")


def connect(settings: dict, env: dict) -> Slack:
    return Slack(settings, env)
