"""Configuration from `ANIMATION_*` environment variables (and `.env`), built by a factory."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.requests.retention import Periods
from bot.core.signing import MIN_SECRET_LENGTH, split_keys

PREFIX = "ANIMATION_"
# Mattermost drops a resent post with the same `pending_post_id` for 30 s only
# (server/channels/app/post.go, `pendingPostIDsCacheTTL`).
MATTERMOST_RESEND_WINDOW = 30.0
HOW_TO_GENERATE = 'python3 -c "import secrets; print(secrets.token_urlsafe(32))"'
SECRET_ADVICE = (
    f"il faut au moins {MIN_SECRET_LENGTH} caractères aléatoires, la même valeur sur chaque "
    f"réplique. Pour en créer une : {HOW_TO_GENERATE}"
)
SECRET_TOO_SHORT = f"ANIMATION_SECRET est trop court : {SECRET_ADVICE}"


def key_problems(keys: tuple[str, ...]) -> list[str]:
    """What is wrong with the signing keys, in French, naming each by its place in the list
    (never by its value): none, too short, given twice."""
    if len(keys) <= 1:  # one key (or none, an empty value): said as it always was
        return [SECRET_TOO_SHORT] if len("".join(keys)) < MIN_SECRET_LENGTH else []
    problems = []
    for place, key in enumerate(keys, start=1):
        if len(key) < MIN_SECRET_LENGTH:
            problems.append(
                f"ANIMATION_SECRET : la clé n° {place} sur {len(keys)} est trop courte : "
                f"{SECRET_ADVICE}"
            )
        if key in keys[: place - 1]:
            first = keys.index(key) + 1
            problems.append(
                f"ANIMATION_SECRET : la clé n° {place} répète la n° {first} : "
                "garde chaque clé une seule fois."
            )
    return problems


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        # `ANIMATION_X=` (as `.env.example` leaves them) means not set, not an empty value.
        env_ignore_empty=True,
    )

    command_tokens: Annotated[tuple[SecretStr, ...], NoDecode] = ()
    registry: Path = Path("data/referents.yaml")
    catalog: Path = Path("data/betagouv")
    database_url: str = "sqlite:///animation.db"
    mattermost_url: str | None = None
    mattermost_token: SecretStr | None = None
    public_url: str = "http://127.0.0.1:8000"
    secret: SecretStr | None = None
    # The channel (id) where non-confidential requests are announced, if any.
    triage_channel_id: str | None = None
    # Timeout of every call to Mattermost's REST API, in seconds.
    mattermost_timeout: float = Field(default=10.0, gt=0)
    # Delivery retries back off exponentially up to this many seconds.
    retry_max_delay: float = Field(default=60.0, gt=0)
    # How long a replica holds an outbox message without renewing it before another may take
    # it over, in seconds: under Mattermost's 30 s memory of a resend, over the REST timeout.
    outbox_lease: float = Field(default=20.0, gt=0, validate_default=True)
    # How often the worker looks for reminders and digests due, in seconds.
    reminder_interval: float = Field(default=60.0, gt=0)
    # Retention, in calendar months (README, « Données personnelles »): a closed request is
    # anonymised after the first, a confidential one after the second, and a confidential
    # one still open is closed after the third.
    retention_months: int = 12
    confidential_retention_months: int = Field(default=3, validate_default=True)
    confidential_max_open_months: int = 6
    # How often the registry file is checked for changes, in seconds.
    reload_interval: float = Field(default=2.0, gt=0)
    # Slash-command requests larger than this are refused before parsing.
    max_body_bytes: int = Field(default=64 * 1024, gt=1024)
    # Connections (README, « Connection limits »): open at once, beyond which a new one is
    # refused; requests answered at once, beyond which a new one gets 503; request headers,
    # in bytes; seconds for a request's headers to arrive, then its body; seconds a
    # connection is kept open between requests.
    max_connections: int = Field(default=4096, ge=16)
    max_requests_in_flight: int = Field(default=512, ge=1)
    max_header_bytes: int = Field(default=32 * 1024, ge=4096)
    header_timeout: float = Field(default=5.0, gt=0)
    body_timeout: float = Field(default=5.0, gt=0)
    keep_alive_timeout: int = Field(default=5, ge=1)
    # Matrix (Tchap): off unless the homeserver is given.
    matrix_homeserver: str | None = None
    matrix_user: str | None = Field(default=None, validate_default=True)
    # Used once, to log in when no session is stored; the access token is then reused.
    matrix_password: SecretStr | None = None
    # The session, the sync token and the encryption keys: keep it like the database.
    matrix_store: Path = Path("matrix-store")
    # Servers whose users may invite and use the bot; the bot's own by default.
    matrix_allowed_servers: Annotated[tuple[str, ...], NoDecode] = ()

    @field_validator("command_tokens", "matrix_allowed_servers", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(t.strip() for t in value.split(",") if t.strip())
        return value

    @field_validator("outbox_lease")
    @classmethod
    def _lease_between_timeout_and_window(cls, value: float, info: ValidationInfo) -> float:
        timeout = info.data.get("mattermost_timeout", 0.0)
        if not timeout < value < MATTERMOST_RESEND_WINDOW:
            raise ValueError(
                f"le bail doit durer plus que ANIMATION_MATTERMOST_TIMEOUT ({timeout:g} s) et "
                f"moins de {MATTERMOST_RESEND_WINDOW:g} s, le temps pendant lequel Mattermost "
                "reconnaît un message envoyé deux fois"
            )
        return value

    @field_validator(
        "retention_months", "confidential_retention_months", "confidential_max_open_months"
    )
    @classmethod
    def _months(cls, value: int, info: ValidationInfo) -> int:
        name = f"{PREFIX}{str(info.field_name).upper()}"
        if value < 1:
            raise ValueError(f"{name} est un nombre de mois : au moins 1")
        general = info.data.get("retention_months")
        if info.field_name == "confidential_retention_months" and general and value > general:
            raise ValueError(
                f"{name} ne peut pas dépasser {PREFIX}RETENTION_MONTHS : une demande "
                "confidentielle n'est jamais gardée plus longtemps qu'une autre"
            )
        return value

    @field_validator("secret")
    @classmethod
    def _sound_keys(cls, value: SecretStr | None) -> SecretStr | None:
        """Checked here, when the settings are built: before migrations or anything else."""
        if value is not None:
            problems = key_problems(split_keys(value.get_secret_value()))
            if problems:
                raise ValueError("\n".join(problems))
        return value

    @field_validator("matrix_user")
    @classmethod
    def _full_user_id(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("matrix_homeserver") and not re.fullmatch(r"@[^:\s]+:\S+", value or ""):
            raise ValueError(
                "ANIMATION_MATRIX_USER doit être l'identifiant Matrix complet du bot, @nom:serveur"
            )
        return value

    def allowed_servers(self) -> frozenset[str]:
        """The servers whose users may use the bot on Matrix: listed, or the bot's own."""
        if self.matrix_allowed_servers:
            return frozenset(self.matrix_allowed_servers)
        return frozenset({(self.matrix_user or "").partition(":")[2]})

    def signing_keys(self) -> tuple[str, ...]:
        """`ANIMATION_SECRET`'s keys, comma-separated: the first signs, every one verifies."""
        return split_keys(self.secret.get_secret_value()) if self.secret else ()

    def periods(self) -> Periods:
        """How long requests are kept (`requests.retention`)."""
        return Periods(
            closed=self.retention_months,
            confidential_closed=self.confidential_retention_months,
            confidential_open=self.confidential_max_open_months,
        )

    def token_values(self) -> tuple[str, ...]:
        return tuple(t.get_secret_value() for t in self.command_tokens)


def load_settings(
    environ: Mapping[str, str] | None = None, *, env_file: str | None = ".env"
) -> Settings:
    """Settings from `environ` when given (tests), else from the process environment."""
    if environ is None:
        return Settings(_env_file=env_file)
    values = {
        key[len(PREFIX) :].lower(): value
        for key, value in environ.items()
        if key.startswith(PREFIX)
    }
    return Settings.model_validate(values)


def explain(error: ValidationError) -> str:
    """What is wrong with the configuration, in French, for the person who runs the bot:
    the variables to check, then what the checks said (never the values)."""
    names = ", ".join(f"{PREFIX}{str(e['loc'][0]).upper()}" for e in error.errors() if e["loc"])
    lines = [f"Configuration invalide : vérifie {names}."]
    for problem in error.errors():
        cause = problem.get("ctx", {}).get("error")
        if problem["type"] == "value_error" and isinstance(cause, ValueError):
            lines.append(str(cause))
    return "\n".join(lines)
