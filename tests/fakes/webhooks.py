"""Fake Slack incoming webhook and Teams Workflows webhook.

Slack (docs.slack.dev "Sending messages using incoming webhooks", its error list
api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks, Block Kit reference):
answers `200 ok`; a section's text over 3,000 characters or a header over 150 is 400
`invalid_blocks`; an image accessory is downloaded when the message is sent, and one that does
not answer 200 fails the message (400 `invalid_blocks`, "downloading image failed").

Teams Workflows (learn.microsoft.com "Create incoming webhooks with Workflows for Microsoft Teams";
the flow's "Post card in a chat or channel" action): Adaptive Cards only; the trigger answers
`202 Accepted` *before* the flow runs, so a card the flow then refuses (over about 28 KB) is
answered 202 all the same and never appears — it lands in `dropped`, not in `messages`.
"""

from __future__ import annotations

from urllib.parse import quote

import requests
from werkzeug import Request

from .base import Fake, reply

SLACK_TEAM, SLACK_BOT = "T0000FAKE", "B0000FAKE"  # workspace and app ids: secret path segments too
SLACK_SECRET = "slacksecretpath0123456789"  # the secret part of the webhook URL
TEAMS_SIG = "teamssecretsig0123456789"
TEAMS_WORKFLOW = "3f9a1c2e7b6d4e0f8a5c1b2d3e4f5a6b"  # the workflow id in the URL path
SLACK_PATH = f"/services/{SLACK_TEAM}/{SLACK_BOT}/{SLACK_SECRET}"
TEAMS_PATH = f"/workflows/{TEAMS_WORKFLOW}/triggers/manual/paths/invoke"


class SlackFake(Fake):
    FAILURES = {
        "400": (400, "invalid_payload", {}),
        "404": (404, "channel_not_found", {}),
        "429": (429, "rate_limited", {"Retry-After": "30"}),
        "500": (500, "rollup_error", {}),
    }

    def __init__(self, httpserver):
        super().__init__(httpserver)
        self.messages: list[dict] = []
        self.failed_images: list[str] = []
        httpserver.expect_request(SLACK_PATH, method="POST").respond_with_handler(self.receive)

    @property
    def webhook(self) -> str:
        return self.url + SLACK_PATH

    def receive(self, request: Request):
        self.calls.append(request)
        if not request.is_json:
            return reply(400, "invalid_payload")
        body = request.get_json()
        if not isinstance(body.get("text"), str) or not isinstance(body.get("blocks"), list):
            return self.reject("payload needs text and blocks", 400, "invalid_payload")
        for block in body["blocks"]:
            if block.get("type") == "section" and len(block["text"]["text"]) > 3000:
                return self.reject("section text over 3000", 400, "invalid_blocks")
            if block.get("type") == "header" and len(block["text"]["text"]) > 150:
                return self.reject("header text over 150", 400, "invalid_blocks")
        if (forced := self.forced(request)) is not None:
            return forced
        self.slow()
        for block in body["blocks"]:
            image = (block.get("accessory") or {}).get("image_url")
            if image and not self.downloads(image):
                self.failed_images.append(image)
                return reply(400, "invalid_blocks")
        self.messages.append(body)
        return reply(200, "ok")

    @staticmethod
    def downloads(url: str) -> bool:
        """Slack fetches the image as the message is sent (the test serves it from another server)."""
        try:
            return requests.get(url, timeout=3).status_code == 200
        except requests.RequestException:
            return False


class TeamsFake(Fake):
    FAILURES = {
        "400": (
            400,
            {"error": {"code": "InvalidRequestContent", "message": "The input body is invalid"}},
            {},
        ),
        "413": (413, {"error": {"code": "MessageTooLarge"}}, {}),
        "429": (429, {"error": {"code": "WorkflowTriggerIsThrottled"}}, {"Retry-After": "60"}),
        "500": (502, {"error": {"code": "BadGateway"}}, {}),
    }

    def __init__(self, httpserver):
        super().__init__(httpserver)
        self.messages: list[dict] = []
        self.dropped: list[dict] = []  # accepted (202), then refused by the flow: never posted
        self.sig = TEAMS_SIG  # a test may set one with characters that URL-encoding changes
        httpserver.expect_request(TEAMS_PATH, method="POST").respond_with_handler(self.receive)

    @property
    def webhook(self) -> str:
        return (self.url + TEAMS_PATH + "?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0"
                f"&sig={quote(self.sig, safe='')}")

    def receive(self, request: Request):
        self.calls.append(request)
        if request.args.get("sig") != self.sig:
            return self.reject("bad signature", 401, {"error": {"code": "DirectApiAuthorizationRequired"}})
        body = request.get_json()
        attachments = body.get("attachments") or []
        if body.get("type") != "message" or len(attachments) != 1:
            return self.reject("Workflows expects a message with one attachment", 400)
        card = attachments[0]
        if (
            card.get("contentType") != "application/vnd.microsoft.card.adaptive"
            or card.get("content", {}).get("type") != "AdaptiveCard"
        ):
            return self.reject("Workflows accepts Adaptive Cards only", 400)
        if (forced := self.forced(request)) is not None:
            return forced
        self.slow()
        if len(request.get_data()) > 28_000:  # the flow runs after the answer, and fails
            self.dropped.append(body)
        else:
            self.messages.append(body)
        return reply(202, "")
