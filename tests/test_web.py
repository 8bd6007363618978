"""The HTTP adapter, in process: token, form parsing, caps, error pages, /healthz."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import httpx
import pytest

import bot
from bot.app import build
from bot.core.registry.model import load_registry
from bot.mattermost.slash import ASGIApp
from bot.service.reloader import RegistryHolder
from bot.service.settings import load_settings
from tests.conftest import CATALOG, REGISTRY, TODAY
from tests.fakes import FakeClock
from tests.mattermost import command_form, command_headers, encode, parse_command_response

TOKEN = "tok-" + "x" * 22


class AppClient:
    """httpx over ASGI, called synchronously: the routes without a server (see test_e2e)."""

    def __init__(self, app: ASGIApp) -> None:
        self.transport = httpx.ASGITransport(app=app)

    def request(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        async def go() -> httpx.Response:
            async with httpx.AsyncClient(transport=self.transport, base_url="http://bot") as c:
                return await c.request(method, url, **kwargs)  # type: ignore[arg-type]

        return asyncio.run(go())

    def get(self, url: str, **kwargs: object) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: object) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: object) -> httpx.Response:
        return self.request("PUT", url, **kwargs)


@pytest.fixture
def client(clock: FakeClock, tmp_path: Path) -> Iterator[AppClient]:
    """The service as `serve` builds it, on SQLite, without Mattermost."""
    settings = load_settings(
        {
            "ANIMATION_COMMAND_TOKENS": f"old-token,{TOKEN}",
            "ANIMATION_REGISTRY": str(REGISTRY),
            "ANIMATION_CATALOG": str(CATALOG),
            "ANIMATION_DATABASE_URL": f"sqlite:///{tmp_path / 'web.db'}",
            "ANIMATION_SECRET": "s" * 32,
        }
    )
    service = build(settings, clock=clock)
    yield AppClient(service.app)
    service.store.engine.dispose()


def post(client: AppClient, text: str, *, token: str = TOKEN, **fields: str) -> httpx.Response:
    form = command_form(text, token=token, **fields)
    return client.post("/mattermost/command", content=encode(form), headers=command_headers(token))


def test_command_answers_ephemerally(client: AppClient) -> None:
    payload = parse_command_response(post(client, "qui anct"))
    assert payload["response_type"] == "ephemeral"
    assert "@dominique.exemple" in str(payload["text"])


def test_shared_answer_goes_in_channel(client: AppClient) -> None:
    payload = parse_command_response(post(client, "qui anct --partager"))
    assert payload["response_type"] == "in_channel"


def test_both_tokens_of_a_rotation_are_accepted(client: AppClient) -> None:
    parse_command_response(post(client, "aide", token="old-token"))


@pytest.mark.parametrize("token", ["", "nope", TOKEN + "x", TOKEN[:-1], "old-token," + TOKEN])
def test_wrong_token_is_refused(client: AppClient, token: str) -> None:
    response = post(client, "aide", token=token)
    assert response.status_code == 401
    assert response.json() == {"error": "Jeton de commande invalide."}


def test_the_header_alone_is_not_enough(client: AppClient) -> None:
    form = command_form("aide", token="")
    response = client.post(
        "/mattermost/command", content=encode(form), headers=command_headers(TOKEN)
    )
    assert response.status_code == 401


def test_text_is_not_trimmed_and_leading_spaces_are_fine(client: AppClient) -> None:
    payload = parse_command_response(post(client, "  qui   anct "))
    assert "ANCT" in str(payload["text"])


def test_get_variant(client: AppClient) -> None:
    query = encode(command_form("qui anct", token=TOKEN)).decode()
    payload = parse_command_response(client.get(f"/mattermost/command?{query}"))
    assert "ANCT" in str(payload["text"])


def test_oversize_body_is_refused_before_parsing(client: AppClient) -> None:
    response = client.post(
        "/mattermost/command",
        content=b"token=" + b"x" * 100_000,
        headers=command_headers(TOKEN),
    )
    assert response.status_code == 413
    assert response.json() == {"error": "Requête trop grosse."}


def test_too_many_fields_is_a_clean_400(client: AppClient) -> None:
    body = "&".join(f"f{i}=x" for i in range(500)).encode()
    response = client.post("/mattermost/command", content=body, headers=command_headers(TOKEN))
    assert response.status_code == 400
    assert response.json() == {"error": "Formulaire mal formé."}


def test_non_utf8_body_does_not_crash(client: AppClient) -> None:
    body = encode(command_form("qui ", token=TOKEN)) + b"%FF%FE\xff"
    parse_command_response(
        client.post("/mattermost/command", content=body, headers=command_headers(TOKEN))
    )


def test_unknown_route_and_method_answer_in_french(client: AppClient) -> None:
    assert client.get("/nope").json() == {"error": "Adresse inconnue."}
    response = client.put("/mattermost/command")
    assert response.status_code == 405
    assert response.json() == {"error": "Méthode non acceptée sur cette adresse."}


def test_healthz(client: AppClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == metadata.version("animation-bot") == bot.__version__
    assert body["registry"]["version"] == build_registry_version()
    assert body["registry"]["last_error"] is None
    assert body["registry"]["loaded_at"].startswith("2026-11-29T10:00:00")


def build_registry_version() -> str:
    return load_registry(REGISTRY, catalog_dir=CATALOG, today=TODAY).version


def test_healthz_is_503_before_any_registry(clock: FakeClock, tmp_path: Path) -> None:
    from bot.service.web import health

    holder = RegistryHolder(registry_path=tmp_path / "none.yaml", catalog_dir=CATALOG, clock=clock)
    body, status = health(holder)
    assert status == 503 and body["status"] == "unavailable"
    assert body["version"] == bot.__version__
