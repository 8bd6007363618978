"""The signed tokens Mattermost carries for us: a form's `state`, a button's `context`.

Mattermost signs neither dialog submissions nor button clicks, and both travel
through the user's client (docs/mattermost-protocol.md §4-5). Every token we
hand out is signed (`core.signing`), names its purpose and expires; reading one
back is one step, here, before anything else looks at a submission or a click.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.core.clock import Clock
from bot.core.people import Account
from bot.core.requests.model import ACTIONS, Action
from bot.core.signing import SignatureError, Signer

FORM_LIFETIME = timedelta(days=1)  # long enough to write calmly; the nonce stops replays
CHOICE_LIFETIME = timedelta(days=1)
BUTTON_LIFETIME = timedelta(days=180)

# Tokens signed before the claims had names in words (until 2026-11): buttons live 180 days.
_OLD_KEYS = {
    "k": "purpose",
    "u": "user",
    "n": "name",
    "cb": "category",
    "c": "category",
    "r": "request",
    "a": "action",
    "for": "animator",
}
_OLD_PURPOSES = {"dialog": "form", "choose": "choice", "btn": "button"}


@dataclass(frozen=True)
class FormState:
    """A request form opened by `who`, for `category`; `nonce` makes its submission unique."""

    who: Account
    category: str
    nonce: str


@dataclass(frozen=True)
class CategoryChoice:
    """A button that opens `category`'s form, offered to `who`."""

    who: Account
    category: str


@dataclass(frozen=True)
class RequestButton:
    """A button of a co-animator's copy of a request."""

    request_id: int
    action: Action
    animator_id: str


class Tokens:
    def __init__(self, signer: Signer, clock: Clock) -> None:
        self.signer = signer
        self.clock = clock

    def _sign(self, claims: dict[str, Any], lifetime: timedelta) -> str:
        seconds = int(lifetime.total_seconds())
        return self.signer.sign(claims, now=self.clock.now(), ttl_seconds=seconds)

    def _read(self, token: object) -> dict[str, Any]:
        claims = self.signer.verify(token, now=self.clock.now())
        if "k" in claims:
            claims = {_OLD_KEYS.get(key, key): value for key, value in claims.items()}
            claims["purpose"] = _OLD_PURPOSES.get(str(claims["purpose"]), "")
        return claims

    def form(self, who: Account, category_id: str) -> str:
        claims = {"purpose": "form", "user": who.id, "name": who.handle, "category": category_id}
        return self._sign(claims, FORM_LIFETIME)

    def read_form(self, token: object, *, user_id: str, callback_id: object) -> FormState:
        """The form a submission comes from. Raises `SignatureError`: forged, expired, or
        `misused` (opened by someone else, or for another form)."""
        claims = self._read(token)
        if claims.get("purpose") != "form":
            raise SignatureError("forged")
        if claims.get("user") != user_id or claims.get("category") != callback_id:
            raise SignatureError("misused")
        who = Account("mattermost", user_id, str(claims.get("name") or ""))
        return FormState(who, str(claims["category"]), str(claims["nonce"]))

    def choice(self, who: Account, category_id: str) -> str:
        claims = {"purpose": "choice", "user": who.id, "name": who.handle, "category": category_id}
        return self._sign(claims, CHOICE_LIFETIME)

    def button(self, request_id: int, action: Action, animator_id: str) -> str:
        claims = {
            "purpose": "button",
            "request": request_id,
            "action": action,
            "animator": animator_id,
        }
        return self._sign(claims, BUTTON_LIFETIME)

    def read_click(self, token: object, *, user_id: str) -> CategoryChoice | RequestButton:
        """What a button clicked by `user_id` was signed for. Raises `SignatureError`:
        forged, expired, or `misused` (a choice offered to someone else). Who may act on a
        request's copy is the inbound service's to check."""
        claims = self._read(token)
        if claims.get("purpose") == "choice":
            if claims.get("user") != user_id:
                raise SignatureError("misused")
            who = Account("mattermost", user_id, str(claims.get("name") or ""))
            return CategoryChoice(who, str(claims.get("category")))
        action = claims.get("action")
        request = claims.get("request")
        if (
            claims.get("purpose") != "button"
            or action not in ACTIONS
            or not isinstance(request, int)
        ):
            raise SignatureError("forged")
        return RequestButton(request, action, str(claims.get("animator")))
