"""End to end: the real service under uvicorn, spoken to as a Mattermost server would."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import REGISTRY
from tests.live import LiveBot, run_cli, start_bot
from tests.mattermost import command_form, command_headers, encode, parse_command_response
from tests.waiting import wait_for

pytestmark = pytest.mark.slow  # starts real processes

TOKEN = "e2e-" + "k" * 22
HOSTILE = [
    "",
    "x" * 10_000,
    "qui \x00\x00 anct",
    "qui \u202eanct\u202c \u2066x\u2069",
    "qui @all",
    "qui <!channel> <!here> <@u123>",
    "qui [clique](https://evil.example) ![img](https://evil.example/x.png)",
    "qui '; DROP TABLE requests; -- 1 OR 1=1",
    "qui 🙂🔔 @here",
    "qui ``` fin du bloc",
    "qui %00%ff \\ \r\n ok",
]
FIELDS = [
    "channel_id",
    "channel_name",
    "command",
    "response_url",
    "root_id",
    "team_domain",
    "team_id",
    "text",
    "trigger_id",
    "user_id",
    "user_name",
]


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBot]:
    workdir = tmp_path_factory.mktemp("bot")
    shutil.copy(REGISTRY, workdir / "referents.yaml")
    live = start_bot(
        workdir=workdir,
        env={
            "ANIMATION_COMMAND_TOKENS": TOKEN,
            "ANIMATION_REGISTRY": str(workdir / "referents.yaml"),
            "ANIMATION_RELOAD_INTERVAL": "0.2",
        },
    )
    yield live
    live.stop()


def send(bot: LiveBot, form: dict[str, str], token: str = TOKEN) -> httpx.Response:
    return httpx.post(
        f"{bot.url}/mattermost/command",
        content=encode(form),
        headers=command_headers(token),
        timeout=10,
    )


def test_qui_through_the_real_server(bot: LiveBot) -> None:
    payload = parse_command_response(send(bot, command_form("qui aides territoires", token=TOKEN)))
    assert payload["response_type"] == "ephemeral"
    text = str(payload["text"])
    assert text.startswith("L'équipe **Aides-territoires** est suivie par @dominique.exemple")
    assert "https://beta.gouv.fr/startups/aides-territoires.html" in text


def test_every_subcommand_answers_in_french(bot: LiveBot) -> None:
    for typed, expected in [
        ("", "le bot de l'équipe d'animation"),
        ("aide", "le bot de l'équipe d'animation"),
        ("contact", "dinum@beta.gouv.fr"),
        ("engagements", "Les engagements"),
        ("qui tps", "anciennement"),
        ("quoi", "tu voulais dire"),
    ]:
        payload = parse_command_response(send(bot, command_form(typed, token=TOKEN)))
        assert expected in str(payload["text"]), typed


def test_wrong_token_gets_401(bot: LiveBot) -> None:
    response = send(bot, command_form("aide", token="wrong"), token="wrong")
    assert response.status_code == 401


def test_mentions_in_text_add_repeated_fields(bot: LiveBot) -> None:
    form = encode(command_form("qui @alice ~town-square", token=TOKEN)).decode()
    form += "&user_mentions=alice&user_mentions_ids=" + "a" * 26
    form += "&channel_mentions=town-square&channel_mentions_ids=" + "c" * 26
    response = httpx.post(
        f"{bot.url}/mattermost/command",
        content=form.encode(),
        headers=command_headers(TOKEN),
        timeout=10,
    )
    parse_command_response(response)


@pytest.mark.parametrize("field", FIELDS)
def test_hostile_input_on_every_field(bot: LiveBot, field: str) -> None:
    for value in HOSTILE:
        form = command_form("qui anct", token=TOKEN)
        form[field] = value
        response = send(bot, form)
        payload = parse_command_response(response)  # 200, JSON, no ping, fits a post
        text = str(payload["text"])
        assert "Traceback" not in text and "Error" not in text
        assert any(word in text for word in ("équipe", "commande", "incubateur", "Dis-moi", "bot"))


def test_hostile_token_field(bot: LiveBot) -> None:
    for value in HOSTILE:
        response = send(bot, command_form("aide", token=value), token="x")
        assert response.status_code == 401
        assert response.json() == {"error": "Jeton de commande invalide."}


def test_healthz_reports_the_registry(bot: LiveBot) -> None:
    body = httpx.get(f"{bot.url}/healthz", timeout=5).json()
    assert body["status"] == "ok"
    assert body["registry"]["startups"] == 662
    assert body["registry"]["last_error"] is None


def test_registry_reloads_without_restart_and_refuses_a_broken_file(bot: LiveBot) -> None:
    path = Path(str(httpx.get(f"{bot.url}/healthz").json()["registry"]["path"]))
    original = path.read_text(encoding="utf-8")
    version = httpx.get(f"{bot.url}/healthz").json()["registry"]["version"]

    def health() -> dict[str, object]:
        return dict(httpx.get(f"{bot.url}/healthz", timeout=5).json()["registry"])

    def stale_gauge() -> float:
        text = httpx.get(f"{bot.url}/metrics", timeout=5).text
        (line,) = [ln for ln in text.splitlines() if ln.startswith("animation_registry_stale ")]
        return float(line.split()[1])

    def replace(text: str | bytes) -> None:
        """Deployed as the README says: a temporary file beside it, renamed over it."""
        temporary = path.with_suffix(".tmp")
        data = text.encode("utf-8") if isinstance(text, str) else text
        temporary.write_bytes(data)
        temporary.replace(path)

    try:
        assert health()["stale"] is False and stale_gauge() == 0
        # A broken file: logged, shown on /healthz and /metrics, the good registry answers.
        replace(original.replace("    mattermost: alex.exemple", "    mattermost: '@alex'"))
        wait_for(lambda: health()["last_error"] is not None, what="the broken file refused")
        error = health()["last_error"]
        assert isinstance(error, dict) and any(
            "identifiant Mattermost" in m for m in error["messages"]
        )
        assert health()["version"] == version and health()["stale"] is True
        assert stale_gauge() == 1
        payload = parse_command_response(send(bot, command_form("qui kube", token=TOKEN)))
        assert "@alex.exemple" in str(payload["text"])

        # Bad bytes, even in a comment: refused the same way, line by line.
        replace(b"# \x00 \x1b[31m\n" + original.encode() + b"# caf\xe9\n")
        wait_for(lambda: "U+0000" in str(health()["last_error"]), what="the bad characters refused")
        messages = dict(health()["last_error"])["messages"]  # type: ignore[call-overload]
        end = original.count("\n") + 2
        assert [m.split(" : ")[0] for m in messages] == [
            f"{path}:1: caractères interdits U+0000 (NUL) en colonne 3, U+001B (ESC) en colonne 5",
            f"{path}:{end}: octet 0xE9 invalide en UTF-8, en colonne 6",
        ]

        # A good change: picked up, no restart.
        replace(original.replace("mattermost: alex.exemple", "mattermost: alex.nouveau"))
        wait_for(lambda: health()["version"] != version, what="the new registry")
        assert health()["last_error"] is None and health()["stale"] is False
        assert stale_gauge() == 0
        payload = parse_command_response(send(bot, command_form("qui kube", token=TOKEN)))
        assert "@alex.nouveau" in str(payload["text"])
    finally:
        path.write_text(original, encoding="utf-8")
    assert "Traceback" not in bot.log.read_text()


def test_serve_refuses_to_start_on_a_broken_registry(tmp_path: Path) -> None:
    broken = tmp_path / "referents.yaml"
    broken.write_text(
        REGISTRY.read_text(encoding="utf-8").replace("version: 1", "version: 2"), encoding="utf-8"
    )
    result = run_cli(
        ["serve", "--dev", "--port", "1"], workdir=tmp_path, env={"ANIMATION_REGISTRY": str(broken)}
    )
    assert result.returncode == 1
    assert "le service ne démarre pas" in result.stderr
    assert (
        f"{broken}:" in result.stderr
        and "valeur « 2 » non prévue pour « version »" in result.stderr
    )


def test_serve_refuses_to_start_on_bad_bytes_and_says_where(tmp_path: Path) -> None:
    broken = tmp_path / "referents.yaml"
    broken.write_bytes(REGISTRY.read_bytes().replace(b"version: 1", b"version: 1 # \x00\xff", 1))
    result = run_cli(
        ["serve", "--dev", "--port", "1"], workdir=tmp_path, env={"ANIMATION_REGISTRY": str(broken)}
    )
    line = REGISTRY.read_text(encoding="utf-8").splitlines().index("version: 1") + 1
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "le service ne démarre pas" in result.stderr
    assert f"{broken}:{line}: caractère interdit U+0000 (NUL) en colonne 14" in result.stderr
    assert f"{broken}:{line}: octet 0xFF invalide en UTF-8, en colonne 15" in result.stderr


def test_serve_refuses_to_start_without_secret(tmp_path: Path) -> None:
    result = run_cli(
        ["serve", "--port", "1"], workdir=tmp_path, env={"ANIMATION_REGISTRY": str(REGISTRY)}
    )
    assert result.returncode == 2
    assert "ANIMATION_SECRET" in result.stderr
