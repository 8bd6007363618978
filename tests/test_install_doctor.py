"""`install` and `doctor` against the fake Mattermost server, as an administrator runs them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REGISTRY
from tests.fake_mattermost import FakeMattermost
from tests.live import run_cli, start_bot

pytestmark = pytest.mark.slow  # starts real processes


@pytest.fixture
def fake() -> Iterator[FakeMattermost]:
    server = FakeMattermost().start()
    yield server
    server.stop()


def env(fake: FakeMattermost, **more: str) -> dict[str, str]:
    return {
        "ANIMATION_MATTERMOST_URL": fake.url,
        "ANIMATION_MATTERMOST_TOKEN": fake.token,
        "ANIMATION_PUBLIC_URL": "https://bot.example.org",
        **more,
    }


def test_first_install_creates_then_second_updates(fake: FakeMattermost, tmp_path: Path) -> None:
    first = run_cli(["install", "--team", "beta"], workdir=tmp_path, env=env(fake))
    assert first.returncode == 0, first.stderr
    assert "Commande /animation créée sur l'équipe « beta »." in first.stdout
    assert first.stderr == ""  # a public address: no warning
    (command,) = fake.commands.values()
    assert command["trigger"] == "animation" and command["method"] == "P"
    assert command["url"] == "https://bot.example.org/mattermost/command"
    assert command["auto_complete"] is True and command["auto_complete_hint"].startswith("[aide")
    assert f"ANIMATION_COMMAND_TOKENS={command['token']}" in first.stdout

    second = run_cli(
        ["install", "--team", "beta", "--url", "https://nouveau.example.org"],
        workdir=tmp_path,
        env=env(fake),
    )
    assert second.returncode == 0, second.stderr
    assert "mise à jour (pas de doublon)" in second.stdout
    (updated,) = fake.commands.values()
    assert updated["url"] == "https://nouveau.example.org/mattermost/command"
    assert f"ANIMATION_COMMAND_TOKENS={command['token']}" in second.stdout
    puts = [r for r in fake.requests if r.method == "PUT"]
    assert [r.path for r in puts] == [f"/api/v4/commands/{command['id']}"]  # not '/commands' + id


@pytest.mark.parametrize(
    ("setup", "team", "message"),
    [
        (
            lambda f: setattr(f, "may_manage_commands", False),
            "beta",
            "n'a pas le droit de gérer les commandes slash",
        ),
        (
            lambda f: setattr(f, "commands_enabled", False),
            "beta",
            "commandes slash personnalisées sont désactivées",
        ),
        (lambda f: None, "inconnue", "Équipe « inconnue » introuvable"),
        (lambda f: setattr(f, "token", "autre"), "beta", "Mattermost refuse le jeton"),
    ],
)
def test_install_failures_say_what_to_change(
    fake: FakeMattermost, tmp_path: Path, setup: object, team: str, message: str
) -> None:
    setup(fake)  # type: ignore[operator]
    result = run_cli(
        ["install", "--team", team],
        workdir=tmp_path,
        env={**env(fake), "ANIMATION_MATTERMOST_TOKEN": "bot-token"},
    )
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_install_refuses_a_local_address_a_remote_mattermost_cannot_reach(
    tmp_path: Path,
) -> None:
    for given in ([], ["--url", "http://localhost:8000"]):
        result = run_cli(
            ["install", "--team", "beta", *given],
            workdir=tmp_path,
            env={
                "ANIMATION_MATTERMOST_URL": "https://mattermost.example.org",
                "ANIMATION_MATTERMOST_TOKEN": "t",
            },
        )
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("Installation refusée : http://")
        assert "le serveur Mattermost (https://mattermost.example.org) ne peut pas" in (
            result.stderr
        )
        assert result.stdout == ""


def test_install_on_one_machine_warns_about_the_local_address(
    fake: FakeMattermost, tmp_path: Path
) -> None:
    no_public_url = {k: v for k, v in env(fake).items() if k != "ANIMATION_PUBLIC_URL"}
    result = run_cli(["install", "--team", "beta"], workdir=tmp_path, env=no_public_url)
    assert result.returncode == 0, result.stderr
    (command,) = fake.commands.values()
    assert command["url"] == "http://127.0.0.1:8000/mattermost/command"
    assert result.stderr.strip().startswith(
        "⚠ Attention : http://127.0.0.1:8000 est une adresse locale : elle ne convient que si "
        "Mattermost tourne sur cette même machine, hors conteneur."
    )


def test_install_unreachable_server(tmp_path: Path) -> None:
    result = run_cli(
        ["install", "--team", "beta"],
        workdir=tmp_path,
        env={"ANIMATION_MATTERMOST_URL": "http://127.0.0.1:9", "ANIMATION_MATTERMOST_TOKEN": "t"},
    )
    assert result.returncode == 1 and "Mattermost ne répond pas" in result.stderr


def test_doctor_all_green(fake: FakeMattermost, tmp_path: Path) -> None:
    shutil.copy(REGISTRY, tmp_path / "referents.yaml")
    fake.members |= {fake.teams["beta"], "c" * 26}
    settings = env(
        fake,
        ANIMATION_COMMAND_TOKENS="tok",
        ANIMATION_SECRET="s" * 32,
        ANIMATION_REGISTRY=str(tmp_path / "referents.yaml"),
        ANIMATION_TRIAGE_CHANNEL_ID="c" * 26,
    )
    bot = start_bot(workdir=tmp_path, env=settings)  # migrates the database, answers /healthz
    try:
        result = run_cli(
            ["doctor", "--team", "beta"],
            workdir=tmp_path,
            env={**settings, "ANIMATION_PUBLIC_URL": bot.url},
        )
    finally:
        bot.stop()
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    # Mattermost and the bot both on 127.0.0.1: fine outside containers, and said so.
    public = lines.index(f"⚠ adresse publique {bot.url} joignable d'ici")
    assert lines[public + 1].startswith(f"    → {bot.url} est une adresse locale : elle ne")
    del lines[public : public + 2]
    assert all(line.startswith("✓") for line in lines[:-2]), result.stdout
    assert "le bot est membre de l'équipe « beta »" in result.stdout
    assert lines[-1] == "9 vérification(s) sur 9 réussie(s). Avertissement(s) à lire : 1."


def test_doctor_says_what_to_fix(fake: FakeMattermost, tmp_path: Path) -> None:
    result = run_cli(["doctor", "--team", "beta"], workdir=tmp_path, env=env(fake))
    assert result.returncode == 1
    out = result.stdout
    assert "✗ registre data/referents.yaml" in out
    assert (
        "✗ base de données joignable et à jour" in out
        and "lance `animation-bot serve` une fois" in out
    )
    assert "✗ ANIMATION_SECRET" in out
    assert "✗ ANIMATION_COMMAND_TOKENS" in out and "animation-bot install --team" in out
    assert "✓ Mattermost joignable" in out
    assert "✗ le bot est membre de l'équipe « beta »" in out
    assert "✗ adresse publique https://bot.example.org joignable d'ici" in out
    assert "AllowedUntrustedInternalConnections" in out


def test_install_requests_match_mattermost_openapi(fake: FakeMattermost, tmp_path: Path) -> None:
    from tests.conftest import shared_file
    from tests.openapi import validate

    spec = shared_file("mattermost/openapi-v4.yaml")
    run_cli(["install", "--team", "beta"], workdir=tmp_path, env=env(fake))
    run_cli(["install", "--team", "beta"], workdir=tmp_path, env=env(fake))
    used = {
        validate(spec, r.method, r.path, r.body if r.method != "GET" else None)
        for r in fake.requests
    }
    assert {
        "/api/v4/commands",
        "/api/v4/commands/{command_id}",
        "/api/v4/teams/name/{team_name}",
    } <= used
