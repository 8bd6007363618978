"""`demande` and `mes-demandes` with a real desk on SQLite: the inline path, as `ask` uses it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.core.commands import Invocation, respond
from bot.core.matching.directory import Directory
from bot.core.requests.desk import Desk
from bot.store.outbox import Outbox
from bot.store.requests import SqlStore, make_engine, migrate
from tests.conftest import FakeClock

TODAY = date(2026, 11, 29)


@pytest.fixture
def desk(tmp_path: Path, clock: FakeClock) -> Iterator[Desk]:
    engine = make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    migrate(engine)
    yield Desk(SqlStore(engine), clock, triage_channel="triage")
    engine.dispose()


def run(
    directory: Directory, desk: Desk, text: str, *, user: str = "alice", trigger: str = ""
) -> str:
    invocation = Invocation(text, user, TODAY, user_id=f"id-{user}", trigger_id=trigger, desk=desk)
    return respond(directory, invocation).text


def test_inline_request_is_stored_routed_and_announced(directory: Directory, desk: Desk) -> None:
    text = run(directory, desk, "demande convention domifa : convention avec la DGCS\nsignée ?")
    assert text.startswith("Ta demande n° 1 est enregistrée. @sacha.exemple s'en occupe")
    assert "référente ou référent de l'incubateur Fabrique numérique des ministères sociaux" in text
    assert isinstance(desk.store, SqlStore)
    request = desk.store.get(1)
    assert request is not None
    assert (request.team_id, request.subject, request.details) == (
        "domifa",
        "convention avec la DGCS",
        "convention avec la DGCS\nsignée ?",
    )
    outbox = Outbox(desk.store.engine)
    kinds = [
        (i.message.kind, i.message.to)
        for i in outbox.claim(
            now=desk.clock.now(), lease=__import__("datetime").timedelta(seconds=9)
        )
    ]
    assert kinds == [("dm", "@sacha.exemple"), ("dm", "id-alice"), ("post", "triage")]


def test_the_same_command_retried_is_one_request(directory: Directory, desk: Desk) -> None:
    run(directory, desk, "demande convention domifa : x", trigger="t1")
    run(directory, desk, "demande convention domifa : x", trigger="t1")
    assert len(desk.store.of_requester("id-alice")) == 1


def test_inline_request_with_problems_says_what_to_fix(directory: Directory, desk: Desk) -> None:
    text = run(directory, desk, "demande convention plancton : x")
    assert text.startswith("Ta demande n'est pas partie :")
    assert "Je ne trouve pas cette équipe sur beta.gouv.fr" in text
    text = run(directory, desk, "demande convention domifa")
    assert "- Objet : Ce champ est nécessaire." in text
    assert "Format : `/animation demande convention <ton équipe> : <ta demande>`" in text
    assert desk.store.of_requester("id-alice") == []


def test_confidential_inline_request(directory: Directory, desk: Desk) -> None:
    text = run(directory, desk, "demande manquement Claude Exemple appel")
    assert text.startswith("🔒 C'est noté (n° 1) : @claude.exemple va te contacter (un appel)")
    request = desk.store.get(1)
    assert (
        request is not None
        and request.confidential
        and request.details == ""
        and request.subject == ""
    )


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

    from bot.core.requests.texts import age

    now = datetime(2026, 11, 29, 12, tzinfo=UTC)
    assert age(now - timedelta(seconds=30), now) == "à l'instant"
    assert age(now - timedelta(minutes=5), now) == "il y a 5 min"
    assert age(now - timedelta(hours=3), now) == "il y a 3 h"
    assert age(now - timedelta(days=2), now) == "il y a 2 j"
