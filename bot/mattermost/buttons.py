"""Mattermost buttons with signed contexts: a co-animator's actions on a request, and the
choice of a request's category."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.people import Account
from bot.core.registry.schema import Category
from bot.core.requests.messages import Message
from bot.mattermost.payloads import action_buttons, category_buttons
from bot.mattermost.tokens import Tokens


class Buttons:
    """`action_url`: where Mattermost posts the clicks (`/mattermost/action`)."""

    def __init__(self, tokens: Tokens, action_url: str) -> None:
        self.tokens = tokens
        self.action_url = action_url

    def props(self, message: Message) -> dict[str, Any]:
        """The post props of a message: its buttons, none for a copy that lost them."""
        animator = message.animator_copy
        if not message.buttons or animator is None or message.request_id is None:
            return {"attachments": []} if message.kind == "update" else {}
        request_id = message.request_id
        attachments = action_buttons(
            message.buttons,
            url=self.action_url,
            context=lambda action: {"token": self.tokens.button(request_id, action, animator)},
            choices=message.choices,
            confidential=message.confidential,
        )
        return {"attachments": attachments}

    def categories(self, categories: Sequence[Category], who: Account) -> list[dict[str, Any]]:
        """One button per category, for `who` only."""
        return category_buttons(
            categories,
            url=self.action_url,
            context=lambda category_id: {"token": self.tokens.choice(who, category_id)},
        )
