"""The core stays pure: no web framework, no Mattermost client, no SQL in it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = [
    "answers",
    "catalog",
    "commands",
    "consistency",
    "directory",
    "matching",
    "ports",
    "registry",
    "reloader",
    "schema",
    "text",
    "validation",
    "yamlsafe",
]
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
    edges = {"bot.web", "bot.app", "bot.cli", "bot.mattermost_form", "bot.settings"}
    assert imported(module) & edges == set()


def test_only_the_adapter_knows_mattermostdriver() -> None:
    users = [
        p.stem for p in BOT.glob("*.py") if "mattermostdriver" in p.read_text(encoding="utf-8")
    ]
    assert users in ([], ["mattermost"])


def test_modules_stay_small() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in BOT.glob("*.py")}
    assert {name: n for name, n in sizes.items() if n > 300} == {}
