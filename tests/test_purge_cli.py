"""`animation-bot purge`, run as the person who runs the bot runs it, on SQLite, with the
clock moved by `--maintenant`: the trial counts and changes nothing; the purge closes the
confidential request open too long, anonymises what is due, then the rest three months
later, until nothing of the people remains in any table; it prints counts, never a word of
a request; and each way it can fail has its exit code and its French sentence."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select

from bot.core.people import Account
from bot.core.requests.lifecycle import closed
from bot.core.requests.messages import Message, Recipient
from bot.core.requests.model import Request
from bot.store.engine import make_engine, migrate
from bot.store.inbox import SqlInbox
from bot.store.requests import SqlStore, enqueue
from bot.store.tables import metadata
from tests.fake_mattermost import user_id_for
from tests.hostile_world import ANIMATOR_ID, REQUESTER, TYPED, leaked, registry_with_our_animator
from tests.live import run_cli
from tests.stores import DRAFT, NOW

pytestmark = pytest.mark.slow  # starts real processes

WHO = Account("mattermost", user_id_for(REQUESTER), REQUESTER)
ASKED = dataclasses.replace(
    DRAFT,
    requester=WHO,
    team_name=TYPED["team"],
    subject=TYPED["subject"],
    details=TYPED["details"],
)
CONFIDENTIAL = dataclasses.replace(
    ASKED,
    category_id="mal-etre",
    confidential=True,
    assignees=(ANIMATOR_ID,),
    team_kind=None,
    team_id=None,
    team_name=None,
    subject="",
    details="",
    contact_method="appel",
)


def told(request: Request) -> list[Message]:
    to = Recipient("user_id", WHO.id)
    return [Message("send", "mattermost", to, f"{TYPED['details']} n° {request.id}", request.id)]


def seeded(workdir: Path) -> dict[str, str]:
    """Our registry, and a database with a request closed, a confidential one left open, a
    message tied to no request and a conversation in progress, each with the markers."""
    registry = registry_with_our_animator(workdir)
    engine = make_engine(f"sqlite:///{workdir / 'animation.db'}")
    migrate(engine)
    store = SqlStore(engine)
    request, _ = store.create(ASKED, nonce="a", messages_for=told)
    after = closed(request, "camille-exemple", NOW)
    assert store.replace(request, after, messages=told(request), now=NOW)
    store.create(CONFIDENTIAL, nonce="c", messages_for=told)
    echo = Message("send", "mattermost", Recipient("user_id", WHO.id), TYPED["question"])
    with engine.begin() as connection:
        enqueue(connection, [echo], now=NOW)
    state = {"subject": TYPED["subject"], "who": REQUESTER}
    inbox = SqlInbox(engine)
    inbox.handled("matrix", "$e", user_id=WHO.id, messages=[], conversation=state, now=NOW)
    engine.dispose()
    return {"ANIMATION_REGISTRY": str(registry)}


def dump(workdir: Path) -> str:
    """Every row of every table, as text."""
    engine = make_engine(f"sqlite:///{workdir / 'animation.db'}")
    rows: list[Any] = []
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            rows += [tuple(row) for row in connection.execute(select(table))]
    engine.dispose()
    return repr(rows)


def purge(workdir: Path, env: dict[str, str], *args: str) -> tuple[int, list[str]]:
    result = run_cli(["purge", *args], workdir=workdir, env=env)
    assert leaked(result.stdout + result.stderr) == []
    assert result.stderr == "", result.stderr
    return result.returncode, result.stdout.splitlines()


def test_trial_then_purge_until_nobody_is_left(tmp_path: Path) -> None:
    env = seeded(tmp_path)
    before = dump(tmp_path)
    assert leaked(before)
    assert purge(tmp_path, env, "--essai", "--maintenant", "2027-12-01") == (
        0,
        [
            "Essai, rien n'est changé. Une purge au 1 décembre 2027 ferait :",
            "- demandes confidentielles ouvertes depuis 6 mois ou plus, à clore : 1",
            "- demandes closes à anonymiser : 1",
            "- messages à effacer : 3",
            "- conversations en cours à effacer : 1",
        ],
    )
    assert dump(tmp_path) == before
    refused = run_cli(["purge", "--maintenant", "2027-12-01"], workdir=tmp_path, env=env)
    assert refused.returncode == 2 and "--confirmer" in refused.stderr
    assert refused.stderr.endswith("Rien n'est changé.\n")
    assert dump(tmp_path) == before
    assert purge(tmp_path, env, "--maintenant", "2027-12-01", "--confirmer") == (
        0,
        [
            "Purge faite au 1 décembre 2027 :",
            "- demandes confidentielles ouvertes depuis 6 mois ou plus, closes : 1",
            "- demandes closes anonymisées : 1",
            "- messages effacés : 3",
            "- conversations en cours effacées : 1",
        ],
    )
    assert purge(tmp_path, env, "--dry-run", "--maintenant", "2028-02-29T23:59")[1][2:4] == [
        "- demandes closes à anonymiser : 0",  # closed on 1 December: three months to wait
        "- messages à effacer : 0",
    ]
    code, said = purge(tmp_path, env, "--maintenant", "2028-03-01", "--confirmer")
    assert (code, said[2:4]) == (0, ["- demandes closes anonymisées : 1", "- messages effacés : 4"])
    # Only the type is left (the figures count each type), which names no one.
    assert set(leaked(dump(tmp_path))) <= {"mal-etre", "MAL-ETRE"}


def test_a_bad_date_a_broken_registry_a_database_not_current(tmp_path: Path) -> None:
    result = run_cli(["purge", "--maintenant", "demain"], workdir=tmp_path, env={})
    assert result.returncode == 2
    assert "date attendue au format AAAA-MM-JJ[THH:MM], par exemple 2027-06-01" in result.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\n", encoding="utf-8")
    result = run_cli(["purge"], workdir=tmp_path, env={"ANIMATION_REGISTRY": str(broken)})
    assert result.returncode == 1 and "Le registre n'est pas valide" in result.stderr
    env = {"ANIMATION_REGISTRY": str(registry_with_our_animator(tmp_path))}
    database = tmp_path / "animation.db"
    result = run_cli(["purge", "--essai"], workdir=tmp_path, env=env)
    assert (result.returncode, result.stderr) == (
        1,
        f"La base {database} n'existe pas : rien à compter.\n",
    )
    assert not database.exists()  # a trial makes nothing, not even an empty file
    migrate(make_engine(f"sqlite:///{database}"), to="0005")
    result = run_cli(["purge", "--essai"], workdir=tmp_path, env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("La base n'est pas à jour, et un essai ne change rien")
    assert "`purge --essai` sur celle-ci" in result.stderr
    assert "anonymised_at" not in columns(database)
    result = run_cli(["purge"], workdir=tmp_path, env=env)
    assert result.returncode == 0 and result.stdout.startswith("Purge faite au ")
    assert "anonymised_at" in columns(database)


def columns(database: Path) -> set[str]:
    engine = make_engine(f"sqlite:///{database}")
    names = {column["name"] for column in inspect(engine).get_columns("requests")}
    engine.dispose()
    return names
