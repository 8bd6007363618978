"""A reload that fails, whatever the reason, is recorded once, shown on /healthz and
/metrics, and never replaces the registry being served."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.service.metrics import Metrics
from bot.service.reloader import RegistryHolder
from bot.service.watch import RegistryWatch
from bot.service.web import health
from tests.fakes import FakeClock
from tests.registries import BASE
from tests.test_reloader import loaded, ticks, touch_later


@pytest.mark.parametrize(
    ("raw", "line", "message"),
    [
        (b"# \x00\n", 1, "caractère interdit U+0000 (NUL) en colonne 3"),
        (b"contact: # \x1b[31m\n", 1, "caractère interdit U+001B (ESC) en colonne 12"),
        (b"\n\nx: \xef\xbf\xbe\n", 3, "caractère interdit U+FFFE (non-caractère) en colonne 4"),
        (b"x: caf\xe9\n", 1, "octet 0xE9 invalide en UTF-8, en colonne 7"),
    ],
)
def test_a_bad_byte_on_reload_is_a_recorded_failure(
    tmp_path: Path, clock: FakeClock, raw: bytes, line: int, message: str
) -> None:
    path = tmp_path / "r.yaml"
    holder = loaded(path, clock)
    version = holder.directory.registry.version
    path.write_bytes(raw + BASE.encode())
    assert ticks(holder, 3) == [False, False, False]
    assert holder.directory.registry.version == version
    assert holder.stale is True and holder.last_error is not None
    assert holder.last_error.messages[0].startswith(f"{path}:{line}: {message} : ")


def test_an_unexpected_error_is_recorded_and_logged_once(
    tmp_path: Path,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = tmp_path / "r.yaml"
    holder = loaded(path, clock)

    def broken(*args: object, **kwargs: object) -> object:
        raise KeyError("camille")  # what a bug would raise, quoting the registry

    monkeypatch.setattr("bot.service.reloader.load_registry", broken)
    with caplog.at_level(logging.ERROR, logger="bot.service.reloader"):
        for version in range(3):
            touch_later(path, BASE + f"# version {version}\n")
            assert ticks(holder, 3) == [False, False, False]
    assert holder.stale is True and holder.last_error is not None
    (message,) = holder.last_error.messages
    assert message.startswith(f"{path}: erreur inattendue (KeyError) en chargeant le registre")
    (record,) = caplog.records  # three files, the same failure: said once
    assert "unexpected KeyError at" in record.getMessage()
    assert "camille" not in caplog.text
    assert "Traceback" not in caplog.text

    monkeypatch.undo()
    touch_later(path, BASE + "# fixed\n")
    assert ticks(holder, 2) == [False, True]
    assert holder.stale is False


def test_a_refused_file_is_logged_without_its_content(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "r.yaml"
    holder = loaded(path, clock)
    touch_later(path, BASE.replace("camille.exemple", "'@camille.secret'"))
    with caplog.at_level(logging.ERROR, logger="bot.service.reloader"):
        ticks(holder, 4)
    (record,) = caplog.records
    assert record.getMessage() == (
        "registry reload refused: 1 problem(s) at line(s) 13; details on /healthz"
    )
    assert holder.last_error is not None and "camille.secret" in holder.last_error.messages[0]


class FailingHolder(RegistryHolder):
    def changed(self) -> bool:
        raise OSError("disk gone")


def test_the_watch_logs_its_own_failure_once(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(BASE, encoding="utf-8")
    holder = FailingHolder(registry_path=path, catalog_dir=tmp_path, clock=clock)
    watch = RegistryWatch(holder, interval=1)
    with caplog.at_level(logging.INFO, logger="bot.service.watch"):
        for _ in range(5):
            asyncio.run(watch.tick())
    assert [r.getMessage() for r in caplog.records] == ["registry watch failed: OSError"]


def test_the_watch_reloads_on_its_second_tick(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "r.yaml"
    holder = loaded(path, clock)
    watch = RegistryWatch(holder, interval=1)
    touch_later(path, BASE.replace("Camille Exemple", "Camille Nouveau"))
    asyncio.run(watch.tick())
    assert holder.reloads == 0
    asyncio.run(watch.tick())
    assert holder.directory.registry.animators["camille"].name == "Camille Nouveau"


def scrape(metrics: Metrics) -> dict[str, float]:
    text = metrics.render().decode()
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name.startswith("animation_registry")
    }


def test_healthz_and_metrics_show_a_refused_file(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "r.yaml"
    metrics = Metrics()
    holder = loaded(path, clock)
    holder.observer = metrics.reload
    metrics.watch_registry(
        lambda: holder.stale, lambda: holder.loaded.loaded_at if holder.loaded else None
    )
    loaded_at = clock.moment.timestamp()
    body, status = health(holder)
    assert status == 200 and body["status"] == "ok"
    assert body["registry"]["stale"] is False and body["registry"]["last_error"] is None
    assert scrape(metrics)["animation_registry_stale"] == 0

    touch_later(path, "version: 1\n\x00")
    ticks(holder, 2)
    body, status = health(holder)
    assert status == 200 and body["status"] == "ok"  # still ready: the last good one answers
    assert body["registry"]["stale"] is True
    assert body["registry"]["version"] == holder.directory.registry.version
    # Every problem of the file at once: the character, and what the rest of it lacks.
    assert body["registry"]["last_error"]["messages"] == [
        f"{path}:1: champ obligatoire « {key} » manquant"
        for key in ("contact", "commitments", "animators", "categories")
    ] + [f"{path}:2: caractère interdit U+0000 (NUL) en colonne 1 : supprime-le ou remplace-le"]
    found = scrape(metrics)
    assert found["animation_registry_stale"] == 1
    assert found["animation_registry_last_success_timestamp_seconds"] == loaded_at
    assert found["animation_registry_reloads_total"] == 1  # refused

    touch_later(path, BASE)
    ticks(holder, 2)
    assert health(holder)[0]["registry"]["stale"] is False
    assert scrape(metrics)["animation_registry_stale"] == 0
