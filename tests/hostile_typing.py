"""Everything people send the bot, with a marker in every field (`hostile_world.TYPED`):
slash commands, form submissions, clicks, and malformed or interrupted bodies."""

from __future__ import annotations

import itertools
import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from bot.core.clock import SystemClock
from bot.core.people import Account
from bot.core.requests.model import Action
from bot.core.signing import Signer
from bot.mattermost.tokens import Tokens
from tests.fake_mattermost import user_id_for
from tests.hostile_world import ANIMATOR_ID, ANIMATOR_NAME, CLICKER, REQUESTER, TYPED
from tests.live import LiveBot
from tests.mattermost import command_form, command_headers, encode

_numbers = itertools.count()
JSON = {"Content-Type": "application/json"}


def answered(response: httpx.Response) -> httpx.Response:
    """Whatever fails, the bot answers: never a 5xx."""
    assert response.status_code < 500, (response.status_code, response.text)
    return response


@dataclass
class Person:
    """Someone typing to `bot` on Mattermost, and the token `bot` signs forms with."""

    bot: LiveBot
    command_token: str
    secret: str

    def command(self, text: str, *, user: str = REQUESTER) -> httpx.Response:
        form = command_form(
            text,
            token=self.command_token,
            user_name=user,
            user_id=user_id_for(user),
            trigger_id=f"{TYPED['trigger']}{next(_numbers)}",
        )
        return self.raw("/mattermost/command", encode(form), self.form_headers)

    @property
    def form_headers(self) -> dict[str, str]:
        return command_headers(self.command_token)

    def submit(self, category: str, submission: dict[str, Any]) -> httpx.Response:
        """A form of `category` as the bot opens it (a fresh one each time), sent back."""
        who = Account("mattermost", user_id_for(REQUESTER), REQUESTER)
        state = Tokens(Signer(self.secret), SystemClock()).form(who, category)
        body = {
            "type": "dialog_submission",
            "callback_id": category,
            "state": state,
            "user_id": who.id,
            "channel_id": "c" * 26,
            "team_id": "t" * 26,
            "submission": submission,
            "cancelled": False,
        }
        return self.raw("/mattermost/dialog", json.dumps(body).encode())

    def click(
        self, request: int, action: Action, *, user: str, post_id: str, option: str = ""
    ) -> httpx.Response:
        """A click on the copy of `request` sent to the co-animator who follows ANCT."""
        token = Tokens(Signer(self.secret), SystemClock()).button(
            request, action, "dominique-exemple"
        )
        context = {"token": token} | ({"selected_option": option} if option else {})
        return self.raw("/mattermost/action", json.dumps(_click(user, post_id, context)).encode())

    def raw(self, route: str, body: bytes, headers: dict[str, str] = JSON) -> httpx.Response:
        return answered(
            httpx.post(f"{self.bot.url}{route}", content=body, headers=headers, timeout=15)
        )

    # --- what people do, all fields marked ------------------------------------------------
    def requests(self) -> None:
        """A request inline, a confidential one, a typo'd team, lookups; then the forms."""
        marked = f"{TYPED['subject']} {TYPED['details']}"
        self.command(f"demande convention anct : {marked}")
        self.command(f"demande mal-etre {ANIMATOR_NAME} un appel")
        self.command(f"demande convention {TYPED['team']} : {TYPED['inline']}")
        self.command(f"qui {TYPED['question']}")
        self.command(TYPED["unknown"])
        self.command("demande mal-etre")  # opens the form when Mattermost answers
        self.submit("convention", {"team": TYPED["team"], "subject": TYPED["subject"]})
        self.submit(
            "convention",
            {"team": "anct", "subject": TYPED["subject"], "details": TYPED["details"]},
        )
        self.submit("mal-etre", {"animator": ANIMATOR_ID, "contact_method": "appel"})
        self.command("mes-demandes")

    def clicks(self, request: int, post_id: str, *, last: Action = "claim") -> None:
        """On a copy the bot sent: its recipient (with a marked option), someone else, a
        forged token, a post that is not the bot's; then `last`, by its recipient."""
        self.click(request, "reassign", user="dominique.exemple", post_id=post_id, option="x")
        self.click(request, "reassign", user=CLICKER, post_id=post_id, option=TYPED["option"])
        self.click(request, "claim", user="dominique.exemple", post_id=TYPED["post"])
        forged = _click(CLICKER, TYPED["post"], {"token": TYPED["button"]})
        self.raw("/mattermost/action", json.dumps(forged).encode())
        self.click(request, last, user="dominique.exemple", post_id=post_id)

    def malformed(self) -> None:
        """Broken forms and JSON, forged states, oversized and interrupted bodies."""
        form = {f"{TYPED['inline']}{n}": TYPED["details"] for n in range(70)}
        self.raw("/mattermost/command", urlencode(form).encode(), self.form_headers)
        wrong = command_form(f"demande convention anct : {TYPED['subject']}", token="wrong")
        self.raw("/mattermost/command", encode(wrong), self.form_headers)
        query = urlencode({"token": self.command_token, "text": f"qui {TYPED['question']}"})
        answered(httpx.get(f"{self.bot.url}/mattermost/command?{query}", timeout=15))
        marked = TYPED["subject"].encode()
        forged = {"state": TYPED["state"], "submission": {"x": TYPED["details"]}}
        for route in ("/mattermost/dialog", "/mattermost/action"):
            for body in (
                b'{"submission": {"subject": "' + marked,
                b"[" * 20_000 + marked + b"]" * 20_000,
                b'{"a": "\\ud800' + marked + b'"}',
                b'{"a": "\xff\xfe' + marked + b'"}',
                json.dumps(forged).encode(),
                b'{"subject": "' + marked * 10_000 + b'"}',
            ):
                self.raw(route, body)
            self.cut_short(route, b'{"submission": {"subject": "' + marked)
        self.cut_short("/mattermost/command", b"text=" + marked)

    def cut_short(self, route: str, sent: bytes) -> None:
        """A client that announces more than it sends, then goes away."""
        host, port = self.bot.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            head = f"POST {route} HTTP/1.1\r\nHost: bot\r\nContent-Length: 4000\r\n\r\n"
            sock.sendall(head.encode() + sent)


def _click(user: str, post_id: str, context: dict[str, str]) -> dict[str, Any]:
    return {
        "user_id": user_id_for(user),
        "user_name": user,
        "channel_id": "c" * 26,
        "post_id": post_id,
        "trigger_id": f"{TYPED['trigger']}{next(_numbers)}",
        "type": "button",
        "context": context,
    }
