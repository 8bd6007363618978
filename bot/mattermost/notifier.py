"""Delivering one outbox message to Mattermost: DMs, channel posts, post updates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Protocol

from bot.core.messages import Message
from bot.core.ports import Clock
from bot.core.signing import Signer
from bot.mattermost.client import DeliveryError, MattermostClient
from bot.mattermost.payloads import action_buttons

BUTTON_LIFETIME = timedelta(days=180)


class Notifier(Protocol):
    def deliver(self, message: Message, *, key: str) -> None:
        """Deliver `message`; `key` is stable across retries. Raises `DeliveryError`."""


class PostBook(Protocol):
    def record_post(self, request_id: int, animator_id: str, post_id: str) -> None: ...

    def post_of(self, request_id: int, animator_id: str) -> str | None: ...


class Buttons:
    """The buttons of a request's DM, each with a signed context naming the request,
    the action and the animator it was sent to."""

    def __init__(self, *, book: PostBook, signer: Signer, clock: Clock, action_url: str) -> None:
        self.book = book
        self.signer = signer
        self.clock = clock
        self.action_url = action_url

    def props(self, message: Message) -> dict[str, Any]:
        if not message.buttons or message.request_id is None:
            return {"attachments": []} if message.kind == "update" else {}
        request_id, animator = message.request_id, message.post_of or ""

        def context(action: str) -> dict[str, Any]:
            claims = {"k": "btn", "r": request_id, "a": action, "for": animator}
            lifetime = int(BUTTON_LIFETIME.total_seconds())
            return {"token": self.signer.sign(claims, now=self.clock.now(), ttl_seconds=lifetime)}

        attachments = action_buttons(
            message.buttons,
            url=self.action_url,
            context=context,
            choices=message.choices,
            confidential=message.confidential,
        )
        return {"attachments": attachments}


class MattermostNotifier:
    def __init__(self, client: MattermostClient, *, book: PostBook, buttons: Buttons) -> None:
        self.client = client
        self.book = book
        self.buttons = buttons

    def deliver(self, message: Message, *, key: str) -> None:
        props = self.buttons.props(message)
        if message.kind == "update":
            post_id = self.book.post_of(message.request_id or 0, message.post_of or "")
            if post_id is None:
                raise DeliveryError("the post to update is not sent yet", retryable=True)
            self.client.patch_post(post_id, message.text, props=props)
            return
        if message.kind == "post":
            channel = message.to
        else:
            user = self.client.user_id(message.to[1:]) if message.to.startswith("@") else message.to
            channel = self.client.direct_channel(user)
        post_id = self.client.create_post(channel, message.text, props=props, pending_id=key)
        if message.post_of and message.request_id is not None:
            self.book.record_post(message.request_id, message.post_of, post_id)
