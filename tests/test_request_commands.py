"""`demande` and `mes-demandes` through `respond`, with a desk on the memory store: the inline
path, as `ask` and a text-only platform use it."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.commands import Invocation, respond
from bot.core.desk import Desk
from bot.core.matching.directory import Directory
from bot.core.people import Account
from bot.core.requests.messages import Recipient
from bot.core.requests.texts import age
from bot.mattermost.render import MattermostRenderer
from tests.fakes import FakeClock, MemoryRequestStore

TODAY = date(2026, 11, 29)


@pytest.fixture
def store() -> MemoryRequestStore:
    return MemoryRequestStore()


@pytest.fixture
def desk(store: MemoryRequestStore, clock: FakeClock) -> Desk:
    return Desk(store, store, clock, ("mattermost",), triage={"mattermost": "triage"})


def run(
    directory: Directory, desk: Desk, text: str, *, user: str = "alice", command_id: str = ""
) -> str:
    who = Account("mattermost", f"id-{user}", user)
    reply = respond(directory, Invocation(text, who, TODAY, desk, command_id=command_id))
    assert reply.visibility == "private"  # whatever concerns a request is never shared
    return MattermostRenderer(lambda: directory.registry).text(reply.text)


def test_inline_request_is_stored_routed_and_announced(
    directory: Directory, desk: Desk, store: MemoryRequestStore
) -> None:
    text = run(directory, desk, "demande convention domifa : convention avec la DGCS\nsignée ?")
    assert text.startswith("Ta demande n° 1 est enregistrée et envoyée à @sacha.exemple (")
    assert "s'en occupe" not in text  # nobody has taken it yet
    assert "référente ou référent de l'incubateur Fabrique numérique des ministères sociaux" in text
    request = store.get(1)
    assert request is not None
    assert (request.team_id, request.subject, request.details) == (
        "domifa",
        "convention avec la DGCS",
        "convention avec la DGCS\nsignée ?",
    )
    sent = [(m.kind, m.platform, m.to) for m in store.outbox.messages()]
    assert sent == [
        ("send", "mattermost", Recipient("animator", "sacha-exemple")),
        ("send", "mattermost", Recipient("user_id", "id-alice")),
        ("send", "mattermost", Recipient("channel", "triage")),
    ]


def test_the_same_command_retried_is_one_request(
    directory: Directory, desk: Desk, store: MemoryRequestStore
) -> None:
    run(directory, desk, "demande convention domifa : x", command_id="t1")
    run(directory, desk, "demande convention domifa : x", command_id="t1")
    assert len(store.requests) == 1
    run(directory, desk, "demande convention domifa : x", command_id="t2")
    assert len(store.requests) == 2


def test_inline_request_with_problems_says_what_to_fix(
    directory: Directory, desk: Desk, store: MemoryRequestStore
) -> None:
    text = run(directory, desk, "demande convention plancton : x")
    assert text.startswith("Ta demande n'est pas partie :")
    assert "Je ne trouve pas cette équipe sur beta.gouv.fr" in text
    text = run(directory, desk, "demande convention domifa")
    assert "- Objet : Ce champ est nécessaire." in text
    assert "Format : `/animation demande convention <ton équipe> : <ta demande>`" in text
    assert store.requests == {}


def test_confidential_inline_request(
    directory: Directory, desk: Desk, store: MemoryRequestStore
) -> None:
    text = run(directory, desk, "demande manquement Claude Exemple appel")
    assert text.startswith(
        "🔒 C'est noté (n° 1) : ta demande est envoyée à @claude.exemple seulement, en toute "
        "confidentialité, avec le moyen de te joindre (un appel)."
    )
    request = store.get(1)
    assert request is not None and request.confidential
    assert (request.details, request.subject) == ("", "")
    assert [m.to.kind for m in store.outbox.messages()] == ["animator", "user_id"]  # no triage


def test_mes_demandes_for_requester_and_animator(directory: Directory, desk: Desk) -> None:
    run(directory, desk, "demande convention domifa : x")
    assert "- n° 1 · Convention, devis, service fait · en attente · @sacha.exemple" in run(
        directory, desk, "mes-demandes"
    )
    animator_view = run(directory, desk, "mes-demandes", user="sacha.exemple")
    assert "Les demandes qui te sont adressées, encore ouvertes" in animator_view
    assert "n° 1" in animator_view
    assert "Tu n'as pas encore fait de demande" in run(directory, desk, "mes-demandes", user="bob")


def test_ages_read_naturally() -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 11, 29, 12, tzinfo=UTC)
    assert age(now - timedelta(seconds=30), now) == "à l'instant"
    assert age(now - timedelta(minutes=5), now) == "il y a 5 min"
    assert age(now - timedelta(hours=3), now) == "il y a 3 h"
    assert age(now - timedelta(days=2), now) == "il y a 2 j"
