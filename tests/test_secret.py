"""One minimum length for ANIMATION_SECRET, everywhere, checked before anything else."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from bot.cli import doctor
from bot.core.signing import MIN_SECRET_LENGTH, Signer
from bot.service.settings import SECRET_TOO_SHORT, explain, load_settings
from tests.conftest import REGISTRY
from tests.live import run_cli

HOW = 'python3 -c "import secrets; print(secrets.token_urlsafe(32))"'


def test_the_minimum_is_32_characters_for_the_signer_too() -> None:
    assert MIN_SECRET_LENGTH == 32
    Signer("k" * MIN_SECRET_LENGTH)
    with pytest.raises(ValueError, match="32"):
        Signer("k" * (MIN_SECRET_LENGTH - 1))


@pytest.mark.parametrize("secret", ["", "short", "k" * (MIN_SECRET_LENGTH - 1)])
def test_settings_refuse_a_short_secret_in_french(secret: str) -> None:
    with pytest.raises(ValidationError) as caught:
        load_settings({"ANIMATION_SECRET": secret})
    said = explain(caught.value)
    assert said.splitlines() == [
        "Configuration invalide : vérifie ANIMATION_SECRET.",
        SECRET_TOO_SHORT,
    ]
    assert "au moins 32 caractères" in said and HOW in said
    if secret:
        assert secret not in said  # the value itself is never repeated


def test_settings_accept_the_minimum_and_no_secret() -> None:
    assert load_settings({"ANIMATION_SECRET": "k" * MIN_SECRET_LENGTH}).secret is not None
    assert load_settings({}).secret is None


NEW, OLD = "n" * 40, "o" * 40


def test_several_keys_comma_separated_the_first_signs() -> None:
    settings = load_settings({"ANIMATION_SECRET": f"{NEW}, {OLD}"})
    assert settings.signing_keys() == (NEW, OLD)
    assert load_settings({}).signing_keys() == ()


@pytest.mark.parametrize(
    ("secret", "said"),
    [
        (f"{NEW},short", "ANIMATION_SECRET : la clé n° 2 sur 2 est trop courte : il faut au moins"),
        (f"{NEW},{OLD},{NEW}", "ANIMATION_SECRET : la clé n° 3 répète la n° 1 : garde chaque"),
        (",", SECRET_TOO_SHORT),
    ],
)
def test_a_short_or_repeated_key_is_named_by_its_place(secret: str, said: str) -> None:
    with pytest.raises(ValidationError) as caught:
        load_settings({"ANIMATION_SECRET": secret})
    lines = explain(caught.value).splitlines()
    assert lines[0] == "Configuration invalide : vérifie ANIMATION_SECRET."
    assert lines[1].startswith(said)
    assert NEW not in "".join(lines) and "short" not in "".join(lines)


def test_doctor_counts_the_keys_and_never_prints_them() -> None:
    one = doctor._secret(load_settings({"ANIMATION_SECRET": NEW}))
    assert one.ok and one.label == "ANIMATION_SECRET défini : 1 clé de signature"
    two = doctor._secret(load_settings({"ANIMATION_SECRET": f"{NEW},{OLD}"}))
    assert two.ok and two.label.startswith("ANIMATION_SECRET défini : 2 clés de signature")
    assert "180 jours" in two.label
    # The settings refuse a short key before doctor runs; doctor says so by its place too.
    bad = load_settings({}).model_copy(update={"secret": SecretStr(f"{NEW},zzzz")})
    check = doctor._secret(bad)
    assert not check.ok and "la clé n° 2 sur 2 est trop courte" in check.fix
    assert NEW not in check.line() and "zzzz" not in check.line()


def test_doctor_asks_for_the_same_minimum() -> None:
    check = doctor._secret(load_settings({}))
    assert not check.ok and "au moins 32 caractères" in check.fix and HOW in check.fix
    assert doctor._secret(load_settings({"ANIMATION_SECRET": "k" * 32})).ok


@pytest.mark.slow
@pytest.mark.parametrize("command", [["serve", "--port", "1"], ["serve", "--dev"], ["doctor"]])
def test_a_short_secret_stops_every_command_before_the_database(
    tmp_path: Path, command: list[str]
) -> None:
    result = run_cli(
        command,
        workdir=tmp_path,
        env={"ANIMATION_SECRET": "short", "ANIMATION_REGISTRY": str(REGISTRY)},
    )
    assert result.returncode == 2, result.stderr
    assert "ANIMATION_SECRET est trop court" in result.stderr
    assert "au moins 32 caractères" in result.stderr and HOW in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "short" not in result.stderr
    assert not (tmp_path / "animation.db").exists()  # checked before any migration
