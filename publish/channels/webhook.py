"""An incoming webhook (Slack, Teams): POST the composed JSON payload to a secret URL.

Webhooks cannot be read back, so a post whose result was lost cannot be reconciled: it becomes
"needs attention" and is re-sent only with `--retry-attention`. Each channel module supplies only
its name, its environment variable and how to read the answer.
"""

from __future__ import annotations

from collections.abc import Callable

import requests

from ..model import Item, Receipt, Unsettled
from ..settings import timeout
from . import http
from .registry import ChannelSpec

#: Reads a webhook's answer: return normally when the post is in, raise a ChannelError otherwise.
Check = Callable[[requests.Response], None]


class Webhook:
    def __init__(self, spec: ChannelSpec, url: str, settings: dict, check: Check):
        self.spec, self.label, self.url, self.check = spec, spec.label, url, check
        self.session = http.session(timeout(settings))

    def post(self, item: Item) -> Receipt:
        try:
            response = self.session.post(self.url, json=item.payload)
        except requests.RequestException as exc:
            raise http.transport_error(exc, self.label) from None
        self.check(response)
        return Receipt(remote_id="", remote_url="")

    def reconcile(self, item: Item) -> Receipt | None:
        raise Unsettled(f"{self.label} webhooks cannot be read back — check the channel, then use "
                        "--retry-attention if the post is missing")
