"""docker-compose.yml and the Dockerfile, checked by reading (no Docker engine here)."""

from __future__ import annotations

import re
from typing import Any

import yaml

from tests.conftest import ROOT

SPEC_VARIABLES = {
    "ANIMATION_COMMAND_TOKENS",
    "ANIMATION_DATABASE_URL",
    "ANIMATION_MATTERMOST_URL",
    "ANIMATION_MATTERMOST_TOKEN",
    "ANIMATION_PUBLIC_URL",
    "ANIMATION_SECRET",
}


def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8")))


def test_compose_has_mattermost_postgres_and_the_bot() -> None:
    services = compose()["services"]
    assert set(services) == {"mattermost", "db", "bot"}
    assert services["mattermost"]["image"].startswith("mattermost/mattermost-preview")
    assert services["db"]["image"].startswith("postgres:")
    assert "healthcheck" in services["db"]
    bot = services["bot"]
    assert bot["build"] == "."
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert "8000:8000" in bot["ports"]


def test_bot_is_configured_for_postgres_and_mattermost() -> None:
    services = compose()["services"]
    environment = services["bot"]["environment"]
    assert set(environment) >= SPEC_VARIABLES
    assert environment["ANIMATION_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "@db/" in environment["ANIMATION_DATABASE_URL"]
    assert environment["ANIMATION_MATTERMOST_URL"] == "http://mattermost:8065"
    assert environment["ANIMATION_PUBLIC_URL"] == "http://bot:8000"
    assert environment["ANIMATION_SECRET"].startswith("${ANIMATION_SECRET:?")


def test_mattermost_may_call_the_bot() -> None:
    environment = compose()["services"]["mattermost"]["environment"]
    assert environment["MM_SERVICESETTINGS_SITEURL"].startswith("http")
    allowed = environment["MM_SERVICESETTINGS_ALLOWEDUNTRUSTEDINTERNALCONNECTIONS"].split()
    assert "bot" in allowed
    assert environment["MM_SERVICESETTINGS_ENABLEBOTACCOUNTCREATION"] == "true"
    assert environment["MM_SERVICESETTINGS_ENABLECOMMANDS"] == "true"


def test_every_interpolation_is_a_known_variable() -> None:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{([A-Z_]+)", text))
    assert used <= SPEC_VARIABLES | {"ANIMATION_TRIAGE_CHANNEL_ID"}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(name in readme for name in used)


def test_dockerfile_runs_as_non_root_with_a_healthcheck() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim", text, re.MULTILINE)
    assert re.search(r"^USER 10001", text, re.MULTILINE)
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert '"animation-bot", "serve", "--host", "0.0.0.0"' in text
