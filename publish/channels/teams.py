"""Microsoft Teams Workflows webhook (internal posts): POST an Adaptive Card message.

Workflows ("When a Teams webhook request is received") accept Adaptive Cards only and answer
`202 Accepted` *before* the flow runs (learn.microsoft.com, "Create incoming webhooks with
Workflows for Microsoft Teams"); what the flow's "Post card in a chat or channel" action then does
— e.g. refuse a card over about 28 KB — is never reported back. So:

- the card is size-checked before sending (compose fits the text, a card that cannot fit is held;
  `post` checks again and sends nothing too large), and
- a 202 is recorded as **accepted**, not posted: taken for delivery, not known to be delivered,
  and never re-sent (a re-send could post the card twice).

The retired Office 365 connectors answered `200` with body `1` after delivering: posted.
"""

from __future__ import annotations

import requests

from ..compose import TEAMS_CARD_BYTES, wire
from ..model import Held, Item
from . import http
from .registry import CHANNELS
from .webhook import Webhook

SPEC = CHANNELS["teams"]
LABEL, ENV = SPEC.label, SPEC.env


def configured(env: dict, settings: dict | None = None) -> bool:
    return bool(env.get("TEAMS_WEBHOOK_URL"))


def check(response: requests.Response) -> bool:
    """True (accepted) for 202; False (posted) for a synchronous 200/201."""
    if response.status_code == 202:
        return True
    if response.status_code in (200, 201):
        return False
    if response.status_code == 413:
        raise http.status_error(response, LABEL, "card too large (Teams accepts about 28 KB)")
    raise http.status_error(response, LABEL)


def fits(payload: dict, session=None, item: Item | None = None) -> dict:
    """Send nothing the flow would drop: a card over TEAMS_CARD_BYTES is held."""
    size = len(wire(payload))
    if size > TEAMS_CARD_BYTES:
        raise Held(f"{LABEL}: the card is {size:,} bytes, over the {TEAMS_CARD_BYTES:,} a Workflows flow "
                   "posts — shorten the text; nothing was sent")
    return payload


def connect(settings: dict, env: dict) -> Webhook:
    return Webhook(SPEC, env["TEAMS_WEBHOOK_URL"], settings, check, fits)
