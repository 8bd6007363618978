"""Mattermost's forms and buttons, translated: a dialog to open, a dialog submission, a click.

Each payload's signed token is read first (`tokens`); then the inbound service
does the work, and its answer becomes the JSON Mattermost expects.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.core.people import Account
from bot.core.ports import DeliveryError
from bot.core.registry.schema import Category
from bot.core.requests.forms import form_for
from bot.core.signing import SignatureError
from bot.mattermost.buttons import Buttons
from bot.mattermost.client import MattermostClient
from bot.mattermost.payloads import dialog
from bot.mattermost.render import COMMAND, MattermostRenderer
from bot.mattermost.tokens import CategoryChoice, RequestButton, Tokens
from bot.service.inbound import Click, Inbound

FORM_REFUSED = {
    "expired": f"Ce formulaire a expiré : relance `{COMMAND} demande`.",
    # Forged, or signed with a key since dropped (README, « Rotating the signing key »): the
    # two cannot be told apart. The dialog stays open with this error: the text can be copied.
    "forged": (
        "Ce formulaire n'est pas valide, ou ne l'est plus (le bot a peut-être changé de clé) : "
        f"copie ton texte, puis relance `{COMMAND} demande`."
    ),
    "misused": f"Ce formulaire a été ouvert par quelqu'un d'autre : relance `{COMMAND} demande`.",
}
BUTTON_REFUSED = {
    "expired": f"Ce bouton a expiré : utilise `{COMMAND} mes-demandes`.",
    "forged": (
        "Ce bouton n'est plus valide : il a été modifié, ou signé avec une clé que le bot "
        f"n'accepte plus. Retrouve la demande avec `{COMMAND} mes-demandes` ; si tu dois "
        "encore agir dessus, préviens la personne qui administre le bot."
    ),
    "misused": f"Ce bouton n'est pas valide : retrouve la demande avec `{COMMAND} mes-demandes`.",
}
CLICK_REFUSED = {
    "unknown_post": "Ce message ne vient pas du bot, ou pas encore : réessaie.",
    "not_for_you": (
        "Ce bouton ne t'est pas destiné : seule la personne qui a reçu ce message peut s'en "
        f"servir. Tes demandes : `{COMMAND} mes-demandes`."
    ),
}


class Interactions:
    """`client` is None when no Mattermost API is configured: forms cannot open then."""

    def __init__(
        self,
        *,
        service: Inbound,
        tokens: Tokens,
        buttons: Buttons,
        renderer: MattermostRenderer,
        client: MattermostClient | None,
        dialog_url: str,
    ) -> None:
        self.service = service
        self.tokens = tokens
        self.buttons = buttons
        self.renderer = renderer
        self.client = client
        self.dialog_url = dialog_url

    async def open_form(self, category: Category, *, who: Account, trigger_id: str) -> bool:
        """Open the category's dialog now (the trigger lives seconds). False if it cannot."""
        if self.client is None or not trigger_id:
            return False
        form = form_for(self.service.directory, category)
        payload = dialog(form, callback_id=category.id, state=self.tokens.form(who, category.id))
        try:
            await asyncio.to_thread(self.client.open_dialog, trigger_id, self.dialog_url, payload)
        except DeliveryError:
            return False
        return True

    async def submit(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A dialog submission: `{}` closes the dialog, `errors` keeps it open."""
        if payload.get("cancelled"):
            return {}
        try:
            state = self.tokens.read_form(
                payload.get("state"),
                user_id=str(payload.get("user_id") or ""),
                callback_id=payload.get("callback_id"),
            )
        except SignatureError as error:
            return {"error": FORM_REFUSED[error.reason]}
        submission = payload.get("submission")
        if not isinstance(submission, dict):
            return {"error": FORM_REFUSED["forged"]}
        outcome = await self.service.submit(
            state.who, category_id=state.category, values=submission, nonce=state.nonce
        )
        if outcome.errors:
            return {"errors": dict(outcome.errors)}
        if outcome.error:
            return {"error": self.renderer.text(outcome.error)}
        return {}

    async def click(self, payload: dict[str, Any]) -> dict[str, Any]:
        raw = payload.get("context")
        context: dict[str, Any] = raw if isinstance(raw, dict) else {}
        who = Account(
            "mattermost", str(payload.get("user_id") or ""), str(payload.get("user_name") or "")
        )
        try:
            signed = self.tokens.read_click(context.get("token"), user_id=who.id)
        except SignatureError as error:
            return {"ephemeral_text": BUTTON_REFUSED[error.reason]}
        if isinstance(signed, CategoryChoice):
            return await self._chosen(signed, str(payload.get("trigger_id") or ""))
        return await self._acted(signed, who, payload, context)

    async def _chosen(self, choice: CategoryChoice, trigger_id: str) -> dict[str, Any]:
        category = self.service.directory.registry.categories.get(choice.category)
        if category is None:
            return {
                "ephemeral_text": f"Ce type de demande n'existe plus : relance `{COMMAND} demande`."
            }
        if await self.open_form(category, who=choice.who, trigger_id=trigger_id):
            return {}
        usage = f"`{COMMAND} demande {category.id} …`"
        return {"ephemeral_text": f"Je n'ai pas pu ouvrir le formulaire : écris {usage}."}

    async def _acted(
        self, button: RequestButton, who: Account, payload: dict[str, Any], context: dict[str, Any]
    ) -> dict[str, Any]:
        target = context.get("selected_option") if button.action == "reassign" else None
        acted = await self.service.act(
            Click(
                who=who,
                request_id=button.request_id,
                action=button.action,
                animator_id=button.animator_id,
                post_id=str(payload.get("post_id") or ""),
                target=str(target) if target else None,
            )
        )
        if acted.refused is not None:
            return {"ephemeral_text": CLICK_REFUSED[acted.refused]}
        reply: dict[str, Any] = {
            "ephemeral_text": self.renderer.text(acted.text),
            "skip_slack_parsing": True,
        }
        if acted.copy is not None:
            reply["update"] = {
                "message": self.renderer.text(acted.copy.text),
                "props": self.buttons.props(acted.copy),
            }
        return reply
