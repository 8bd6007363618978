"""The core stays pure: no web framework, no Mattermost client, no SQL in it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = """
    answers candidates catalog commands consistency desk directory forms lifecycle matching messages
    coverage names ports registry reloader request_commands request_texts schema signing
    snapshot text trello validation yamlsafe
""".split()
ADAPTERS = """
    web slash app cli logs metrics mattermost_form settings store outbox tables mattermost
    mattermost_payloads notifier worker interactions install doctor sync cli_tools cli_support
""".split()
FORBIDDEN = (
    "fastapi",
    "starlette",
    "uvicorn",
    "mattermostdriver",
    "sqlalchemy",
    "alembic",
    "requests",
    "httpx",
)
BOT = Path(__file__).resolve().parents[1] / "bot"


def imported(module: str) -> set[str]:
    tree = ast.parse((BOT / f"{module}.py").read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_adapter(module: str) -> None:
    bad = {name for name in imported(module) if name.split(".")[0] in FORBIDDEN}
    assert bad == set()


@pytest.mark.parametrize("module", CORE)
def test_core_does_not_import_the_edges(module: str) -> None:
    edges = {f"bot.{name}" for name in ADAPTERS}
    assert imported(module) & edges == set()


def _importers(package: str) -> list[str]:
    return sorted(
        p.stem
        for p in BOT.glob("*.py")
        if any(n.split(".")[0] == package for n in imported(p.stem))
    )


def test_only_the_adapter_knows_mattermostdriver() -> None:
    assert _importers("mattermostdriver") == ["mattermost"]


def test_only_the_store_knows_sql() -> None:
    assert _importers("sqlalchemy") == ["outbox", "store", "tables"]


def test_every_module_is_core_or_adapter() -> None:
    modules = {p.stem for p in BOT.glob("*.py")} - {"__init__", "__main__"}
    assert modules == set(CORE) | set(ADAPTERS)


def test_modules_stay_small() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in BOT.glob("*.py")}
    assert {name: n for name, n in sizes.items() if n > 300} == {}
