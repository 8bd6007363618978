"""The DSFR files the page ships are the locked npm package's, byte for byte, with its
licence; and the static build names only files it contains."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.registry.model import Registry
from bot.site.build import build
from tests.conftest import ROOT, TODAY

BROWSER = ROOT / "tests" / "browser"
DSFR = ROOT / "bot" / "site" / "static" / "dsfr"


def test_the_licence_and_version_come_along() -> None:
    assert "LICENCE OUVERTE 2.0" in (DSFR / "LICENSE.md").read_text(encoding="utf-8")
    lock = (BROWSER / "package-lock.json").read_text(encoding="utf-8")
    version = (DSFR / "VERSION").read_text(encoding="utf-8").strip()
    assert re.search(rf'"node_modules/@gouvfr/dsfr": {{\s*"version": "{version}"', lock)


def test_the_shipped_files_are_the_packages() -> None:
    if not (BROWSER / "node_modules" / "@gouvfr" / "dsfr").exists():
        pytest.skip("no tests/browser/node_modules: run `npm ci --ignore-scripts` in tests/browser")
    done = subprocess.run(
        [sys.executable, "tests/browser/vendor_dsfr.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )
    assert done.returncode == 0, done.stderr


def test_the_static_build_holds_every_file_it_names(registry: Registry, tmp_path: Path) -> None:
    page = build(registry, today=TODAY, out=tmp_path / "site")
    text = page.read_text(encoding="utf-8")
    named = re.findall(r'(?:href|src)="(static/[^"]+)"', text)
    assert len(named) == 16
    assert all((page.parent / name).is_file() for name in named)
    assert (page.parent / ".nojekyll").exists()
    assert 'action="./"' in text
    again = build(registry, today=TODAY, out=tmp_path / "site")  # over the previous one
    assert again.read_text(encoding="utf-8") == text
