"""A public address on this machine only: Mattermost elsewhere cannot call the bot there."""

from __future__ import annotations

import pytest

from bot.cli import doctor
from bot.mattermost.install import local_only, reach
from bot.service.settings import load_settings

REMOTE = "https://mattermost.example.org"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000",
        "http://127.1.2.3",
        "http://localhost:8000/",
        "http://LOCALHOST.",
        "http://bot.localhost",
        "http://[::1]:8000",
        "http://[::ffff:127.0.0.1]:8000",
        "http://0.0.0.0:8000",
        "http://[::]:8000",
    ],
)
def test_addresses_of_this_machine_only(url: str) -> None:
    assert local_only(url)


@pytest.mark.parametrize(
    "url",
    ["https://bot.example.org", "http://bot:8000", "http://10.0.0.5:8000", "http://[fd00::1]", ""],
)
def test_addresses_another_machine_may_reach(url: str) -> None:
    assert not local_only(url)


def test_a_local_address_with_mattermost_elsewhere_is_a_problem() -> None:
    found = reach("http://127.0.0.1:8000", mattermost_url=REMOTE)
    assert found.problem.startswith(
        f"http://127.0.0.1:8000 est une adresse locale : le serveur Mattermost ({REMOTE}) ne "
        "peut pas joindre le bot là"
    )
    assert "ANIMATION_PUBLIC_URL" in found.problem and not found.doubt


@pytest.mark.parametrize("mattermost_url", ["http://localhost:8065", None])
def test_a_local_address_with_mattermost_here_or_unknown_is_a_doubt(
    mattermost_url: str | None,
) -> None:
    found = reach("http://0.0.0.0:8000", mattermost_url=mattermost_url)
    assert not found.problem
    assert "ne convient que si Mattermost tourne sur cette même machine, hors conteneur" in (
        found.doubt
    )


def test_a_reachable_address_raises_nothing() -> None:
    assert reach("https://bot.example.org", mattermost_url=REMOTE) == reach(
        "http://bot:8000", mattermost_url=None
    )
    assert not reach("https://bot.example.org", mattermost_url=REMOTE).doubt


def test_doctor_fails_a_local_address_mattermost_elsewhere_cannot_reach() -> None:
    settings = load_settings({"ANIMATION_MATTERMOST_URL": REMOTE})  # the default public URL
    check = doctor._public_url(settings)
    assert not check.ok
    assert check.line().startswith(
        "✗ adresse publique http://127.0.0.1:8000 joignable par Mattermost\n    → "
        "http://127.0.0.1:8000 est une adresse locale"
    )


def test_a_passed_check_with_a_warning_shows_it() -> None:
    check = doctor.Check(True, "adresse publique joignable d'ici", warning="à lire")
    assert check.line() == "⚠ adresse publique joignable d'ici\n    → à lire"
    assert doctor.Check(True, "x", fix="inutile").line() == "✓ x"
