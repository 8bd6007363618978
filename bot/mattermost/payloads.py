"""Mattermost JSON for dialogs and message buttons, from the core's forms and messages.

Limits are counted in bytes by the server (docs/mattermost-protocol.md §4):
titles and labels are cut to fit. Button ids are letters and digits only (§5).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.core.registry.schema import Category
from bot.core.requests.forms import Form
from bot.core.requests.model import Action

BUTTON_LABELS: dict[str, str] = {
    "claim": "Je m'en occupe",
    "contacted": "Je prends contact",
    "close": "Clore",
    "reassign": "Réaffecter à…",
}
BUTTON_STYLES = {"claim": "primary", "contacted": "primary", "close": "default"}


def fit_bytes(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", errors="ignore").rstrip() + "…"


def dialog(form: Form, *, callback_id: str, state: str) -> dict[str, Any]:
    elements = []
    for field in form.fields:
        element: dict[str, Any] = {
            "display_name": fit_bytes(field.label, 24),
            "name": field.name,
            "type": field.kind,
            "optional": field.optional,
        }
        if field.kind == "select":
            element["options"] = [
                {"text": fit_bytes(label, 150), "value": value} for value, label in field.options
            ]
        else:
            element["max_length"] = field.max_length
        if field.placeholder:
            element["placeholder"] = fit_bytes(field.placeholder, 150)
        if field.help:
            element["help_text"] = fit_bytes(field.help, 150)
        elements.append(element)
    return {
        "callback_id": callback_id,
        "title": fit_bytes(form.title, 24),
        "introduction_text": form.intro,
        "elements": elements,
        "submit_label": form.submit,
        "notify_on_cancel": False,
        "state": state,
    }


def action_buttons(
    buttons: Sequence[Action],
    *,
    url: str,
    context: Callable[[Action], dict[str, Any]],
    choices: Sequence[tuple[str, str]] = (),
    confidential: bool = False,
) -> list[dict[str, Any]]:
    actions: list[dict[str, Any]] = []
    for button in buttons:
        label_key = "contacted" if (button == "claim" and confidential) else button
        action: dict[str, Any] = {
            "id": button,
            "name": BUTTON_LABELS[label_key],
            "type": "select" if button == "reassign" else "button",
            "integration": {"url": url, "context": context(button)},
        }
        if button == "reassign":
            if not choices:
                continue
            action["options"] = [{"text": label, "value": value} for value, label in choices]
        else:
            action["style"] = BUTTON_STYLES.get(label_key, "default")
        actions.append(action)
    return [{"text": "", "actions": actions}] if actions else []


def category_buttons(
    categories: Sequence[Category], *, url: str, context: Callable[[str], dict[str, Any]]
) -> list[dict[str, Any]]:
    """The choice of category: one button each, confidential ones last and marked 🔒."""
    ordered = sorted(categories, key=lambda c: c.confidential)
    actions = [
        {
            "id": "cat" + "".join(ch for ch in c.id if ch.isalnum()),
            "name": ("🔒 " if c.confidential else "") + c.label,
            "type": "button",
            "style": "default",
            "integration": {"url": url, "context": context(c.id)},
        }
        for c in ordered
    ]
    return [{"text": "", "actions": actions}]
