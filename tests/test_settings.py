from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.core.requests.retention import Periods
from bot.service.settings import explain, load_settings


def test_defaults() -> None:
    settings = load_settings({})
    assert settings.command_tokens == ()
    assert settings.registry == Path("data/referents.yaml")
    assert settings.database_url == "sqlite:///animation.db"
    assert settings.public_url == "http://127.0.0.1:8000"
    assert settings.secret is None and settings.mattermost_url is None


def test_tokens_are_a_comma_list_for_rotation() -> None:
    settings = load_settings({"ANIMATION_COMMAND_TOKENS": " old , new,, "})
    assert settings.token_values() == ("old", "new")


def test_secrets_never_show_in_repr() -> None:
    settings = load_settings(
        {
            "ANIMATION_COMMAND_TOKENS": "s3cr3t",
            "ANIMATION_SECRET": "k3y" * 11,
            "ANIMATION_MATTERMOST_TOKEN": "t0k",
        }
    )
    text = repr(settings) + str(settings)
    assert "s3cr3t" not in text and "k3y" not in text and "t0k" not in text


def test_env_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "ANIMATION_COMMAND_TOKENS=from-file\nANIMATION_REGISTRY=r.yaml\n", encoding="utf-8"
    )
    monkeypatch.delenv("ANIMATION_COMMAND_TOKENS", raising=False)
    monkeypatch.delenv("ANIMATION_REGISTRY", raising=False)
    settings = load_settings(env_file=str(env_file))
    assert settings.token_values() == ("from-file",)
    assert settings.registry == Path("r.yaml")


def test_only_animation_variables_count() -> None:
    assert load_settings({"REGISTRY": "x", "ANIMATION_REGISTRY": "y"}).registry == Path("y")


@pytest.mark.parametrize("user", [None, "bot", "bot:server", "@bot", "@bot:"])
def test_matrix_needs_the_bots_full_id(user: str | None) -> None:
    environ = {"ANIMATION_MATRIX_HOMESERVER": "https://matrix.example.org"}
    if user is not None:
        environ["ANIMATION_MATRIX_USER"] = user
    with pytest.raises(ValidationError) as error:
        load_settings(environ)
    assert error.value.errors()[0]["loc"] == ("matrix_user",)


def test_matrix_allowed_servers_default_to_the_bots_own() -> None:
    settings = load_settings(
        {"ANIMATION_MATRIX_HOMESERVER": "https://m.example.org", "ANIMATION_MATRIX_USER": "@b:x.fr"}
    )
    assert settings.allowed_servers() == {"x.fr"}
    assert load_settings({"ANIMATION_MATRIX_USER": "anything"}).matrix_user == "anything"


@pytest.mark.parametrize(
    ("lease", "timeout"), [("30", None), ("45", None), ("10", None), ("12", "15"), ("5", "5")]
)
def test_the_outbox_lease_lies_between_the_timeout_and_mattermosts_window(
    lease: str, timeout: str | None
) -> None:
    environ = {"ANIMATION_OUTBOX_LEASE": lease}
    if timeout is not None:
        environ["ANIMATION_MATTERMOST_TIMEOUT"] = timeout
    with pytest.raises(ValidationError) as error:
        load_settings(environ)
    (problem,) = error.value.errors()
    assert problem["loc"] == ("outbox_lease",)
    assert "moins de 30 s" in problem["msg"]


def test_a_timeout_longer_than_the_default_lease_is_refused() -> None:
    with pytest.raises(ValidationError):
        load_settings({"ANIMATION_MATTERMOST_TIMEOUT": "25"})
    assert load_settings({"ANIMATION_MATTERMOST_TIMEOUT": "25", "ANIMATION_OUTBOX_LEASE": "28"})
    assert load_settings({}).outbox_lease == 20


def test_retention_periods_default_to_the_register() -> None:
    assert load_settings({}).periods() == Periods(
        closed=12, confidential_closed=3, confidential_open=6
    )
    chosen = {
        "ANIMATION_RETENTION_MONTHS": "24",
        "ANIMATION_CONFIDENTIAL_RETENTION_MONTHS": "24",
        "ANIMATION_CONFIDENTIAL_MAX_OPEN_MONTHS": "1",
    }
    assert load_settings(chosen).periods() == Periods(24, 24, 1)


@pytest.mark.parametrize(
    ("environ", "said"),
    [
        (
            {"ANIMATION_RETENTION_MONTHS": "0"},
            "ANIMATION_RETENTION_MONTHS est un nombre de mois : au moins 1",
        ),
        (
            {"ANIMATION_CONFIDENTIAL_MAX_OPEN_MONTHS": "-6"},
            "ANIMATION_CONFIDENTIAL_MAX_OPEN_MONTHS est un nombre de mois : au moins 1",
        ),
        (
            {"ANIMATION_CONFIDENTIAL_RETENTION_MONTHS": "13"},
            "ANIMATION_CONFIDENTIAL_RETENTION_MONTHS ne peut pas dépasser "
            "ANIMATION_RETENTION_MONTHS : une demande confidentielle n'est jamais gardée plus "
            "longtemps qu'une autre",
        ),
        (
            {"ANIMATION_RETENTION_MONTHS": "2", "ANIMATION_CONFIDENTIAL_RETENTION_MONTHS": "3"},
            "ANIMATION_CONFIDENTIAL_RETENTION_MONTHS ne peut pas dépasser",
        ),
    ],
)
def test_retention_periods_are_checked_in_french(environ: dict[str, str], said: str) -> None:
    with pytest.raises(ValidationError) as error:
        load_settings(environ)
    header, message = explain(error.value).splitlines()
    assert header == f"Configuration invalide : vérifie {said.split()[0]}."
    assert message.startswith(said)
