"""Mattermost interactions: opening forms, dialog submissions, button clicks.

Nothing that arrives here is trusted: a dialog's `state` and a button's
`context` were signed by us and are checked (who, what, until when), the
clicker must be the person the message was sent to, and the post clicked
must be the one we sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.ports import Clock
from bot.core.registry.schema import Category
from bot.core.requests.desk import Desk, handler_post
from bot.core.requests.forms import form_for, read_submission
from bot.core.requests.lifecycle import RoutingError
from bot.core.signing import SignatureError, Signer
from bot.mattermost.client import DeliveryError, MattermostClient
from bot.mattermost.notifier import Buttons
from bot.mattermost.payloads import category_buttons, dialog
from bot.service.reloader import RegistryHolder

FORM_LIFETIME = 24 * 3600  # long enough to write calmly; the nonce stops replays
CHOICE_LIFETIME = 86_400
REFUSED = {
    "expired": "Ce formulaire a expiré : relance `/animation demande`.",
    "forged": "Ce formulaire n'est pas valide : relance `/animation demande`.",
    "misused": "Ce formulaire a été ouvert par quelqu'un d'autre : relance `/animation demande`.",
}
BUTTON_REFUSED = {
    "expired": "Ce bouton a expiré : utilise `/animation mes-demandes`.",
    "forged": "Ce bouton n'est pas valide : retrouve la demande avec `/animation mes-demandes`.",
    "misused": "Ce bouton n'est pas valide : retrouve la demande avec `/animation mes-demandes`.",
}


@dataclass
class Interactions:
    holder: RegistryHolder
    desk: Desk
    signer: Signer
    clock: Clock
    buttons: Buttons
    client: MattermostClient | None
    public_url: str
    wake: Callable[[], None]

    @property
    def dialog_url(self) -> str:
        return self.public_url.rstrip("/") + "/mattermost/dialog"

    @property
    def action_url(self) -> str:
        return self.public_url.rstrip("/") + "/mattermost/action"

    async def open_form(
        self, category: Category, *, user_id: str, user_name: str, trigger_id: str
    ) -> bool:
        """Open the category's dialog now (the trigger lives seconds). False if it cannot."""
        if self.client is None or not trigger_id:
            return False
        claims = {"k": "dialog", "u": user_id, "n": user_name, "cb": category.id}
        state = self.signer.sign(claims, now=self.clock.now(), ttl_seconds=FORM_LIFETIME)
        payload = dialog(
            form_for(self.holder.directory, category), callback_id=category.id, state=state
        )
        try:
            await asyncio.to_thread(self.client.open_dialog, trigger_id, self.dialog_url, payload)
        except DeliveryError:
            return False
        return True

    def choice_attachments(
        self, categories: Sequence[Category], *, user_id: str, user_name: str
    ) -> list[dict[str, Any]]:
        def context(category_id: str) -> dict[str, Any]:
            claims = {"k": "choose", "u": user_id, "n": user_name, "c": category_id}
            return {
                "token": self.signer.sign(claims, now=self.clock.now(), ttl_seconds=CHOICE_LIFETIME)
            }

        return category_buttons(categories, url=self.action_url, context=context)

    async def submit(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A dialog submission: `{}` closes the dialog, `errors` keeps it open."""
        if payload.get("cancelled"):
            return {}
        user_id = str(payload.get("user_id") or "")
        try:
            claims = self.signer.verify(
                payload.get("state"),
                now=self.clock.now(),
                expect={"k": "dialog", "u": user_id, "cb": payload.get("callback_id")},
            )
        except SignatureError as error:
            return {"error": REFUSED[error.reason]}
        directory = self.holder.directory
        category = directory.registry.categories.get(str(claims["cb"]))
        submission = payload.get("submission")
        if category is None or not isinstance(submission, dict):
            return {"error": REFUSED["forged"]}
        draft = read_submission(
            directory,
            category,
            submission,
            requester_id=user_id,
            requester_name=str(claims.get("n") or ""),
            nonce=str(claims["nonce"]),
        )
        if isinstance(draft, dict):
            return {"errors": draft}
        try:
            await asyncio.to_thread(self.desk.submit, directory, draft)
        except RoutingError as error:
            field = "team" if "team" in category.fields else "animator"
            return {"errors": {field: str(error)}}
        self.wake()
        return {}

    async def click(self, payload: dict[str, Any]) -> dict[str, Any]:
        raw = payload.get("context")
        context: dict[str, Any] = raw if isinstance(raw, dict) else {}
        try:
            claims = self.signer.verify(context.get("token"), now=self.clock.now(), expect={})
        except SignatureError as error:
            return {"ephemeral_text": BUTTON_REFUSED[error.reason]}
        if claims.get("k") == "choose":
            return await self._chosen(claims, payload)
        if claims.get("k") == "btn":
            return await self._button(claims, payload, context)
        return {"ephemeral_text": BUTTON_REFUSED["forged"]}

    async def _chosen(self, claims: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
        if claims.get("u") != payload.get("user_id"):
            return {"ephemeral_text": BUTTON_REFUSED["misused"]}
        category = self.holder.directory.registry.categories.get(str(claims.get("c")))
        if category is None:
            return {
                "ephemeral_text": "Ce type de demande n'existe plus : relance `/animation demande`."
            }
        opened = await self.open_form(
            category,
            user_id=str(claims["u"]),
            user_name=str(claims.get("n") or ""),
            trigger_id=str(payload.get("trigger_id") or ""),
        )
        if opened:
            return {}
        usage = f"`/animation demande {category.id} …`"
        return {"ephemeral_text": f"Je n'ai pas pu ouvrir le formulaire : écris {usage}."}

    async def _button(
        self, claims: dict[str, Any], payload: dict[str, Any], context: dict[str, Any]
    ) -> dict[str, Any]:
        directory = self.holder.directory
        registry = directory.registry
        animator = registry.animators.get(str(claims.get("for")))
        if animator is None or animator.mattermost != payload.get("user_name"):
            return {"ephemeral_text": "Ce bouton ne t'est pas destiné."}
        request_id = int(claims.get("r") or 0)
        known = await asyncio.to_thread(self.desk.store.post_of, request_id, animator.id)
        if known is None or known != payload.get("post_id"):
            return {"ephemeral_text": "Ce message ne vient pas du bot, ou pas encore : réessaie."}
        action = claims.get("a")
        if action not in ("claim", "close", "reassign"):
            return {"ephemeral_text": BUTTON_REFUSED["forged"]}
        target = context.get("selected_option") if action == "reassign" else None
        outcome = await asyncio.to_thread(
            self.desk.act,
            directory,
            request_id,
            action,
            animator.id,
            target=str(target) if target else None,
        )
        self.wake()
        reply: dict[str, Any] = {"ephemeral_text": outcome.text, "skip_slack_parsing": True}
        if outcome.request is not None:
            message = handler_post(
                registry, outcome.request, kind="update", animator_id=animator.id
            )
            reply["update"] = {"message": message.text, "props": self.buttons.props(message)}
        return reply
