"""The directory page in a real browser: Debian's headless Chromium loads the page served by
the bot and the static build, the search filters (as you type, and through the form with
JavaScript off), axe-core finds no serious or critical violation, nothing is fetched from
elsewhere; screenshots at desktop and mobile widths in `artifacts/browser/` (CI keeps them).

Needs `/usr/bin/chromium` (Debian's `chromium`) and `npm ci` in `tests/browser`
(`.ci/run` does both); without them, this skips and says why.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REGISTRY, ROOT
from tests.live import free_port, run_cli, start_bot

BROWSER = ROOT / "tests" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts" / "browser"
QUERY = "domifa"

pytestmark = pytest.mark.slow


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return "no /usr/bin/chromium: `apt-get install chromium` (Debian) to run the browser tests"
    if shutil.which("node") is None:
        return "no node: `apt-get install nodejs npm` to run the browser tests"
    if not (BROWSER / "node_modules" / "playwright-core").exists():
        return "no tests/browser/node_modules: run `npm ci --ignore-scripts` in tests/browser"
    return None


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Any]]]:
    missing = _missing()
    if missing and os.environ.get("ANIMATION_BROWSER_TESTS") == "required":
        pytest.fail(f"the browser tests must run here (.ci/run): {missing}")
    if missing:
        pytest.skip(missing)
    workdir = tmp_path_factory.mktemp("browser")
    env = {"ANIMATION_COMMAND_TOKENS": "essai", "ANIMATION_REGISTRY": str(REGISTRY)}
    bot = start_bot(workdir=workdir, env=env)
    site = workdir / "site"
    built = run_cli(["annuaire", "--out", str(site)], workdir=ROOT, env={})
    assert built.returncode == 0, built.stderr
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = {
        "chromium": str(CHROMIUM),
        "query": QUERY,
        "artifacts": str(ARTIFACTS),
        "targets": [
            {"name": "service", "url": f"{bot.url}/annuaire", "server": True},
            {"name": "statique", "url": f"http://127.0.0.1:{server.server_port}/", "server": False},
        ],
    }
    try:
        done = subprocess.run(
            ["node", "check.mjs", json.dumps(config)],
            cwd=BROWSER,
            capture_output=True,
            text=True,
            timeout=150,
            check=False,
        )
    finally:
        server.shutdown()
        bot.stop()
    assert done.returncode == 0, done.stderr[-3000:]
    found = {report["name"]: report for report in json.loads(done.stdout)}
    weights = {name: r["widths"]["desktop"]["weight"] for name, r in found.items()}
    (ARTIFACTS / "poids.json").write_text(json.dumps(weights, indent=2), encoding="utf-8")
    yield found


@pytest.mark.parametrize("target", ["service", "statique"])
@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_the_search_filters_as_you_type(
    reports: dict[str, dict[str, Any]], target: str, width: str
) -> None:
    seen = reports[target]["widths"][width]
    assert seen["all"] > 200  # every active team, incubator and topic
    assert seen["typed"] == ["DomiFa"]
    assert seen["status"] == f"1 résultat pour « {QUERY} »."
    assert seen["cleared"] == seen["all"]
    assert seen["fonts"], "Marianne, shipped with the page, is in use"
    assert (ARTIFACTS / f"{target}-{width}.png").stat().st_size > 10_000


def test_the_page_stays_light(reports: dict[str, dict[str, Any]]) -> None:
    """The service sends the page and its text files compressed."""
    weight = reports["service"]["widths"]["desktop"]["weight"]
    assert weight["transferred"] < 400_000
    assert any(f["name"].endswith(".woff2") for f in weight["files"])


@pytest.mark.parametrize("target", ["service", "statique"])
def test_axe_finds_nothing_serious(reports: dict[str, dict[str, Any]], target: str) -> None:
    for seen in reports[target]["widths"].values():
        for found in (seen["axe"], seen["axeFiltered"]):
            assert [v for v in found if v["impact"] in ("serious", "critical")] == []


@pytest.mark.parametrize("target", ["service", "statique"])
def test_nothing_comes_from_elsewhere(reports: dict[str, dict[str, Any]], target: str) -> None:
    report = reports[target]
    assert report["outside"] == []
    assert report["failed"] == []
    assert report["console"] == []


def test_the_form_filters_without_javascript(reports: dict[str, dict[str, Any]]) -> None:
    plain = reports["service"]["noScript"]
    assert plain["all"] > 200
    assert plain["url"].endswith(f"/annuaire?q={QUERY}")
    assert plain["submitted"] == ["DomiFa"]
    assert plain["status"].startswith(f"1 résultat pour « {QUERY} »")
