"""An incoming webhook (Slack, Teams): POST the composed JSON payload to a secret URL.

Webhooks cannot be read back, so a post whose result was lost cannot be reconciled: it becomes
"needs attention" and is re-sent only with `--retry-attention`. Each channel module supplies only
its name, its environment variable, how to read the answer and, optionally, a last look at the
payload before it leaves (`Prepare`).
"""

from __future__ import annotations

from collections.abc import Callable

import requests

from ..compose import wire
from ..model import Item, Receipt, Unsettled
from ..settings import timeout
from . import http
from .registry import ChannelSpec

#: Reads a webhook's answer: return True when the network only *accepted* the message for later
#: delivery (recorded "accepted"), False when it is in; raise a ChannelError otherwise.
Check = Callable[[requests.Response], bool]
#: (payload, session, item) → the payload to send (may raise Held: nothing is sent).
Prepare = Callable[[dict, requests.Session, Item], dict]


class Webhook:
    def __init__(self, spec: ChannelSpec, url: str, settings: dict, check: Check,
                 before: Prepare | None = None):
        self.spec, self.label, self.url, self.check, self.before = spec, spec.label, url, check, before
        self.session = http.session(timeout(settings))

    def deliver(self, payload: dict, item: Item | None = None) -> bool:
        """Check and send any message for this channel (a post, or e.g. an "amplify" message built
        elsewhere): the channel's last look (`before`: size and block limits, image check), then
        the POST. True when it was only accepted for later delivery; raises ChannelError/Held."""
        if self.before is not None:
            payload = self.before(payload, self.session, item)
        return self.send(payload)

    def send(self, payload: dict) -> bool:
        """POST one payload as it is (no checks); True when only accepted for later delivery."""
        try:
            response = self.session.post(self.url, data=wire(payload),
                                         headers={"Content-Type": "application/json"})
        except requests.RequestException as exc:
            raise http.transport_error(exc, self.label) from None
        return self.check(response)

    def post(self, item: Item) -> Receipt:
        return Receipt(remote_id="", remote_url="", accepted=self.deliver(item.payload, item))

    def reconcile(self, item: Item) -> Receipt | None:
        raise Unsettled(f"{self.label} webhooks cannot be read back — check the channel, then use "
                        "--retry-attention if the post is missing")
