"""`/animation demande` end to end: the real service under uvicorn, a fake Mattermost server
that mattermostdriver really talks to, and every message checked where it lands."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bot.mattermost.interactions import CLICK_REFUSED
from tests.fake_mattermost import FakeMattermost
from tests.live import LiveBot, drained, start_connected
from tests.mattermost import (
    buttons_of,
    click_button,
    parse_command_response,
    send_command,
    submit_dialog,
)
from tests.waiting import wait_for

pytestmark = pytest.mark.slow

NOT_FOR_YOU = CLICK_REFUSED["not_for_you"]
TOKEN = "req-" + "k" * 22
TRIAGE = "t" * 26


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeMattermost]:
    server = FakeMattermost().start()
    yield server
    server.stop()


def command(bot: LiveBot, text: str, *, user: str = "alice") -> dict[str, Any]:
    return parse_command_response(send_command(bot.url, text, token=TOKEN, user=user))


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory, fake: FakeMattermost) -> Iterator[LiveBot]:
    live = start_connected(
        tmp_path_factory.mktemp("requests"),
        mattermost_url=fake.url,
        mattermost_token=fake.token,
        command_token=TOKEN,
        ANIMATION_TRIAGE_CHANNEL_ID=TRIAGE,
    )
    yield live
    live.stop()


def test_demande_dialog_submit_dm_claim_close(bot: LiveBot, fake: FakeMattermost) -> None:
    # 1. /animation demande: the categories as buttons, confidential ones last.
    chooser = command(bot, "demande")
    assert chooser["response_type"] == "ephemeral"
    actions = chooser["attachments"][0]["actions"]
    assert actions[0]["name"] == "Convention, devis, service fait"
    assert actions[-1]["name"].startswith("🔒")

    # 2. A click opens that category's dialog with the click's fresh trigger.
    dialogs_before = len(fake.dialogs)
    assert click_button(actions[0], user="alice", post_id="ephemeral") == {}
    opened = fake.dialogs[dialogs_before]
    assert opened["url"] == f"{bot.url}/mattermost/dialog"
    assert [e["name"] for e in opened["dialog"]["elements"]] == ["team", "subject", "details"]

    # 3. An unknown team comes back as a field error; the dialog stays open.
    error = submit_dialog(opened, {"team": "plancton", "subject": "x"})
    assert "Je ne trouve pas cette équipe" in error["errors"]["team"]

    # 4. Submit: stored, then delivered.
    assert (
        submit_dialog(
            opened,
            {
                "team": "aides territoires",
                "subject": "Convention avec la DGCL",
                "details": "Bloquée depuis 3 semaines @all",
            },
        )
        == {}
    )
    dm = wait_for(lambda: fake.posts_to("dominique.exemple"))[-1]
    assert dm["message"].startswith("📥 Demande n° ")
    assert "De @alice, l'équipe **Aides-territoires**" in dm["message"]
    assert "@\u200ball" in dm["message"] and "@all" not in dm["message"]
    assert set(buttons_of(dm)) == {"claim", "reassign", "close"}
    number = dm["message"].split("n° ")[1].split(" ")[0]
    confirmation = wait_for(lambda: fake.posts_to("alice"))[-1]
    assert confirmation["message"].startswith(
        f"Ta demande n° {number} est enregistrée et envoyée à @dominique.exemple ("
    )
    triage = wait_for(lambda: fake.posts_in(TRIAGE))[-1]
    assert triage["message"].startswith(f"📥 Demande n° {number} · Convention")

    # The requester's view.
    mine = command(bot, "mes-demandes")
    assert (
        f"n° {number} · Convention, devis, service fait · en attente · @dominique.exemple"
        in str(mine["text"])
    )

    # 5. A double submit of the same form: still one request.
    assert (
        submit_dialog(opened, {"team": "aides territoires", "subject": "Convention avec la DGCL"})
        == {}
    )
    drained(bot)
    assert len(fake.posts_to("dominique.exemple")) == 1

    # 6. Someone else clicking « Clore »: refused.
    refused = click_button(buttons_of(dm)["close"], user="camille.exemple", post_id=dm["id"])
    assert refused["ephemeral_text"] == NOT_FOR_YOU

    # 7. Claim: the post shows who and when, the requester is told.
    claimed = click_button(buttons_of(dm)["claim"], user="dominique.exemple", post_id=dm["id"])
    assert "tu t'occupes de la demande" in claimed["ephemeral_text"]
    assert "✅ Prise en charge par @dominique.exemple le " in claimed["update"]["message"]
    assert {a["id"] for a in claimed["update"]["props"]["attachments"][0]["actions"]} == {
        "reassign",
        "close",
    }
    wait_for(lambda: "a pris en charge ta demande" in fake.posts_to("alice")[-1]["message"])
    again = click_button(buttons_of(dm)["claim"], user="dominique.exemple", post_id=dm["id"])
    assert again["ephemeral_text"] == "Trop tard : @dominique.exemple s'en occupe déjà."

    # 8. Close.
    closed = click_button(buttons_of(dm)["close"], user="dominique.exemple", post_id=dm["id"])
    assert "close" in closed["ephemeral_text"]
    assert "☑️ Close par @dominique.exemple" in closed["update"]["message"]
    assert closed["update"]["props"]["attachments"] == []
    wait_for(lambda: f"Ta demande n° {number} est close" in fake.posts_to("alice")[-1]["message"])
    mine = command(bot, "mes-demandes")
    assert f"n° {number} · Convention, devis, service fait · close" in str(mine["text"])


def test_forged_expired_and_foreign_tokens_are_refused(bot: LiveBot, fake: FakeMattermost) -> None:
    answer = command(bot, "demande convention")
    opened = fake.dialogs[-1]
    assert answer["text"].startswith(
        "Le formulaire s'ouvre.\nPour envoyer ta demande sans formulaire"
    )
    forged = dict(
        opened, dialog=dict(opened["dialog"], state=opened["dialog"]["state"][:-3] + "AAA")
    )
    assert submit_dialog(forged, {"team": "anct", "subject": "x"})["error"].startswith(
        "Ce formulaire n'est pas valide"
    )
    assert submit_dialog(opened, {"team": "anct", "subject": "x"}, user="bob")["error"].startswith(
        "Ce formulaire a été ouvert par quelqu'un d'autre"
    )
    fake_button = {
        "type": "button",
        "integration": {"url": f"{bot.url}/mattermost/action", "context": {"token": "x.y"}},
    }
    assert (
        click_button(fake_button, user="alice", post_id="p")["ephemeral_text"]
        == "Ce bouton n'est plus valide : il a été modifié, ou signé avec une clé que le bot "
        "n'accepte plus. Retrouve la demande avec `/animation mes-demandes` ; si tu dois "
        "encore agir dessus, préviens la personne qui administre le bot."
    )


def test_confidential_request_reaches_only_the_chosen_person(
    bot: LiveBot, fake: FakeMattermost
) -> None:
    assert command(bot, "demande mal-etre")["text"].startswith("Le formulaire s'ouvre.")
    opened = fake.dialogs[-1]
    assert "Seule la personne que tu choisis sera prévenue" in opened["dialog"]["introduction_text"]
    assert [e["name"] for e in opened["dialog"]["elements"]] == ["animator", "contact_method"]
    triage_before = len(fake.posts_in(TRIAGE))
    assert submit_dialog(opened, {"animator": "claude-exemple", "contact_method": "tchap"}) == {}
    dm = wait_for(lambda: fake.posts_to("claude.exemple"))[-1]
    assert dm["message"].startswith(
        "🔒 @alice souhaite échanger avec toi, en toute confidentialité"
    )
    assert "Moyen de contact préféré : Tchap. Rien d'autre n'a été transmis." in dm["message"]
    assert set(buttons_of(dm)) == {"claim", "close"}
    assert buttons_of(dm)["claim"]["name"] == "Je prends contact"
    drained(bot)
    assert len(fake.posts_in(TRIAGE)) == triage_before


def test_what_the_bot_sent_matches_mattermost_openapi(bot: LiveBot, fake: FakeMattermost) -> None:
    from tests.conftest import shared_file
    from tests.openapi import validate

    spec = shared_file("mattermost/openapi-v4.yaml")
    if not fake.requests:
        command(bot, "demande convention anct : x")
        wait_for(lambda: fake.requests)
    used = {validate(spec, r.method, r.path, r.body) for r in list(fake.requests)}
    assert {"/api/v4/posts", "/api/v4/channels/direct", "/api/v4/actions/dialogs/open"} <= used


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[]",
        b"null",
        b'"x"',
        b"{}",
        b'{"state": 1, "submission": [1, 2], "callback_id": {"a": 1}, "user_id": null}',
        b'{"type": "dialog_submission", "state": "a.b", '
        b'"submission": {"team": ["x"], "subject": 42}}',
        b'{"context": "x", "post_id": 5}',
        b'{"context": {"token": null, "selected_option": []}}',
        b'{"context": {"token": "' + b"A" * 5000 + b'.x"}}',
    ],
)
def test_hostile_interaction_bodies_never_fail(bot: LiveBot, body: bytes) -> None:
    for route in ("/mattermost/dialog", "/mattermost/action"):
        response = httpx.post(
            f"{bot.url}{route}",
            content=body,
            headers={"Content-Type": "application/json"},
            timeout=10,
        )
        assert response.status_code in (200, 400), response.text
        text = response.text
        assert "Traceback" not in text and "Internal Server Error" not in text
        if response.status_code == 200:
            payload = response.json()
            assert set(payload) & {"error", "errors", "ephemeral_text"} or payload == {}
        else:
            assert response.json()["error"] in ("JSON attendu.", "Objet JSON attendu.")
