"""docker-compose.yml and the Dockerfile, checked by reading (no Docker engine here)."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
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
    assert bot["ports"] == ["127.0.0.1:8000:8000"]
    assert "bot-state:/app/state" in bot["volumes"]
    assert bot["env_file"] == [{"path": ".env", "required": False}]  # all of .env, if there


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
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert all(re.search(rf"^{name}=", example, re.MULTILINE) for name in used)


def test_dockerfile_runs_as_non_root_with_a_healthcheck() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim", text, re.MULTILINE)
    assert re.search(r"^USER 10001", text, re.MULTILINE)
    assert re.search(r'^VOLUME \["/app/state"\]$', text, re.MULTILINE)
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert '"animation-bot", "serve", "--host", "0.0.0.0"' in text


def test_images_are_pinned_and_ports_stay_on_this_machine() -> None:
    for name, service in compose()["services"].items():
        image = service.get("image")
        if image is not None:  # a tag with a version number, never `latest` or none
            assert re.fullmatch(r"[\w./-]+:\d+(\.\d+)+[\w.-]*", image), (name, image)
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), (name, port)


def test_the_env_example_names_only_real_settings_and_no_secret() -> None:
    from bot.service.settings import PREFIX, Settings

    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    assigned = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    assert {"ANIMATION_SECRET", "ANIMATION_COMMAND_TOKENS", "ANIMATION_PUBLIC_URL"} <= set(assigned)
    fields = {f"{PREFIX}{name.upper()}" for name in Settings.model_fields}
    assert set(assigned) <= fields
    assert assigned["ANIMATION_SECRET"] == "" and assigned["ANIMATION_MATTERMOST_TOKEN"] == ""
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".env" in ignored and ".env.example" not in ignored


@pytest.mark.parametrize(
    "path", ["animation.db-wal", "animation.db-shm", "state/animation.db-journal", "x.db"]
)
def test_sqlite_side_files_are_ignored(path: str) -> None:
    patterns = [
        line
        for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert any(fnmatch.fnmatch(Path(path).name, pattern) for pattern in patterns), path


def test_the_changelog_keeps_a_changelog_and_names_this_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "[Keep a Changelog](https://keepachangelog.com/" in text
    assert "## [Unreleased]" in text
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", text, re.MULTILINE)
    with (ROOT / "pyproject.toml").open("rb") as file:
        current = tomllib.load(file)["project"]["version"]
    assert versions and versions[0][0] == current, "the newest entry is pyproject.toml's version"
    assert [v for v, _ in versions] == sorted(
        (v for v, _ in versions), key=lambda v: tuple(map(int, v.split("."))), reverse=True
    )
    assert [d for _, d in versions] == sorted((d for _, d in versions), reverse=True)
    assert text.count("### Upgrading") >= 2
